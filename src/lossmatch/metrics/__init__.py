"""Metrics that fit the task (thin over scikit-learn), calibration and temperature scaling.

``evaluate`` is what ``compare`` reports and ``score`` adds calibration and warnings to (``lossmatch score``); metric names are DESIGN.md's.
"""

from lossmatch.metrics._calibration import brier_score, expected_calibration_error, reliability_curve
from lossmatch.metrics._evaluate import LOWER_IS_BETTER, evaluate, per_label_f1, to_probabilities
from lossmatch.metrics._kind import InputKind, detect_input_kind
from lossmatch.metrics._score import ScoreReport, reliability_figure, score
from lossmatch.metrics._temperature import apply_temperature, fit_temperature

__all__ = [
    "LOWER_IS_BETTER",
    "InputKind",
    "ScoreReport",
    "apply_temperature",
    "brier_score",
    "detect_input_kind",
    "evaluate",
    "expected_calibration_error",
    "fit_temperature",
    "per_label_f1",
    "reliability_curve",
    "reliability_figure",
    "score",
    "to_probabilities",
]
