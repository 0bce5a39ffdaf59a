"""Datasets for compare: the bundled ones by name, or the user's files read with :mod:`lossmatch.labels`.

Bundled: ``digits`` (10 classes) and ``breast_cancer`` (binary) from scikit-learn, split at random
(stratified, seeded); the MULAN multi-label suite (``lossmatch/data/*.npz``, provenance and citations in
``CITATIONS.md``, built by ``scripts/build_data.py``) with each dataset's own train/test split (CAL500 has
none and is split at random). Features come back as float32 and are NOT standardised: the engines
standardise with the training statistics.

Files (``load_dataset(path, labels=...)``), decided in this order:

1. ``name.arff``: a MULAN ARFF file; the label attributes are those named by ``name.xml`` beside it (or by
   ``labels=`` pointing at the XML). ``name-train.arff`` takes ``name-test.arff`` beside it as its test set.
2. ``labels=`` a file (a path object, or a string ending in a label-file suffix such as ``.npy``, ``.csv``,
   ``.txt``, ``.jsonl``, or holding a ``/``): ``spec`` holds the features (``.npy``/``.npz`` array or a numeric
   table) and the labels file is read with :func:`lossmatch.labels.read_labels`. A string that names columns
   of the table ``spec`` is those columns, whatever it looks like (``labels="a/b"`` with a column ``a/b``).
3. a table (``.csv``/``.tsv``/``.parquet``): ``labels="a,b"`` names the label column(s); without it the one
   column called ``label``, ``labels``, ``target``, ``y``, ``class`` or ``tags`` (any case) is the label. Several
   label columns are a multi-hot matrix; every other column is a feature and must be numeric. A string label
   column of tag sets (``art|news``, empty for none) is multi-label, as ``lossmatch.labels.infer`` finds it.

The task comes from :func:`lossmatch.labels.infer` on all labels (train and test together). A single file
is split at random: stratified by class for single-label tasks, plain for multi-label ones.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from lossmatch._messages import expected, show_shape
from lossmatch.errors import ConfigError, DataError

__all__ = ["BUNDLED", "DEFAULT", "SUITES", "Dataset", "citation", "load_dataset"]

SKLEARN = ("digits", "breast_cancer")
MULAN = ("yeast", "emotions", "scene", "birds", "enron", "medical", "genbase", "cal500", "flags")
BUNDLED = SKLEARN + MULAN
SUITES = {"mulan": MULAN}
DEFAULT = ("digits", "breast_cancer", "yeast")
LABEL_COLUMNS = ("label", "labels", "target", "y", "class", "tags")

_TABLES = (".csv", ".tsv", ".parquet", ".pq")
_ARRAYS = (".npy", ".npz")
_LABEL_FILES = _TABLES + _ARRAYS + (".arff", ".jsonl", ".txt")
_CITATIONS = {
    "digits": "E. Alpaydin, C. Kaynak. Optical Recognition of Handwritten Digits. UCI Machine Learning Repository, "
              "1998 (scikit-learn load_digits).",
    "breast_cancer": "W. N. Street, W. H. Wolberg, O. L. Mangasarian. Nuclear feature extraction for breast tumor "
                     "diagnosis. 1993 (UCI Breast Cancer Wisconsin (Diagnostic); scikit-learn load_breast_cancer).",
    "yeast": "A. Elisseeff, J. Weston. A kernel method for multi-labelled classification. NIPS 14, 2001.",
    "emotions": "K. Trohidis, G. Tsoumakas, G. Kalliris, I. Vlahavas. Multilabel Classification of Music into "
                "Emotions. ISMIR 2008, pp. 325-330.",
    "scene": "M. R. Boutell, J. Luo, X. Shen, C. M. Brown. Learning multi-label scene classification. Pattern "
             "Recognition 37(9):1757-1771, 2004.",
    "birds": "F. Briggs et al. The 9th annual MLSP competition: New methods for acoustic classification of multiple "
             "simultaneous bird species in a noisy environment. IEEE MLSP 2013.",
    "enron": "J. Read, B. Pfahringer, G. Holmes. Multi-label classification using ensembles of pruned sets. ICDM 2008, "
             "pp. 995-1000.",
    "medical": "J. P. Pestian et al. A shared task involving multi-label classification of clinical free text. "
               "BioNLP 2007, pp. 97-104.",
    "genbase": "S. Diplaris, G. Tsoumakas, P. Mitkas, I. Vlahavas. Protein Classification with Multiple Algorithms. "
               "PCI 2005, pp. 448-456.",
    "cal500": "D. Turnbull, L. Barrington, D. Torres, G. Lanckriet. Semantic Annotation and Retrieval of Music and "
              "Sound Effects. IEEE TASLP 16(2):467-476, 2008.",
    "flags": "E. C. Goncalves, A. Plastino, A. A. Freitas. A Genetic Algorithm for Optimizing the Label Ordering in "
             "Multi-Label Classifier Chains. ICTAI 2013, pp. 469-476.",
}
_MULAN_NOTE = " Collection: G. Tsoumakas et al. MULAN: A Java Library for Multi-Label Learning. JMLR 12:2411-2414, 2011."


@dataclass(frozen=True, eq=False)
class Dataset:
    """Train and test arrays of one dataset and what it is.

    ``x_*`` are float32 ``(n, d)``, not standardised. ``y_*`` are int64 class indices ``(n,)`` for ``binary``
    and ``multiclass`` tasks and uint8 multi-hot ``(n, L)`` for ``multilabel``. ``split`` is ``"mulan"`` for
    a dataset's own train/test files, otherwise how it was split (``"random 75/25 stratified, seed 0"``).
    """

    name: str
    task: str
    x_train: np.ndarray = field(repr=False)
    y_train: np.ndarray = field(repr=False)
    x_test: np.ndarray = field(repr=False)
    y_test: np.ndarray = field(repr=False)
    label_names: tuple[str, ...] = field(repr=False)
    feature_names: tuple[str, ...] = field(repr=False)
    citation: str = field(default="", repr=False)
    source: str = ""
    split: str = ""

    @property
    def n_classes(self) -> int:
        """C for single-label tasks (2 for binary), L for multi-label ones."""
        return len(self.label_names)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "task": self.task, "n_train": len(self.x_train), "n_test": len(self.x_test),
                "n_features": int(self.x_train.shape[1]), "n_classes": self.n_classes, "source": self.source,
                "split": self.split, "citation": self.citation}


def citation(name: str) -> str:
    """The reference to cite for a bundled dataset (MULAN ones also cite the collection)."""
    if name not in _CITATIONS:
        raise ConfigError(expected("name", f"be a bundled dataset ({', '.join(BUNDLED)})", repr(name)))
    return _CITATIONS[name] + (_MULAN_NOTE if name in MULAN else "")


def load_dataset(spec: str | os.PathLike[str], *, labels: str | os.PathLike[str] | None = None, test_size: float = 0.25,
                 seed: int = 0, label_sep: str | None = None, no_split: bool = False) -> Dataset:
    """A bundled dataset by name, or the user's files (see the module docstring for the rules).

    ``test_size`` and ``seed`` only matter where the data has no train/test split of its own. A string label
    column of label sets (``"art|news"``) is found as :func:`lossmatch.labels.infer` finds it; ``label_sep``
    names the separator, ``no_split`` reads every string as one class.

    Example:
        >>> data = load_dataset("yeast")
        >>> data.task, data.x_train.shape, data.y_test.shape, data.split
        ('multilabel', (1500, 103), (917, 14), 'mulan')
    """
    if isinstance(test_size, bool) or not isinstance(test_size, (int, float)) or not 0.0 < test_size < 1.0:
        raise ConfigError(expected("test_size", "be a fraction in (0, 1)", repr(test_size)))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ConfigError(expected("seed", "be an integer >= 0", repr(seed)))
    text = os.fspath(spec)
    if text in BUNDLED:
        return _bundled(text, test_size, seed)
    path = Path(text)
    if not path.exists():
        if text in SUITES:
            raise ConfigError(expected("dataset", "be one dataset", f"the suite '{text}'",
                                       f"Its datasets: {', '.join(SUITES[text])}."))
        if path.suffix or os.sep in text or "/" in text:
            raise DataError(expected("dataset", "be an existing file", f"'{text}' (no such file)"))
        raise ConfigError(expected("dataset", f"be a bundled name ({', '.join(BUNDLED)}), a suite "
                                              f"({', '.join(SUITES)}) or a file", repr(text)))
    if path.is_dir():
        raise DataError(expected("dataset", "be a file", f"the directory '{text}'"))
    if path.stat().st_size == 0:
        raise DataError(expected("dataset", "be a non-empty file", f"an empty file '{text}'"))
    suffix = path.suffix.lower()
    if suffix == ".arff":
        return _from_arff(path, labels, test_size, seed)
    split = {"label_sep": label_sep, "no_split": no_split}
    if _is_file(labels) and not (suffix in _TABLES and _names_columns(path, labels)):
        return _from_files(path, Path(labels), test_size, seed, **split)  # type: ignore[arg-type]
    if suffix in _TABLES:
        return _from_table(path, labels, test_size, seed, **split)
    if suffix in _ARRAYS:
        raise DataError(expected("labels", f"be given as a file for the features in '{path.name}'", "none",
                                 "Pass labels=FILE (--labels FILE)."))
    raise DataError(expected("dataset", "be a bundled name, a .csv/.tsv/.parquet table, a MULAN .arff file or "
                                        "features (.npy/.npz/table) with a labels file", f"'{path.name}'"))


def _names_columns(path: Path, labels: str | os.PathLike[str] | None) -> bool:
    """True when the string ``labels`` ("a" or "a,b") names columns of the table ``path`` (its header only)."""
    from lossmatch.labels._readers import _batches

    if not isinstance(labels, str):
        return False
    wanted = [c.strip() for c in labels.split(",") if c.strip()]
    for names, _ in _batches(path, path.suffix.lower(), None, what="dataset"):
        return bool(wanted) and all(c in names for c in wanted)
    return False


def _is_file(labels: str | os.PathLike[str] | None) -> bool:
    if labels is None:
        return False
    if not isinstance(labels, str):
        return True
    return Path(labels).suffix.lower() in _LABEL_FILES or os.sep in labels or "/" in labels or Path(labels).is_file()


# ------------------------------------------------------------------------------------------- bundled
def _bundled(name: str, test_size: float, seed: int) -> Dataset:
    if name in SKLEARN:
        from sklearn import datasets

        bunch = datasets.load_digits() if name == "digits" else datasets.load_breast_cancer()
        return _finish(name, bunch.data, bunch.target, [str(n) for n in bunch.target_names],
                       tuple(map(str, bunch.feature_names)), f"bundled:{name}", test_size, seed, citation=citation(name))
    with resources.files("lossmatch.data").joinpath(f"{name}.npz").open("rb") as handle, \
            np.load(handle, allow_pickle=False) as archive:
        arrays = {key: np.ascontiguousarray(archive[key]) for key in archive.files}  # stored column-major
    common: dict[str, Any] = {"name": name, "task": "multilabel", "label_names": tuple(arrays["label_names"].tolist()),
                              "feature_names": tuple(arrays["feature_names"].tolist()), "citation": citation(name),
                              "source": f"bundled:{name}"}
    if "x" in arrays:  # no published split (CAL500)
        x_train, x_test, y_train, y_test, split = _split(arrays["x"], arrays["y"], "multilabel", test_size, seed)
        return Dataset(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test, split=split, **common)
    return Dataset(x_train=arrays["x_train"], y_train=arrays["y_train"], x_test=arrays["x_test"], y_test=arrays["y_test"],
                   split="mulan", **common)


# ------------------------------------------------------------------------------------------- files
def _from_arff(path: Path, xml: str | os.PathLike[str] | None, test_size: float, seed: int) -> Dataset:
    from lossmatch.labels import read_arff

    x, y, features, label_names = read_arff(path, xml=xml)
    test = path.with_name(path.name[: -len("-train.arff")] + "-test.arff") if path.name.endswith("-train.arff") else None
    if test is None or not test.exists():
        return _finish(path.stem, x, y, label_names, tuple(features), str(path), test_size, seed)
    x_test, y_test, test_features, test_labels = read_arff(test, xml=xml)
    if (test_features, test_labels) != (features, label_names):
        raise DataError(expected("test file", f"declare the attributes of '{path.name}'", f"different ones in '{test.name}'"))
    name = path.name[: -len("-train.arff")]
    return _finish(name, x, y, label_names, tuple(features), f"{path} + {test.name}", test_size, seed,
                   test=(x_test, y_test))


def _from_files(features: Path, labels: Path, test_size: float, seed: int, *, label_sep: str | None,
                no_split: bool) -> Dataset:
    from lossmatch.labels import read_labels_named

    x, feature_names = _read_features(features)
    y, label_names = read_labels_named(labels)
    return _finish(features.stem, x, y, label_names, feature_names, f"{features} + {labels}", test_size, seed,
                   label_sep=label_sep, no_split=no_split)


def _read_features(path: Path) -> tuple[np.ndarray, tuple[str, ...]]:
    suffix = path.suffix.lower()
    if suffix in _ARRAYS:
        from lossmatch.labels import load_array

        x = load_array(path, what="features")
        if x.dtype.kind not in "biuf":
            raise DataError(expected("features", "be numeric", f"dtype {x.dtype} in '{path.name}'"))
        return x, ()
    if suffix not in _TABLES:
        raise DataError(expected("features", "be a .npy/.npz array or a .csv/.tsv/.parquet table", f"'{path.name}'"))
    columns = _table_columns(path)
    return _feature_matrix(columns, list(columns), path), tuple(columns)


def _table_columns(path: Path) -> dict[str, Any]:
    """The table's columns as pyarrow arrays, read with the labels readers' batch reader."""
    import pyarrow as pa

    from lossmatch.labels._readers import _batches

    names: list[str] = []
    parts: list[list[Any]] = []
    for names, batch in _batches(path, path.suffix.lower(), None, what="dataset"):
        parts = parts or [[] for _ in names]
        for i in range(batch.num_columns):
            column = batch.column(i)  # an Array (CSV batches) or a ChunkedArray (Parquet row groups)
            parts[i].extend(column.chunks if isinstance(column, pa.ChunkedArray) else [column])
    if not parts or not any(len(chunk) for chunk in parts[0]):
        raise DataError(expected("dataset", "hold at least one row", f"a header only in '{path.name}'"))
    return {name: pa.concat_arrays(parts[i]) for i, name in enumerate(names)}


def _feature_matrix(columns: dict[str, Any], names: list[str], path: Path) -> np.ndarray:
    import pyarrow as pa

    if not names:
        raise DataError(expected("dataset", "have feature columns besides the labels", f"none in '{path.name}'"))
    x = np.empty((len(columns[names[0]]), len(names)), dtype=np.float64)
    for j, name in enumerate(names):
        column = columns[name]
        kind = column.type
        if not (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind)):
            sample = next((v for v in column.to_pylist() if v is not None), None)
            raise DataError(expected("features", "be numeric", f"column '{name}' of '{path.name}' holding {kind} "
                                                               f"(e.g. {str(sample)[:30]!r})",
                                     "Encode it as numbers, or name it as a label column."))
        x[:, j] = column.to_numpy(zero_copy_only=False)
    return x


def _from_table(path: Path, labels: str | os.PathLike[str] | None, test_size: float, seed: int, *,
                label_sep: str | None, no_split: bool) -> Dataset:
    from lossmatch.labels._readers import _column_to_numpy

    columns = _table_columns(path)
    names = list(columns)
    if labels is not None:
        label_columns = [c.strip() for c in os.fspath(labels).split(",") if c.strip()]
    else:
        label_columns = [c for c in names if c.lower() in LABEL_COLUMNS][:1]
    missing = [c for c in label_columns if c not in names]
    if not label_columns or missing:
        got = f"{', '.join(map(repr, missing))}" if missing else "none named"
        raise DataError(expected("labels", f"name label columns of '{path.name}' ({', '.join(names[:12])})", got,
                                 "Pass labels='COL[,COL...]' (--labels), or call the label column 'label'."))
    feature_names = [c for c in names if c not in label_columns]
    x = _feature_matrix(columns, feature_names, path)
    label_arrays = [_column_to_numpy(columns[c], c, path) for c in label_columns]
    y = label_arrays[0] if len(label_arrays) == 1 else np.column_stack(label_arrays)
    return _finish(path.stem, x, y, label_columns if len(label_columns) > 1 else None, tuple(feature_names), str(path),
                   test_size, seed, label_sep=label_sep, no_split=no_split)


# ------------------------------------------------------------------------------------------- checks + split
def _finish(name: str, x: Any, y: Any, label_names: Any, feature_names: tuple[str, ...], source: str, test_size: float,
            seed: int, *, citation: str = "", test: tuple[Any, Any] | None = None, label_sep: str | None = None,
            no_split: bool = False) -> Dataset:
    """Check features and labels, infer the task on all labels, encode, and split (unless ``test`` is given)."""
    from lossmatch._warnings import warn_at_user
    from lossmatch.labels import encode, infer
    from lossmatch.labels._infer import identifier_warning, split_guess

    x = _check_features(x, source, feature_names)
    n_train = len(x)
    _check_rows(x, y, source)
    if test is not None:
        x_test = _check_features(test[0], source, feature_names)
        _check_rows(x_test, test[1], source)
        if x_test.shape[1] != x.shape[1]:
            raise DataError(expected("test features", f"have {x.shape[1]} columns like the training ones",
                                     show_shape(x_test.shape)))
        y = np.concatenate([np.asarray(y), np.asarray(test[1])])
        x = np.concatenate([x, x_test])
    names = list(map(str, label_names)) if label_names is not None else None
    report = infer(y, source=source, class_names=names if names and np.ndim(y) == 2 else None, label_sep=label_sep,
                   no_split=no_split)
    for caveat in (split_guess(report), identifier_warning(report)):
        if caveat is not None:
            warn_at_user(f"labels of '{source}': {caveat}", UserWarning)
    if report.task not in ("binary", "multiclass", "multilabel") or report.encoding.startswith("soft"):
        raise DataError(expected("labels", "describe a binary, multiclass or multilabel task",
                                 f"{report.task} labels ({report.encoding}) in '{source}'"))
    encoded = encode(y, report)
    task = report.task
    encoded = encoded.astype(np.uint8) if task == "multilabel" else encoded.astype(np.int64)
    if task != "multilabel" and names is not None and len(names) == report.n_classes and np.ndim(y) == 1 \
            and np.issubdtype(np.asarray(y).dtype, np.integer):
        classes = tuple(names[int(c)] for c in report.classes)  # sklearn's target_names, indexed by the integer labels
    else:
        classes = tuple(map(str, report.classes))
    features = feature_names or tuple(f"x{i}" for i in range(x.shape[1]))
    x = x.astype(np.float32)
    if test is not None:
        return Dataset(name, task, x[:n_train], encoded[:n_train], x[n_train:], encoded[n_train:], classes, features,
                       citation, source, "mulan")
    x_train, x_test, y_train, y_test, split = _split(x, encoded, task, test_size, seed)
    return Dataset(name, task, x_train, y_train, x_test, y_test, classes, features, citation, source, split)


def _check_features(x: Any, source: str, names: tuple[str, ...] = ()) -> np.ndarray:
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise DataError(expected("features", "be numeric", f"dtype {x.dtype} in '{source}'"))
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise DataError(expected("features", "be a non-empty (n_samples, n_features) array", f"{show_shape(x.shape)} "
                                                                                             f"in '{source}'"))
    finite = np.isfinite(x)
    if not finite.all():
        rows, cols = np.nonzero(~finite)
        column = f"'{names[cols[0]]}'" if len(names) == x.shape[1] else str(cols[0])
        raise DataError(expected("features", "be finite (no NaN, inf or empty cells)",
                                 f"{rows.size} such value(s) in '{source}' (first: row {rows[0]}, column {column})"))
    return x


def _check_rows(x: np.ndarray, y: Any, source: str) -> None:
    n_labels = len(y)
    if n_labels != len(x):
        raise DataError(expected("labels", f"have one row per feature row ({len(x)})", f"{n_labels} rows in '{source}'"))


def _split(x: np.ndarray, y: np.ndarray, task: str, test_size: float, seed: int):
    """Random train/test split; stratified by class for single-label tasks where every class has 2 rows."""
    from sklearn.model_selection import train_test_split

    if len(x) < 2:
        raise DataError(expected("dataset", "have at least 2 rows to split into train and test", f"{len(x)}"))
    shares = f"{100 * (1 - test_size):g}/{100 * test_size:g}"
    if task != "multilabel" and np.bincount(y).min() >= 2:
        try:
            parts = train_test_split(x, y, test_size=test_size, random_state=seed, stratify=y)
            return (*parts, f"random {shares} stratified, seed {seed}")
        except ValueError:  # fewer test rows than classes: stratifying is impossible
            pass
    parts = train_test_split(x, y, test_size=test_size, random_state=seed)
    return (*parts, f"random {shares}, seed {seed}")
