from . import test_rkt_sop
from . import test_rkt_plan_flow
from . import test_access_rights
