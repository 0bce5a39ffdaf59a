"""Keras 3 adapters (``KERAS_BACKEND=torch``): see :mod:`lossmatch.losses.keras`; and :class:`LossCheck`, the
training-time checks as a callback (:mod:`lossmatch.checks.keras`)."""

import os as _os


def _no_backend(error: BaseException) -> str:
    if isinstance(error, ModuleNotFoundError) and error.name == "keras":
        return ("Expected Keras 3 for `lossmatch.keras`, but got no module named 'keras'. Install it (pip install keras) "
                "and set KERAS_BACKEND=torch before importing it.")
    backend = _os.environ.get("KERAS_BACKEND")
    shown = f"KERAS_BACKEND={backend!r}" if backend else "no KERAS_BACKEND (Keras then uses ~/.keras/keras.json's or tensorflow)"
    return (f"Expected a Keras backend that imports for `lossmatch.keras`, but got {shown}: {error}. Set "
            "KERAS_BACKEND=torch before the first `import keras`: lossmatch's Keras adapters compute with torch.")


try:
    import keras as _keras  # noqa: F401 - Keras loads its backend at this first import
except (ImportError, ValueError) as _error:  # ValueError: Keras' "Unable to import backend" for an unknown name
    raise ImportError(_no_backend(_error)) from None

from lossmatch.checks.keras import LossCheck  # noqa: E402
from lossmatch.losses.keras import (  # noqa: F401
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    GeneralizedCrossentropy,
    Hinge,
    MulticlassHinge,
    SoftmaxMeanSquaredError,
    SparseCategoricalCrossentropy,
    SymmetricCrossentropy,
)
from lossmatch.losses.keras import __all__ as _losses  # noqa: E402

__all__ = [*_losses, "LossCheck"]  # noqa: PLE0604 - the adapters' names: strings
