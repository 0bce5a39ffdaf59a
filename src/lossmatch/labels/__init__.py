"""Labels: read a label file, infer the task, recommend the loss (``lossmatch advise``).

``read_labels``/``load_array``/``read_arff`` read files; ``infer`` builds a :class:`LabelReport`; ``encode``
gives the canonical numeric labels; ``recommend`` picks the registry entry; ``advise`` does it all.
"""

from __future__ import annotations

import os
from typing import Any

from lossmatch.labels._infer import LabelReport, encode, infer
from lossmatch.labels._readers import load_array, read_arff, read_labels, read_labels_named, read_labels_noted
from lossmatch.labels._recommend import ModelCheck, Recommendation, check_model, recommend
from lossmatch.labels._snippets import snippets

__all__ = ["LabelReport", "ModelCheck", "Recommendation", "advise", "check_model", "encode", "infer", "load_array",
           "read_arff", "read_labels", "recommend", "snippets"]


def advise(
    labels_or_path: Any,
    *,
    column: str | list[str] | None = None,
    labels_last: int | None = None,
    label_sep: str | None = None,
    no_split: bool = False,
    num_classes: int | None = None,
    xml: str | os.PathLike[str] | None = None,
    model_units: int | None = None,
    model_activation: str | None = None,
) -> LabelReport:
    """Read (if a path), infer, recommend, write snippets and, given ``model_units`` and ``model_activation``,
    check the user's head. Returns the :class:`LabelReport` with ``recommendation``, ``snippets`` and
    ``model_check`` filled in. Strings holding label sets are found without ``label_sep`` (see :func:`infer`);
    ``no_split`` reads each string as one class.

    Example:
        >>> advise([[1, 0, 1], [0, 1, 0], [1, 1, 0]]).recommendation.loss
        'binary_cross_entropy_with_logits'
    """
    notes: tuple[str, ...] = ()
    if isinstance(labels_or_path, (str, os.PathLike)):
        source = os.fspath(labels_or_path)
        y, names, notes = read_labels_noted(labels_or_path, column=column, labels_last=labels_last, xml=xml)
    else:
        source, y = "<array>", labels_or_path
        names = [str(c) for c in y.columns] if getattr(y, "ndim", 1) == 2 and hasattr(y, "columns") else None
    report = infer(y, num_classes=num_classes, label_sep=label_sep, no_split=no_split, source=source, class_names=names)
    if notes:
        report = report.replace(evidence=notes + report.evidence)
    rec = recommend(report)
    check = None
    if (model_units is None) != (model_activation is None):
        from lossmatch._messages import expected
        from lossmatch.errors import ConfigError

        raise ConfigError(expected("model", "be given as both --model-units and --model-activation",
                                   "only " + ("--model-units" if model_units is not None else "--model-activation")))
    if model_units is not None:
        check = check_model(report, rec, model_units, model_activation)
    return report.replace(recommendation=rec, snippets=snippets(report, rec), model_check=check)
