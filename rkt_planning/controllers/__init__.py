from . import main
from . import rkt_planning
