from . import rkt_planning
