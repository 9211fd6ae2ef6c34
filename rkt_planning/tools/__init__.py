from . import pades
