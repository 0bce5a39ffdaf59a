"""What a score array is: logits, probabilities or log-probabilities, with the evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

_ROW_TOLERANCE = 1e-3


@dataclass(frozen=True)
class InputKind:
    """``kind`` is ``logits``, ``probs`` or ``log_probs``; ``ambiguous`` says the evidence fits another reading."""

    kind: str
    evidence: str
    ambiguous: bool = False
    rows_sum_to_one: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "evidence": self.evidence, "ambiguous": self.ambiguous,
                "rows_sum_to_one": self.rows_sum_to_one}


def detect_input_kind(scores: Any) -> InputKind:
    """Probabilities lie in [0, 1] (softmax rows also sum to 1); log-probabilities are <= 0 with each row's
    log-sum-exp ~ 0; anything else is logits. Values all in [0, 1] without rows summing to 1 could also be
    small logits, and non-positive values in a single column could be log-sigmoid or logits: both say so.
    """
    s = np.asarray(scores, dtype=np.float64)
    low, high = float(s.min()), float(s.max())
    multi = s.ndim == 2 and s.shape[1] > 1
    if 0.0 <= low and high <= 1.0:
        if multi and np.allclose(s.sum(axis=1), 1.0, atol=_ROW_TOLERANCE):
            return InputKind("probs", f"values in [{low:.3g}, {high:.3g}] and every row sums to 1 (softmax outputs)",
                             rows_sum_to_one=True)
        what = "rows do not sum to 1 (sigmoid outputs)" if multi else "a single column"
        return InputKind("probs", f"values in [{low:.3g}, {high:.3g}], {what}; small logits would look the same",
                         ambiguous=True)
    if high <= 0.0:
        if multi:
            lse = np.logaddexp.reduce(s, axis=1)
            if np.allclose(lse, 0.0, atol=_ROW_TOLERANCE):
                return InputKind("log_probs", "values <= 0 and every row's log-sum-exp is 0 (log_softmax outputs)",
                                 rows_sum_to_one=True)
            return InputKind("logits", f"values <= 0 (max {high:.3g}) but rows' log-sum-exp is not 0; could be "
                                       "log-sigmoid outputs", ambiguous=True)
        return InputKind("logits", "a single column of values <= 0: logits or log-probabilities", ambiguous=True)
    return InputKind("logits", f"values in [{low:.3g}, {high:.3g}] fall outside [0, 1]")
