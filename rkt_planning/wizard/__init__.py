from . import rkt_esign_dialog_mixin
from . import rkt_plan_step_complete
from . import rkt_plan_return
from . import rkt_plan_sign
from . import rkt_plan_dpa
from . import rkt_pk_sign
from . import rkt_pk_reset
