"""Task inference from labels: ordered rules in scikit-learn's ``type_of_target`` vocabulary, refined.

``infer`` reports the task (``binary | multiclass | multilabel | multioutput``), the encoding, the classes and
their counts, imbalance and cardinality, ``sklearn_type`` exactly as ``type_of_target`` returns it, and one
line of evidence per conclusion. Refinements over scikit-learn: a 0/1 matrix with one label per row is one-hot
multiclass (not multilabel), rows of probabilities summing to 1 are soft multiclass targets, {-1, 1} is binary,
delimited strings and label lists are multilabel, integer labels with gaps or starting at 1 get a remap hint.
``encode`` turns labels into the canonical numeric form for the task.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lossmatch._messages import expected, show_shape, show_values
from lossmatch.errors import DataError, TargetFormatError
from lossmatch.labels._sets import LIST_SYNTAX, detect, split_values

__all__ = ["LabelReport", "encode", "identifier_warning", "infer", "split_guess", "to_numpy"]

MAX_LISTED = 50
NEARLY_SINGLE_LABEL = 0.99
PROXY_MIN_SIZE = 1_000_000
DISTINCT_WARNING_ROWS = 20  # 1-D labels all distinct over at least this many rows are no classes
_IDENTIFIERS = "every one of the"  # how the evidence line on all-distinct labels begins (identifier_warning)


@dataclass(frozen=True)
class LabelReport:
    """What the labels say. ``classes``/``class_counts`` are complete here and capped in :meth:`to_dict`.

    ``class_counts`` counts rows per class (single-label) or positives per label (multilabel); for soft
    targets it is the summed probability mass rounded to an integer. ``imbalance_ratio`` is always >= 1 (or None):
    the largest class count over the smallest non-zero one (single-label); for multilabel, the label furthest from
    balance, its larger side (positives or negatives) over its smaller one.
    """

    source: str
    n_samples: int
    task: str
    encoding: str
    n_classes: int
    classes: tuple[Any, ...]
    class_counts: tuple[int, ...]
    imbalance_ratio: float | None
    label_cardinality: float
    single_label_share: float
    sklearn_type: str
    evidence: tuple[str, ...]
    n_outputs: int = 1
    output_classes: tuple[int, ...] = ()
    recommendation: Any = None
    snippets: dict[str, str] | None = None
    model_check: Any = None
    label_sep: str | None = field(default=None, repr=False)
    label_sep_guessed: bool = field(default=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        capped = len(self.classes) > MAX_LISTED
        return {
            "source": self.source,
            "n_samples": self.n_samples,
            "task": self.task,
            "encoding": self.encoding,
            "n_classes": self.n_classes,
            "classes": [_jsonable(c) for c in self.classes[:MAX_LISTED]],
            "classes_truncated": capped,
            "class_counts": {str(_jsonable(c)): int(n) for c, n in list(zip(self.classes, self.class_counts))[:MAX_LISTED]},
            "imbalance_ratio": self.imbalance_ratio,
            "label_cardinality": self.label_cardinality,
            "single_label_share": self.single_label_share,
            "n_outputs": self.n_outputs,
            "label_sep": self.label_sep,
            "label_sep_guessed": self.label_sep_guessed,
            "sklearn_type": self.sklearn_type,
            "evidence": list(self.evidence),
            "recommendation": self.recommendation.to_dict() if self.recommendation is not None else None,
            "snippets": dict(self.snippets) if self.snippets is not None else None,
            "model_check": self.model_check.to_dict() if self.model_check is not None else None,
        }

    def replace(self, **changes: Any) -> LabelReport:
        return dataclasses.replace(self, **changes)


def _jsonable(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


# ----------------------------------------------------------------------------------------- conversion
def to_numpy(y: Any) -> np.ndarray | list[list[Any]]:
    """Arrays, tensors, pandas objects and lists to numpy; ragged lists of lists stay label sets."""
    if hasattr(y, "detach") and hasattr(y, "cpu"):
        y = y.detach().cpu().numpy()
    elif hasattr(y, "to_numpy"):
        y = y.to_numpy()
    if isinstance(y, np.ndarray):
        return y
    if isinstance(y, (list, tuple)):
        if y and all(isinstance(row, (list, tuple, set, frozenset)) for row in y):
            lengths = {len(row) for row in y}
            flat = [v for row in y for v in row]
            numeric_01 = all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) and v in (0, 1) for v in flat)
            if len(lengths) == 1 and not any(isinstance(row, (set, frozenset)) for row in y) and (numeric_01 or _all_numeric(flat)):
                return np.asarray(y)
            return [list(row) for row in y]
        return np.asarray(y)
    raise TargetFormatError(expected("labels", "be an array, tensor, list or file path", type(y).__name__))


def _all_numeric(values: Sequence[Any]) -> bool:
    return all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in values)


def _sklearn_type(y: Any) -> str:
    """``type_of_target(y)``. A large integer matrix holding two adjacent values is answered from a 2-row matrix
    with the same dtype, width and value set: type_of_target's rules read only those (its np.unique over
    every element is the slowest step of advise on a 1,000,000 x 100 file)."""
    from sklearn.utils.multiclass import type_of_target

    if isinstance(y, np.ndarray) and y.ndim == 2 and y.shape[1] > 1 and y.size > PROXY_MIN_SIZE and y.dtype.kind in "biu":
        low, high = y.min(), y.max()
        if int(high) - int(low) <= 1:
            y = np.array([[low] * y.shape[1], [high] * y.shape[1]], dtype=y.dtype)
    try:
        return str(type_of_target(y))
    except (ValueError, TypeError):
        return "unknown"


# ----------------------------------------------------------------------------------------- inference
def infer(y: Any, *, num_classes: int | None = None, label_sep: str | None = None, no_split: bool = False,
          source: str = "<array>", class_names: Sequence[str] | None = None) -> LabelReport:
    """Infer the task and encoding of ``y`` (numpy, list, torch tensor; index vector, one-hot/multi-hot/soft
    matrix, strings, {-1, 1}, label lists, or strings joined by ``label_sep``). ``class_names`` names the
    columns of a label matrix (ARFF label attributes, table columns); by default they are 0..C-1.

    Strings that hold label sets (``"art|news"``, ``"a; b"``, ``"['a', 'b']"``) are found without
    ``label_sep`` (:func:`lossmatch.labels._sets.detect`; the evidence says which separator and why, and when it
    is a guess); ``no_split`` reads every string as one class. An empty string is an empty label set in
    multi-label data and an error (naming its rows) in single-label data.

    Raises :class:`~lossmatch.errors.DataError` for empty, NaN or constant labels and for continuous values
    that are not probabilities.

    Example:
        >>> infer([0, 2, 1, 2]).task, infer([[1, 0], [0, 1]]).encoding, infer([-1, 1, 1]).encoding
        ('multiclass', 'one_hot', 'signed_binary')
    """
    if num_classes is not None and (not isinstance(num_classes, int) or num_classes < 2):
        raise DataError(expected("num_classes", "be an integer >= 2", repr(num_classes)))
    if label_sep and no_split:
        raise DataError(expected("no_split", "come without label_sep (--no-split or --label-sep, not both)",
                                 f"both, with label_sep={label_sep!r}"))
    y = to_numpy(y)
    if isinstance(y, list):
        return _infer_label_sets(y, "label_sets", source, None)
    if y.size == 0:
        raise DataError(expected("labels", "hold at least one label", f"an empty array {show_shape(y.shape)}"))
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim not in (1, 2):
        raise DataError(expected("labels", "be 1-D or 2-D", show_shape(y.shape)))
    if y.dtype.kind == "O":
        y = _from_object(y)
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        bad = y[~np.isfinite(y)]
        raise DataError(expected("labels", "be finite (no NaN or empty labels)", f"{bad.size} non-finite value(s) {show_values(bad[:10].tolist())}"))
    sk_type = _sklearn_type(y)
    if y.dtype.kind in "US":
        if y.ndim == 2:
            return _infer_multioutput(y, source, sk_type)
        return _infer_strings(y, source, sk_type, num_classes, label_sep, no_split)
    if y.ndim == 1:
        return _infer_single(y, source, sk_type, num_classes)
    report = _infer_matrix(y, source, sk_type, num_classes)
    if class_names is not None and report.task != "multioutput":
        if len(class_names) != report.n_classes:
            raise DataError(expected("class_names", f"name the {report.n_classes} columns", f"{len(class_names)} names"))
        report = report.replace(classes=tuple(class_names))
    return report


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _from_object(y: np.ndarray) -> np.ndarray:
    flat = y.ravel().tolist()
    if y.ndim == 1 and any(isinstance(v, str) for v in flat) and all(isinstance(v, str) or _is_missing(v) for v in flat):
        return np.array(["" if _is_missing(v) else v for v in flat], dtype=str)  # pandas reads an empty cell as NaN
    if any(_is_missing(v) for v in flat):
        raise DataError(expected("labels", "have no missing labels", "None/NaN values"))
    if all(isinstance(v, str) for v in flat):
        return y.astype(str)
    if _all_numeric(flat):
        return y.astype(np.float64)
    raise DataError(expected("labels", "be all numbers or all strings", f"a mix {show_values(flat[:10])}"))


def _rows(indices: Sequence[int]) -> str:
    shown = ", ".join(str(i + 1) for i in indices[:10])
    return f"row{'s' if len(indices) > 1 else ''} {shown}{f', ... ({len(indices) - 10} more)' if len(indices) > 10 else ''}"


def _infer_strings(y: np.ndarray, source: str, sk_type: str, num_classes: int | None, label_sep: str | None,
                   no_split: bool) -> LabelReport:
    """A 1-D string column: label sets (split on ``label_sep`` or a detected separator) or one class per value."""
    values = y.tolist()
    empty = [i for i, v in enumerate(values) if not v.strip()]
    notes: tuple[str, ...] = ()
    if label_sep and (label_sep == LIST_SYNTAX or empty or any(label_sep in v for v in values)):
        sets = split_values(values, label_sep)
        return _infer_label_sets(sets, "label_sets" if label_sep == LIST_SYNTAX else "delimited", source, sk_type,
                                 label_sep=label_sep, why=f"strings split on {label_sep!r} (as asked) are label sets",
                                 empty=len(empty))
    if not label_sep and not no_split:
        guess = detect(values)
        if guess.sep is not None:
            sets = split_values(values, guess.sep)
            return _infer_label_sets(sets, "label_sets" if guess.sep == LIST_SYNTAX else "delimited", source, sk_type,
                                     label_sep=guess.sep, why=guess.evidence[0], empty=len(empty),
                                     guessed=not guess.confident)
        notes = guess.evidence
    if no_split:
        notes = ("--no-split: every string is one class",)
    if empty:
        raise DataError(expected("labels", "have a label in every row", f"{len(empty)} empty value(s) in {_rows(empty)} "
                                 "(row 1 is the first label, below any header)", "An empty value is an empty label set only in multi-label "
                                 "data; pass --label-sep SEP if these strings are label sets."))
    report = _infer_single(y, source, sk_type, num_classes)
    return report.replace(evidence=report.evidence + notes) if notes else report


def _is_whole(y: np.ndarray) -> bool:
    return y.dtype.kind in "iub" or bool(np.all(y == np.round(y)))


def _infer_single(y: np.ndarray, source: str, sk_type: str, num_classes: int | None) -> LabelReport:
    evidence: list[str] = []
    if y.dtype.kind == "f" and not _is_whole(y):
        low, high = float(y.min()), float(y.max())
        if low < 0 or high > 1:
            raise DataError(expected("labels", "be class labels or probabilities in [0, 1]",
                                     f"continuous values in [{low:.6g}, {high:.6g}]", "This looks like regression."))
        mass = float(y.sum())
        return LabelReport(source, int(y.size), "binary", "soft_binary", 2, (0, 1), (round(y.size - mass), round(mass)),
                           _ratio([y.size - mass, mass]), 1.0, 1.0, sk_type,
                           (f"sklearn says {sk_type!r}: 1-D values in [{low:.3g}, {high:.3g}], not whole numbers",
                            "refined to binary soft targets: each value is P(class 1)"))
    if y.dtype.kind == "b":
        y = y.astype(np.int64)
    classes, counts = np.unique(y, return_counts=True)
    if y.dtype.kind == "f":
        classes = classes.astype(np.int64)
    encoding = "string" if y.dtype.kind == "U" else "index"
    evidence.append(f"sklearn says {sk_type!r}: {len(classes)} distinct value(s) in a 1-D array of {y.size}")
    if encoding == "index" and num_classes is not None:
        outside = classes[(classes < 0) | (classes >= num_classes)]
        if outside.size:
            raise DataError(expected("labels", f"be class indices in [0, {num_classes - 1}] (num_classes={num_classes})",
                                     f"{outside.size} value(s) outside {show_values(outside.tolist())}"))
        full = np.zeros(num_classes, dtype=np.int64)
        full[classes] = counts
        if len(classes) < num_classes:
            evidence.append(f"num_classes={num_classes}: {num_classes - len(classes)} class(es) never occur")
        classes, counts = np.arange(num_classes), full
    elif len(classes) < 2:
        raise DataError(expected("labels", "hold at least two classes", f"a single class {show_values(classes.tolist())} "
                                 f"in all {y.size} rows", "Nothing to learn from constant labels."))
    if encoding == "index" and set(classes.tolist()) == {-1, 1}:
        encoding = "signed_binary"
        evidence.append("labels are {-1, 1}: signed binary labels; map -1 -> 0 for BCE (encode does it)")
    elif encoding == "index" and num_classes is None:
        lo, hi = int(classes[0]), int(classes[-1])
        if lo == 1 and hi == len(classes):
            evidence.append(f"labels run 1..{hi}: 1-based; subtract 1 (encode maps them to 0..{hi - 1})")
        elif lo != 0 or hi != len(classes) - 1:
            evidence.append(f"labels are {show_values(classes.tolist())}, not 0..{len(classes) - 1}: "
                            "gaps or an offset; remap to consecutive indices (encode does it, in sorted order)")
    task = "binary" if len(classes) == 2 else "multiclass"
    if encoding == "string":
        evidence.append(f"string labels: {len(classes)} classes in sorted order {show_values(classes.tolist())}")
    if num_classes is None and len(classes) == y.size >= DISTINCT_WARNING_ROWS:
        what = "identifiers or text" if encoding == "string" else "row numbers or identifiers"
        evidence.append(f"{_IDENTIFIERS} {y.size} rows has its own value: these read as {what}, not class labels "
                        "(a class needs rows to learn from); is this the label column (--column)?")
    evidence.append(f"one label per row: {task} ({len(classes)} classes)")
    return LabelReport(source, int(y.size), task, encoding, len(classes), tuple(_jsonable(c) for c in classes.tolist()),
                       tuple(int(c) for c in counts), _ratio(counts), 1.0, 1.0, sk_type, tuple(evidence))


def _ratio(counts: Any) -> float | None:
    counts = np.asarray(counts, dtype=np.float64)
    present = counts[counts > 0]
    if present.size == 0:
        return None
    return round(float(present.max() / present.min()), 4)


def _label_ratio(positives: Any, n: int) -> float | None:
    """Multi-label imbalance, >= 1: over the labels that vary, the largest ratio of a label's larger side to its
    smaller one (negatives per positive for a rare label, positives per negative for a label most rows carry; a
    label in 80% of rows is 4:1 like one in 20%). None when no label varies."""
    positives = np.asarray(positives, dtype=np.float64)
    negatives = n - positives
    varies = (positives > 0) & (negatives > 0)
    if not varies.any():
        return None
    larger, smaller = np.maximum(positives, negatives)[varies], np.minimum(positives, negatives)[varies]
    return round(float(np.max(larger / smaller)), 4)


def _infer_matrix(y: np.ndarray, source: str, sk_type: str, num_classes: int | None) -> LabelReport:
    n, c = y.shape
    low, high = y.min(), y.max()
    evidence = [f"sklearn says {sk_type!r}: a 2-D array {show_shape(y.shape)} with values in [{float(low):.4g}, {float(high):.4g}]"]
    if num_classes is not None and num_classes != c:
        raise DataError(expected("labels", f"have num_classes={num_classes} columns", show_shape(y.shape)))
    whole = _is_whole(y)
    if whole and low >= -1 and high <= 1 and not (low < 0 and bool((y == 0).any())):
        signed = bool(low < 0)
        positives = y > 0 if signed or y.dtype.kind == "f" else y  # 0/1 integers count as they are
        encoding = "signed_multi_hot" if signed else None
        if signed:
            evidence.append("values are {-1, 1}: signed indicators; -1 means absent (encode maps it to 0)")
        row_sums = positives.sum(axis=1, dtype=np.int64)
        counts = positives.sum(axis=0, dtype=np.int64)
        single = float(np.mean(row_sums == 1))
        cardinality = float(row_sums.mean())
        classes = tuple(range(c))
        if single == 1.0 and not signed:
            task = "binary" if c == 2 else "multiclass"
            evidence.append(f"every row has exactly one 1: one-hot {task}, not multi-label (refines {sk_type!r})")
            return LabelReport(source, n, task, "one_hot", c, classes, tuple(counts.tolist()), _ratio(counts), 1.0, 1.0,
                               sk_type, tuple(evidence))
        encoding = encoding or "multi_hot"
        evidence.append(f"rows hold {cardinality:.2f} labels on average (max {int(row_sums.max())}); "
                        f"{single:.1%} have exactly one, {float(np.mean(row_sums == 0)):.1%} none: multilabel")
        if single >= NEARLY_SINGLE_LABEL:
            evidence.append(f"{single:.1%} of rows have exactly one label: this is really multiclass; consider "
                            "dropping or merging the other rows and training softmax + categorical CE")
        never = np.flatnonzero(counts == 0)
        if never.size:
            evidence.append(f"{never.size} label(s) never occur {show_values(never.tolist())}: they cannot be learned")
        if counts.min() == n:
            raise DataError(expected("labels", "vary", "every label set in every row", "Nothing to learn from constant labels."))
        return LabelReport(source, n, "multilabel", encoding, c, classes, tuple(counts.tolist()), _label_ratio(counts, n),
                           round(cardinality, 6), round(single, 6), sk_type, tuple(evidence))
    if low >= 0 and high <= 1:
        sums = y.sum(axis=1, dtype=np.float64)
        mass = y.sum(axis=0, dtype=np.float64)
        counts = tuple(round(float(m)) for m in mass)
        if np.allclose(sums, 1.0, atol=1e-5):
            task = "binary" if c == 2 else "multiclass"
            evidence.append(f"every row sums to 1 (max deviation {float(np.abs(sums - 1).max()):.2g}): soft {task} "
                            f"targets, a probability distribution per row (refines {sk_type!r})")
            return LabelReport(source, n, task, "soft", c, tuple(range(c)), counts, _ratio(mass), 1.0, 1.0, sk_type, tuple(evidence))
        evidence.append(f"values in [0, 1] whose rows sum to {float(sums.min()):.3g}..{float(sums.max()):.3g}: "
                        "independent per-label probabilities (soft multilabel targets)")
        return LabelReport(source, n, "multilabel", "soft", c, tuple(range(c)), counts, _label_ratio(mass, n),
                           round(float(sums.mean()), 6), 0.0, sk_type, tuple(evidence))
    if whole:
        return _infer_multioutput(y.astype(np.int64), source, sk_type)
    raise DataError(expected("labels", "be class labels, indicators or probabilities in [0, 1]",
                             f"continuous values in [{float(low):.6g}, {float(high):.6g}] {show_shape(y.shape)}",
                             "This looks like regression targets."))


def _infer_multioutput(y: np.ndarray, source: str, sk_type: str) -> LabelReport:
    n, outputs = y.shape
    per_output = [np.unique(y[:, j], return_counts=True) for j in range(outputs)]
    constant = [j for j, (cls, _) in enumerate(per_output) if len(cls) < 2]
    if constant:
        raise DataError(expected("labels", "vary in every output column", f"constant column(s) {constant[:10]}",
                                 "Nothing to learn from constant labels."))
    classes = tuple(f"{j}:{_jsonable(c)}" for j, (cls, _) in enumerate(per_output) for c in cls.tolist())
    counts = tuple(int(k) for _, cnt in per_output for k in cnt)
    sizes = tuple(len(cls) for cls, _ in per_output)
    evidence = [f"sklearn says {sk_type!r}: {outputs} output columns with {', '.join(map(str, sizes))} classes each",
                "several single-label outputs per row: multioutput, one softmax head per output"]
    ratio = max(_ratio(cnt) or 1.0 for _, cnt in per_output)
    return LabelReport(source, n, "multioutput", "index" if y.dtype.kind != "U" else "string", len(classes), classes, counts,
                       ratio, float(outputs), 0.0, sk_type, tuple(evidence), n_outputs=outputs, output_classes=sizes)


def _infer_label_sets(sets: list[list[Any]], encoding: str, source: str, sk_type: str | None, *, label_sep: str | None = None,
                      why: str = "each row is a list of labels", empty: int = 0, guessed: bool = False) -> LabelReport:
    if not sets:
        raise DataError(expected("labels", "hold at least one row", "no rows"))
    try:
        grouped = Counter(tuple(row) for row in sets)  # each distinct label set once (a million rows, few sets)
        flat = [v for row in grouped for v in row]
        if any(_is_missing(v) or (isinstance(v, str) and not v.strip()) for v in flat):
            raise DataError(expected("labels", "have no empty or missing labels in the label sets", "None/NaN/empty values"))
        classes = sorted(set(flat))
    except TypeError:
        sample = [v for row in sets[:10] for v in row][:10]
        raise DataError(expected("labels", "be all numbers or all strings", f"a mix {show_values(sample)}")) from None
    if not classes:
        raise DataError(expected("labels", "hold at least one label", "only empty label sets"))
    if sk_type is None:
        ragged = np.empty(len(sets), dtype=object)
        ragged[:] = sets
        sk_type = _sklearn_type(ragged)
    position = {c: i for i, c in enumerate(classes)}
    counts = np.zeros(len(classes), dtype=np.int64)
    size_rows: Counter[int] = Counter()
    for row, rows in grouped.items():
        unique = {position[v] for v in row}
        size_rows[len(unique)] += rows
        counts[list(unique)] += rows
    sizes = np.repeat(np.fromiter(size_rows, dtype=np.int64), np.fromiter(size_rows.values(), dtype=np.int64))
    n = len(sets)
    single = float(np.mean(sizes == 1))
    raw = " (each string as one class)" if encoding == "delimited" or label_sep == LIST_SYNTAX else ""
    evidence = [f"sklearn says {sk_type!r}{raw}; {why}",
                (f"{len(classes)} distinct labels; rows hold {float(sizes.mean()):.2f} on average (max {int(sizes.max())}); "
                 f"{single:.1%} have exactly one, {float(np.mean(sizes == 0)):.1%} none: multilabel")]
    if empty:
        evidence.append(f"{empty} empty value(s): rows with no labels (all zeros in the multi-hot matrix)")
    if single >= NEARLY_SINGLE_LABEL:
        evidence.append(f"{single:.1%} of rows have exactly one label: this is really multiclass")
    if len(classes) == 1 and counts[0] == n:
        raise DataError(expected("labels", "hold at least two classes", f"the single label {classes[0]!r} in every row",
                                 "Nothing to learn from constant labels."))
    return LabelReport(source, n, "multilabel", encoding, len(classes), tuple(classes), tuple(counts.tolist()),
                       _label_ratio(counts, n),
                       round(float(sizes.mean()), 6), round(single, 6), sk_type, tuple(evidence), label_sep=label_sep,
                       label_sep_guessed=guessed)


def split_guess(report: LabelReport) -> str | None:
    """Why strings were read as label sets when that was a guess (for commands that do not print the evidence:
    score, compare), else None."""
    if not report.label_sep_guessed:
        return None
    return report.evidence[0].split("; ", 1)[-1]  # the first line reads "sklearn says ...; <why>"


def identifier_warning(report: LabelReport) -> str | None:
    """The evidence line saying every row has its own label (an identifier or text column, not classes), for
    commands that do not print the evidence (score, compare), else None."""
    return next((line for line in report.evidence if line.startswith(_IDENTIFIERS)), None)


# ----------------------------------------------------------------------------------------- encoding
def encode(y: Any, report: LabelReport) -> np.ndarray:
    """Labels in the canonical numeric form for ``report``'s task.

    binary/multiclass -> int64 class indices 0..C-1 in ``report.classes`` order (one-hot rows -> argmax,
    {-1, 1} -> {0, 1}); multilabel -> int64 0/1 matrix (N, C); soft -> float64 matrix (binary soft 1-D stays
    1-D); multioutput -> int64 (N, outputs) matrix of per-output indices.
    """
    y = to_numpy(y)
    if isinstance(y, list) or (report.label_sep and isinstance(y, np.ndarray) and y.dtype.kind in "UO" and y.ndim == 1):
        if not isinstance(y, list):
            values = ["" if _is_missing(v) else str(v) for v in y.tolist()]
            sets = split_values(values, report.label_sep, as_int=all(isinstance(c, int) for c in report.classes))
        else:
            sets = y
        position = {c: i for i, c in enumerate(report.classes)}
        keys = [tuple(row) for row in sets]
        index = {key: i for i, key in enumerate(dict.fromkeys(keys))}  # each distinct label set once
        table = np.zeros((len(index), report.n_classes), dtype=np.int64)
        try:
            for key, i in index.items():
                table[i, [position[v] for v in key]] = 1
        except KeyError as exc:
            raise TargetFormatError(expected("labels", "use the classes of the report", f"unknown label {exc.args[0]!r}")) from None
        return table[np.fromiter((index[key] for key in keys), dtype=np.int64, count=len(keys))]
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.dtype.kind == "O":
        y = _from_object(y)
    if report.encoding in ("soft", "soft_binary"):
        return y.astype(np.float64)
    if report.task == "multilabel":
        return (y > 0).astype(np.int64)
    if report.task == "multioutput":
        out = np.empty(y.shape, dtype=np.int64)
        for j in range(y.shape[1]):
            _, out[:, j] = np.unique(y[:, j], return_inverse=True)
        return out
    if report.encoding == "one_hot":
        return np.asarray(y).argmax(axis=1).astype(np.int64)
    if y.ndim != 1:
        raise TargetFormatError(expected("labels", f"be 1-D for a {report.task} {report.encoding} report", show_shape(y.shape)))
    classes = np.asarray(report.classes)
    values = y.astype(classes.dtype) if y.dtype.kind != classes.dtype.kind and classes.dtype.kind != "U" else y
    order = np.argsort(classes, kind="stable")
    index = np.searchsorted(classes[order], values)
    index = np.clip(index, 0, len(classes) - 1)
    found = classes[order][index] == values
    if not bool(np.all(found)):
        bad = np.asarray(values)[~found]
        raise TargetFormatError(expected("labels", f"use the report's classes {show_values(list(report.classes))}",
                                         f"{bad.size} unknown value(s) {show_values(bad.tolist())}"))
    return order[index].astype(np.int64)
