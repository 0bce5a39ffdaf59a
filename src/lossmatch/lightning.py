"""Lightning (``pip install 'lossmatch[lightning]'``): :class:`LossCheck`, the training-time checks as a callback
(:mod:`lossmatch.checks.lightning`)."""

try:
    import lightning.pytorch as _pl  # noqa: F401
except ModuleNotFoundError as _error:
    if (_error.name or "").split(".")[0] != "lightning":
        raise
    raise ImportError("Expected Lightning 2 for `lossmatch.lightning`, but got no module named 'lightning'. Install "
                      "it: pip install 'lossmatch[lightning]'.") from None

from lossmatch.checks.lightning import LossCheck  # noqa: E402

__all__ = ["LossCheck"]
