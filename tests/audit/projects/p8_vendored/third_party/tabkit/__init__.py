"""tabkit 0.3 (vendored): small Keras helpers."""
from .models import build_model

__version__ = "0.3.1"
