"""Training-label noise for ``compare --label-noise``: the same corrupted labels for every pairing of a seed.

Single-label tasks: a seeded ``round(rate * n)`` of the training rows get a wrong label, ``symmetric`` drawn
uniformly from the other classes, ``pairflip`` the next class (``c -> c + 1 mod C``), so ``rate`` is the share of
wrong labels. Multi-label tasks: every label bit is flipped with probability ``rate``. Only the rows trained on
are corrupted: the test rows (and an early-stopping validation split) keep their labels, so the metrics say how
well each pairing learned the clean labels through the noise.
"""

from __future__ import annotations

import numpy as np

from lossmatch._messages import expected
from lossmatch.errors import ConfigError

NOISE_KINDS = ("symmetric", "pairflip")
_STREAM = 0x6E6F6973  # keeps the noise draws apart from the seed's weights and batch order


def check_noise(rate: object, kind: object) -> None:
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0.0 <= rate < 1.0:
        raise ConfigError(expected("label_noise", "be a share of training labels in [0, 1)", repr(rate)))
    if kind not in NOISE_KINDS:
        raise ConfigError(expected("noise", f"be one of {', '.join(NOISE_KINDS)}", repr(kind)))


def noisy_labels(y: np.ndarray, *, multilabel: bool, n_classes: int, rate: float, kind: str, seed: int) -> np.ndarray:
    """``y`` (class indices ``(n,)`` or multi-hot ``(n, L)``) with seed ``seed``'s noise; ``y`` itself is kept."""
    if rate == 0:
        return y
    rng = np.random.default_rng((seed, _STREAM))
    if multilabel:
        flips = rng.random(y.shape) < rate
        return np.where(flips, 1 - y, y).astype(y.dtype)
    noisy = y.copy()
    rows = rng.choice(len(y), size=round(rate * len(y)), replace=False)
    if kind == "pairflip":
        noisy[rows] = (y[rows] + 1) % n_classes
    else:  # uniformly among the other classes: an offset in [1, C - 1]
        noisy[rows] = (y[rows] + rng.integers(1, n_classes, size=len(rows))) % n_classes
    return noisy


def changed_share(clean: np.ndarray, noisy: np.ndarray) -> float:
    """The share of rows (single-label) or label bits (multi-label) the noise changed."""
    return float(np.mean(clean != noisy)) if clean.size else 0.0
