"""Training dynamics from the runs' own per-epoch curves: final vs best epoch, speed, and what noise does.

Each pairing's test curve of the main metric is averaged over seeds; the notes say where it peaked and where it
ended, how many epochs it took to reach 95% of the matched pairing's best, and, when the training labels were
corrupted, why cross-entropy declines after its peak (its pull on a mislabeled example grows without bound as
``p_y -> 0``, while GCE's is scaled by ``p_y^q`` and SCE's reverse term is bounded).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from lossmatch import registry
from lossmatch.comparison.engine import RunResult

_WHY = {
    "cce": "cross-entropy's gradient on a mislabeled example grows without bound as p_y -> 0, so it goes on fitting "
           "the wrong labels",
    "gce": "GCE scales that gradient by p_y^q, so a mislabeled example pulls with a bounded force",
    "sce": "SCE shrinks the cross-entropy term and adds a bounded reverse term",
}


def curve_facts(runs: Sequence[RunResult], main: str, baseline: str | None) -> list[dict[str, Any]]:
    """Per pairing (in run order): final and best value of the seed-mean test curve, the best epoch (1-based),
    epochs to reach 95% of the ``baseline`` (matched) pairing's best (None if never or no baseline), and the mean
    logit-gradient norm of the first and last epoch (None for runs without one)."""
    by_pairing: dict[str, list[RunResult]] = {}
    for run in runs:
        by_pairing.setdefault(run.pairing, []).append(run)
    curves = {p: _mean_curve([r.history.get(main, []) for r in members]) for p, members in by_pairing.items()}
    target = 0.95 * float(curves[baseline].max()) if baseline in curves and len(curves[baseline]) else None
    facts = []
    for pairing, curve in curves.items():
        if not len(curve):
            continue
        norms = _mean_curve([r.history.get("grad_norm", []) for r in by_pairing[pairing]])
        reached = np.nonzero(curve >= target)[0] if target is not None else np.array([])
        facts.append({"pairing": pairing, "final": float(curve[-1]), "best": float(curve.max()),
                      "best_epoch": int(curve.argmax()) + 1, "epochs": len(curve),
                      "epochs_to_95": int(reached[0]) + 1 if len(reached) else None,
                      "grad_norm_first": float(norms[0]) if len(norms) else None,
                      "grad_norm_last": float(norms[-1]) if len(norms) else None})
    return facts


def _mean_curve(curves: list[list[float]]) -> np.ndarray:
    """The mean over seeds, cut to the shortest curve (early stopping ends curves at different epochs)."""
    length = min((len(c) for c in curves), default=0)
    return np.mean([c[:length] for c in curves], axis=0) if length else np.array([])


def notes(runs: Sequence[RunResult], main: str, baseline: str | None) -> list[str]:
    """Plain-words notes for the report: one per pairing under label noise, and the slow start of MSE."""
    if not runs:
        return []
    facts = curve_facts(runs, main, baseline)
    config = runs[0].config
    rate = float(config.get("label_noise", 0.0))
    out = []
    if rate:
        out.append(f"Trained on labels with {rate:.0%} {config.get('noise', 'symmetric')} noise (the same corrupted "
                   f"labels for every pairing of a seed; test labels clean). Test {main} per pairing, mean over seeds:")
        for f in facts:
            family = registry.pairing(f["pairing"]).family
            drop = f["best"] - f["final"]
            shape = (f"peaks at {f['best']:.3f} (epoch {f['best_epoch']}) and ends at {f['final']:.3f}, "
                     f"{drop:.3f} below its best" if drop >= 0.01 else f"ends at {f['final']:.3f}, at its best")
            reason = f" ({_WHY[family]})" if family in _WHY else ""
            out.append(f"{f['pairing']} {shape}{reason}.")
    for f in facts:
        if registry.pairing(f["pairing"]).family == "mse" and f["epochs_to_95"] is not None:
            reference = next((g for g in facts if g["pairing"] == baseline), None)
            if reference is not None and reference["epochs_to_95"] is not None:
                out.append(f"{f['pairing']} took {f['epochs_to_95']} epochs to reach 95% of {reference['pairing']}'s best "
                           f"{main}, {reference['pairing']} {reference['epochs_to_95']}.")
    return out
