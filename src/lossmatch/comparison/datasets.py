"""Datasets for compare: the bundled ones by name, or the user's files read with :mod:`lossmatch.labels`.

Bundled: ``digits`` (10 classes) and ``breast_cancer`` (binary) from scikit-learn, split 75/25 stratified
with the given seed; the MULAN multi-label suite (``src/lossmatch/data/*.npz``, see ``CITATIONS.md``) with
each dataset's own train/test split. Features are returned as float32 and not standardised (the engines
standardise with the training statistics).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from lossmatch._validation import expected, show_shape
from lossmatch.errors import ConfigError, DataError

SKLEARN = ("digits", "breast_cancer")
MULAN = ("yeast", "emotions", "scene", "birds", "enron", "medical", "genbase", "cal500", "flags")
BUNDLED = SKLEARN + MULAN
SUITES = {"mulan": MULAN}
DEFAULT = ("digits", "breast_cancer", "yeast")

_CITATIONS = {
    "digits": "E. Alpaydin, C. Kaynak. Optical Recognition of Handwritten Digits. UCI Machine Learning Repository, 1998 "
              "(scikit-learn load_digits).",
    "breast_cancer": "W. N. Street, W. H. Wolberg, O. L. Mangasarian. Nuclear feature extraction for breast tumor "
                     "diagnosis. 1993 (UCI Breast Cancer Wisconsin (Diagnostic); scikit-learn load_breast_cancer).",
    "yeast": "A. Elisseeff, J. Weston. A kernel method for multi-labelled classification. NIPS 14, 2001.",
    "emotions": "K. Trohidis, G. Tsoumakas, G. Kalliris, I. Vlahavas. Multilabel Classification of Music into "
                "Emotions. ISMIR 2008.",
    "scene": "M. R. Boutell, J. Luo, X. Shen, C. M. Brown. Learning multi-label scene classification. Pattern "
             "Recognition 37(9), 2004.",
    "birds": "F. Briggs et al. The 9th annual MLSP competition: New methods for acoustic classification of multiple "
             "simultaneous bird species in a noisy environment. IEEE MLSP 2013.",
    "enron": "J. Read, B. Pfahringer, G. Holmes. Multi-label classification using ensembles of pruned sets. ICDM 2008.",
    "medical": "J. P. Pestian et al. A shared task involving multi-label classification of clinical free text. "
               "BioNLP 2007.",
    "genbase": "S. Diplaris, G. Tsoumakas, P. Mitkas, I. Vlahavas. Protein Classification with Multiple Algorithms. "
               "PCI 2005.",
    "cal500": "D. Turnbull, L. Barrington, D. Torres, G. Lanckriet. Semantic Annotation and Retrieval of Music and "
              "Sound Effects. IEEE TASLP 16(2), 2008.",
    "flags": "E. C. Goncalves, A. Plastino, A. A. Freitas. A Genetic Algorithm for Optimizing the Label Ordering in "
             "Multi-Label Classifier Chains. ICTAI 2013.",
}
_MULAN_NOTE = " Collection: G. Tsoumakas et al. MULAN: A Java Library for Multi-Label Learning. JMLR 12, 2011."
_LABEL_COLUMNS = ("label", "labels", "target", "y", "class")


@dataclass(frozen=True, eq=False)
class Dataset:
    """Train and test arrays of one dataset and what it is.

    ``y_*`` are int64 class indices ``(n,)`` for ``binary``/``multiclass`` tasks and uint8 multi-hot ``(n, L)``
    for ``multilabel``.
    """

    name: str
    task: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    label_names: tuple[str, ...]
    feature_names: tuple[str, ...]
    citation: str = ""
    source: str = ""
    split: str = ""

    @property
    def n_classes(self) -> int:
        """C for single-label tasks (2 for binary), L for multi-label ones."""
        return len(self.label_names)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "task": self.task, "n_train": int(len(self.x_train)), "n_test": int(len(self.x_test)),
                "n_features": int(self.x_train.shape[1]), "n_classes": self.n_classes, "source": self.source,
                "split": self.split, "citation": self.citation}


def citation(name: str) -> str:
    return _CITATIONS[name] + (_MULAN_NOTE if name in MULAN else "")


def load_dataset(spec: str | os.PathLike[str], *, labels: str | os.PathLike[str] | None = None, test_size: float = 0.25,
                 seed: int = 0) -> Dataset:
    """A bundled dataset by name, or files: ``table.csv`` (label columns named by ``labels="a,b"`` or a column
    called label/labels/target/y/class), ``features.npy`` with ``labels="labels.npy"``, or a MULAN
    ``name.arff`` (labels from ``name.xml`` beside it; ``name-train.arff`` uses ``name-test.arff`` as its test set).
    """
    text = os.fspath(spec)
    if not 0.0 < test_size < 1.0:
        raise ConfigError(expected("test_size", "be a fraction in (0, 1)", repr(test_size)))
    if text in BUNDLED:
        return _bundled(text, test_size, seed)
    path = Path(text)
    if not path.exists():
        if path.suffix or os.sep in text:
            raise DataError(expected("dataset", "be a readable file", f"'{text}' (no such file)"))
        raise ConfigError(expected("dataset", f"be a bundled name ({', '.join(BUNDLED)}), a suite ({', '.join(SUITES)}) "
                                              "or a file", repr(text)))
    if path.suffix.lower() == ".arff":
        return _from_arff(path, test_size, seed)
    if labels is not None and Path(labels).exists():
        from lossmatch.labels import load_array

        return _finish(path.stem, load_array(path), load_array(labels), None, (), f"{path} + {labels}", test_size, seed)
    return _from_table(path, labels, test_size, seed)


# ------------------------------------------------------------------------------------------- bundled
def _bundled(name: str, test_size: float, seed: int) -> Dataset:
    if name in SKLEARN:
        from sklearn import datasets

        bunch = datasets.load_digits() if name == "digits" else datasets.load_breast_cancer()
        names = [str(n) for n in bunch.target_names]
        return _finish(name, bunch.data, bunch.target, names, tuple(map(str, bunch.feature_names)), f"bundled:{name}",
                       test_size, seed, citation=citation(name))
    with resources.files("lossmatch.data").joinpath(f"{name}.npz").open("rb") as handle, \
            np.load(handle, allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    common = dict(name=name, task="multilabel", label_names=tuple(arrays["label_names"].tolist()),
                  feature_names=tuple(arrays["feature_names"].tolist()), citation=citation(name), source=f"bundled:{name}")
    if "x" in arrays:  # no published split (cal500)
        x_train, x_test, y_train, y_test = _split(arrays["x"], arrays["y"], "multilabel", test_size, seed)
        return Dataset(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test,
                       split=f"random {_percent(test_size)} test, seed {seed}", **common)
    return Dataset(x_train=arrays["x_train"], y_train=arrays["y_train"], x_test=arrays["x_test"], y_test=arrays["y_test"],
                   split="MULAN train/test", **common)


# ------------------------------------------------------------------------------------------- files
def _from_arff(path: Path, test_size: float, seed: int) -> Dataset:
    from lossmatch.labels import read_arff

    x, y, features, label_names = read_arff(path)
    test = path.with_name(path.name.replace("-train.arff", "-test.arff"))
    if path.name.endswith("-train.arff") and test.exists():
        x_test, y_test, test_features, test_labels = read_arff(test)
        if (test_features, test_labels) != (features, label_names):
            raise DataError(expected("test file", f"declare the attributes of '{path.name}'", f"different ones in '{test.name}'"))
        name = path.name.removesuffix("-train.arff")
        train = _finish(name, x, y, label_names, tuple(features), str(path), test_size, seed, split=False)
        test_set = _finish(name, x_test, y_test, label_names, tuple(features), str(test), test_size, seed, split=False)
        return Dataset(name=name, task=train.task, x_train=train.x_train, y_train=train.y_train, x_test=test_set.x_train,
                       y_test=test_set.y_train, label_names=train.label_names, feature_names=train.feature_names,
                       source=f"{path} + {test.name}", split="files' train/test")
    return _finish(path.stem, x, y, label_names, tuple(features), str(path), test_size, seed)


def _from_table(path: Path, labels: str | os.PathLike[str] | None, test_size: float, seed: int) -> Dataset:
    from lossmatch.labels._readers import _read_table, _stack, _suffix

    suffix = _suffix(path)
    if suffix not in (".csv", ".tsv", ".parquet", ".pq"):
        raise DataError(expected("dataset", "be a bundled name, a .csv/.tsv/.parquet table, an .arff file or features "
                                            "with --labels FILE", f"'{path.name}'"))
    names, chunks = _read_table(path, suffix, None)
    if labels is not None:
        label_columns = [c.strip() for c in os.fspath(labels).split(",") if c.strip()]
    else:
        label_columns = [c for c in names if c.lower() in _LABEL_COLUMNS][:1]
    missing = [c for c in label_columns if c not in names]
    if not label_columns or missing:
        raise DataError(expected("labels", f"name label columns of '{path.name}'",
                                 f"{', '.join(missing) if missing else 'none given'} (columns: {', '.join(names[:12])})",
                                 "Pass --labels COL[,COL...] or name the column 'label'."))
    columns = {name: _stack([[chunk[i]] for chunk in chunks]) for i, name in enumerate(names)}
    feature_names = [c for c in names if c not in label_columns]
    for name in feature_names:
        if columns[name].dtype.kind not in "biuf":
            raise DataError(expected("features", "be numeric", f"column '{name}' of '{path.name}' holding text "
                                                               f"(e.g. {str(columns[name][0])[:30]!r})"))
    if not feature_names:
        raise DataError(expected("dataset", "have feature columns besides the labels", f"only {', '.join(label_columns)}"))
    x = np.column_stack([columns[c].astype(np.float64) for c in feature_names])
    y = columns[label_columns[0]] if len(label_columns) == 1 else np.column_stack([columns[c] for c in label_columns])
    names_for_labels = label_columns if len(label_columns) > 1 else None
    return _finish(path.stem, x, y, names_for_labels, tuple(feature_names), str(path), test_size, seed)


def _finish(name: str, x: Any, y: Any, label_names: Any, feature_names: tuple[str, ...], source: str, test_size: float,
            seed: int, *, citation: str = "", split: bool = True) -> Dataset:
    from lossmatch.labels import encode, infer

    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise DataError(expected("features", "be numeric", f"dtype {x.dtype} in '{source}'"))
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or len(x) == 0:
        raise DataError(expected("features", "be a non-empty (n_samples, n_features) array", show_shape(x.shape)))
    y_array = np.asarray(y) if not isinstance(y, list) else y
    if len(y_array) != len(x):
        raise DataError(expected("labels", f"have one row per feature row ({len(x)})", f"{len(y_array)} rows in '{source}'"))
    if not np.isfinite(x).all():
        raise DataError(expected("features", "be finite", f"{int((~np.isfinite(x)).sum())} NaN/inf values in '{source}'"))
    report = infer(y_array, source=source)
    if report.task not in ("binary", "multiclass", "multilabel") or report.encoding.startswith("soft"):
        raise DataError(expected("labels", "describe a binary, multiclass or multilabel task",
                                 f"a {report.task} task with {report.encoding} labels in '{source}'"))
    encoded = encode(y_array, report)
    task = report.task
    if task == "multilabel":
        encoded = encoded.astype(np.uint8)
        names = tuple(map(str, label_names)) if label_names is not None and len(label_names) == encoded.shape[1] else \
            tuple(map(str, report.classes))
    else:
        names = tuple(map(str, label_names)) if label_names is not None and len(label_names) == report.n_classes else \
            tuple(map(str, report.classes))
    x = x.astype(np.float32)
    if not split:
        return Dataset(name, task, x, encoded, x[:0], encoded[:0], names, feature_names or _default_features(x), citation, source, "")
    x_train, x_test, y_train, y_test = _split(x, encoded, task, test_size, seed)
    how = "stratified " if task != "multilabel" else ""
    return Dataset(name, task, x_train, y_train, x_test, y_test, names, feature_names or _default_features(x), citation,
                   source, f"random {how}{_percent(test_size)} test, seed {seed}")


def _split(x: np.ndarray, y: np.ndarray, task: str, test_size: float, seed: int):
    from sklearn.model_selection import train_test_split

    stratify = y if task != "multilabel" and np.bincount(y).min() >= 2 else None
    return train_test_split(x, y, test_size=test_size, random_state=seed, stratify=stratify)


def _default_features(x: np.ndarray) -> tuple[str, ...]:
    return tuple(f"x{i}" for i in range(x.shape[1]))


def _percent(fraction: float) -> str:
    return f"{fraction * 100:g}%"
