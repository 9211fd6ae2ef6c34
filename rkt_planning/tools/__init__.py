from . import pades
from . import demo_certificates
