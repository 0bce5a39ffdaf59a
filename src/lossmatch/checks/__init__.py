"""Training-time checks: the audit's rules judged on what a training run shows (first batch, running sums, epoch
ends), for plain PyTorch (:class:`LossCheck`), Keras 3 (``lossmatch.keras.LossCheck``) and Lightning
(``lossmatch.lightning.LossCheck``). Findings carry the audit's rule IDs, messages and fixes, and their epoch."""

from __future__ import annotations

from lossmatch.checks._monitor import TrainingFinding
from lossmatch.checks.guard import LossCheck

__all__ = ["LossCheck", "TrainingFinding"]
