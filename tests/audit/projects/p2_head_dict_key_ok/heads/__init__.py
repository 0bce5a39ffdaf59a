from .registry import HEADS, build_head
from .presence import PresenceHead
from .segmentation import SegHead
