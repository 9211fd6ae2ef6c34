from . import test_rkt_sop
from . import test_rkt_plan_flow
from . import test_access_rights
from . import test_deadlines
from . import test_hr_employee
from . import test_report
