"""Keras 3 adapters (``KERAS_BACKEND=torch``): see :mod:`lossmatch.losses.keras`."""

from lossmatch.losses.keras import (  # noqa: F401
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    SparseCategoricalCrossentropy,
)
from lossmatch.losses.keras import __all__  # noqa: F401
