"""Bundled datasets load with their published shapes; the build checks checksums; user files are read with
lossmatch.labels; bad input is one line."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from lossmatch.comparison.datasets import BUNDLED, DEFAULT, SUITES, citation, load_dataset
from lossmatch.errors import ConfigError, DataError

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "datasets"
needs_shared = pytest.mark.skipif(not (SHARED / "README.md").is_file(), reason="../shared/datasets is not here")

# From ../shared/datasets/README.md: rows train/test, features, labels, label cardinality train/test,
# rows with no label train/test.
MULAN = {
    "yeast": (1500, 917, 103, 14, 4.228, 4.252, 0, 0),
    "emotions": (391, 202, 72, 6, 1.813, 1.975, 0, 0),
    "scene": (1211, 1196, 294, 6, 1.062, 1.086, 0, 0),
    "birds": (322, 323, 260, 19, 1.059, 0.969, 143, 151),
    "medical": (333, 645, 1449, 45, 1.255, 1.240, 0, 0),
    "enron": (1123, 579, 1001, 53, 3.386, 3.363, 0, 0),
    "genbase": (463, 199, 1185, 27, 1.261, 1.231, 0, 0),
    "flags": (129, 65, 19, 7, 3.419, 3.338, 0, 0),
}


def _build_script():
    spec = importlib.util.spec_from_file_location("build_data", ROOT / "scripts" / "build_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------------------------------- bundled
@pytest.mark.parametrize("name", list(MULAN))
def test_mulan_datasets_keep_their_split_and_readme_statistics(name):
    data = load_dataset(name)
    n_train, n_test, n_features, n_labels, card_train, card_test, empty_train, empty_test = MULAN[name]
    assert (data.name, data.task, data.split, data.source) == (name, "multilabel", "mulan", f"bundled:{name}")
    assert data.x_train.shape == (n_train, n_features) and data.x_test.shape == (n_test, n_features)
    assert data.y_train.shape == (n_train, n_labels) and data.y_test.shape == (n_test, n_labels)
    assert data.x_train.dtype == data.x_test.dtype == np.float32 and data.y_train.dtype == data.y_test.dtype == np.uint8
    assert data.x_train.flags.c_contiguous and np.isfinite(data.x_train).all() and np.isfinite(data.x_test).all()
    assert set(np.unique(data.y_train)) <= {0, 1}
    assert data.y_train.sum(axis=1).mean() == pytest.approx(card_train, abs=1e-3)
    assert data.y_test.sum(axis=1).mean() == pytest.approx(card_test, abs=1e-3)
    assert ((data.y_train.sum(axis=1) == 0).sum(), (data.y_test.sum(axis=1) == 0).sum()) == (empty_train, empty_test)
    assert data.n_classes == n_labels == len(data.label_names) and len(data.feature_names) == n_features
    assert data.citation == citation(name) and "MULAN" in data.citation


def test_yeast_is_the_one_the_issue_names():
    data = load_dataset("yeast")
    assert data.to_dict() == {"name": "yeast", "task": "multilabel", "n_train": 1500, "n_test": 917, "n_features": 103,
                              "n_classes": 14, "source": "bundled:yeast", "split": "mulan", "citation": citation("yeast")}
    assert data.label_names == tuple(f"Class{i}" for i in range(1, 15))  # ARFF order, not yeast.xml's


def test_nominal_features_keep_their_codes_and_names_are_unescaped():
    flags = load_dataset("flags")
    landmass = flags.x_train[:, flags.feature_names.index("landmass")]
    assert set(np.unique(landmass)) <= set(range(1, 7))
    birds = load_dataset("birds")
    assert "Swainson's Thrush" in birds.label_names
    assert set(np.unique(birds.x_train[:, -1])) <= {2, 10, 1, 7, 5, 4, 17, 15, 16, 8, 13, 11}
    genbase = load_dataset("genbase")
    assert "protein" not in genbase.feature_names and set(np.unique(genbase.x_train)) == {0, 1}
    assert genbase.x_train.mean() < 0.5  # YES (motif present) is 1 and rare


def test_cal500_has_no_split_and_is_split_at_random():
    data = load_dataset("cal500", seed=3)
    assert data.split == "random 75/25, seed 3" and len(data.x_train) + len(data.x_test) == 502
    assert data.x_train.shape[1] == 68 and data.y_train.shape[1] == 174
    assert np.array_equal(data.x_test, load_dataset("cal500", seed=3).x_test)


def test_sklearn_datasets_are_split_stratified_by_seed():
    digits = load_dataset("digits")
    assert (digits.task, digits.n_classes, digits.x_train.shape, len(digits.x_test)) == ("multiclass", 10, (1347, 64), 450)
    assert digits.split == "random 75/25 stratified, seed 0" and digits.y_train.dtype == np.int64
    assert np.abs(np.bincount(digits.y_test) / 450 - np.bincount(digits.y_train) / 1347).max() < 0.01
    cancer = load_dataset("breast_cancer", seed=1)
    assert (cancer.task, cancer.label_names, len(cancer.x_train) + len(cancer.x_test)) == ("binary", ("malignant", "benign"), 569)
    assert cancer.x_train.dtype == np.float32 and cancer.x_train.shape[1] == 30 and cancer.citation
    assert np.array_equal(cancer.x_test, load_dataset("breast_cancer", seed=1).x_test)
    assert not np.array_equal(cancer.x_test, load_dataset("breast_cancer", seed=2).x_test)
    assert len(load_dataset("breast_cancer", test_size=0.5).x_test) == 285


def test_names_and_suites():
    assert BUNDLED == ("digits", "breast_cancer", "yeast", "emotions", "scene", "birds", "enron", "medical", "genbase",
                       "cal500", "flags")
    assert SUITES == {"mulan": BUNDLED[2:]} and DEFAULT == ("digits", "breast_cancer", "yeast")


# ------------------------------------------------------------------------------------------- build
@needs_shared
def test_build_is_byte_identical_to_the_bundled_file(tmp_path):
    build = _build_script()
    target = build.build_one("flags", SHARED, tmp_path)
    bundled = ROOT / "src" / "lossmatch" / "data" / "flags.npz"
    assert target.read_bytes() == bundled.read_bytes()


@needs_shared
def test_build_refuses_a_file_whose_checksum_differs(tmp_path):
    build = _build_script()
    shutil.copytree(SHARED / "flags", tmp_path / "flags")
    train = tmp_path / "flags" / "flags-train.arff"
    train.chmod(0o644)
    train.write_text(train.read_text().replace("\n@data", "\n% edited\n@data"))
    with pytest.raises(build.ChecksumError, match="flags/flags-train.arff"):
        build.build_one("flags", tmp_path, tmp_path / "out")
    assert not (tmp_path / "out" / "flags.npz").exists()


@needs_shared
def test_build_checksums_are_the_readme_ones():
    readme = (SHARED / "README.md").read_text()
    table = dict(re.findall(r"\| `([\w/.-]+\.arff)`[^\n]*`([0-9a-f]{64})` \|", readme))
    assert _build_script().SHA256 == table


# ------------------------------------------------------------------------------------------- files
def test_table_with_a_default_or_named_label_columns(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,b,target\n" + "\n".join(f"{i},{i % 3},{'cat' if i % 2 else 'dog'}" for i in range(40)) + "\n")
    data = load_dataset(path)
    assert (data.name, data.task, data.label_names, data.feature_names) == ("data", "binary", ("cat", "dog"), ("a", "b"))
    assert data.split == "random 75/25 stratified, seed 0" and (len(data.x_train), len(data.x_test)) == (30, 10)
    assert data.y_train.dtype == np.int64 and data.citation == "" and data.source == str(path)
    multi = tmp_path / "multi.tsv"
    multi.write_text("x\tl1\tl2\n" + "\n".join(f"{i}\t{i % 2}\t{(i // 2) % 2}" for i in range(40)) + "\n")
    data = load_dataset(multi, labels="l1,l2")
    assert (data.task, data.label_names, data.feature_names) == ("multilabel", ("l1", "l2"), ("x",))
    assert data.y_train.dtype == np.uint8 and data.y_train.shape == (30, 2) and data.split == "random 75/25, seed 0"


def test_parquet_table(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "data.parquet"
    pq.write_table(pa.table({"f": np.arange(30.0), "g": np.arange(30) % 4, "label": np.arange(30) % 3}), path)
    data = load_dataset(path)
    assert data.task == "multiclass" and data.n_classes == 3 and data.feature_names == ("f", "g")


def test_features_file_and_labels_file(tmp_path):
    x = np.random.default_rng(0).normal(size=(30, 4))
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", np.arange(30) % 3)
    data = load_dataset(tmp_path / "x.npy", labels=tmp_path / "y.npy")
    assert data.task == "multiclass" and len(data.x_train) + len(data.x_test) == 30 and data.x_train.shape[1] == 4
    assert np.allclose(np.sort(np.concatenate([data.x_train, data.x_test]), axis=0), np.sort(x, axis=0).astype(np.float32))
    (tmp_path / "sets.jsonl").write_text("\n".join('["a", "b"]' if i % 2 else '["b"]' for i in range(30)) + "\n")
    data = load_dataset(str(tmp_path / "x.npy"), labels=str(tmp_path / "sets.jsonl"))
    assert data.task == "multilabel" and data.label_names == ("a", "b")
    (tmp_path / "features.csv").write_text("u,v\n" + "\n".join(f"{i},{-i}" for i in range(30)) + "\n")
    (tmp_path / "labels.txt").write_text("\n".join(("no", "yes")[i % 2] for i in range(30)) + "\n")
    data = load_dataset(tmp_path / "features.csv", labels=tmp_path / "labels.txt")
    assert (data.task, data.feature_names, data.label_names) == ("binary", ("u", "v"), ("no", "yes"))


def _write_arff(path: Path, rows: list[tuple[float, float, int, int]]) -> None:
    path.write_text("@relation toy\n@attribute f1 numeric\n@attribute f2 {a,b}\n@attribute B {0,1}\n@attribute A {0,1}\n"
                    "@data\n" + "\n".join(f"{f1},{f2},{b},{a}" for f1, f2, b, a in rows) + "\n")


def test_a_column_of_the_table_wins_over_a_path_of_that_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 2))
    rows = ["f1,f2,a/b,y.npy"] + [f"{a},{b},{int(a > 0)},{int(b > 0)}" for a, b in x]
    Path("t.csv").write_text("\n".join(rows) + "\n")
    Path("a").mkdir()
    np.save("a/b", np.zeros(40, dtype=int))  # a/b.npy: not the path "a/b"
    data = load_dataset("t.csv", labels="a/b")
    assert data.feature_names == ("f1", "f2", "y.npy") and data.n_classes == 2
    np.save("y.npy", np.arange(40) % 3)  # a labels file of that name exists too: the column still wins
    assert load_dataset("t.csv", labels="y.npy").feature_names == ("f1", "f2", "a/b")
    assert load_dataset("t.csv", labels="a/b,y.npy").task == "multilabel"
    # no such column: a path is a labels file (and the table holds only features)
    Path("t2.csv").write_text("\n".join(f"{a},{b}" for a, b in x).join(["f1,f2\n", "\n"]))
    assert load_dataset("t2.csv", labels="y.npy").n_classes == 3


def test_mulan_arff_with_xml_and_a_train_test_pair(tmp_path):
    xml = '<labels xmlns="http://mulan.sourceforge.net/labels"><label name="A"/><label name="B"/></labels>'
    (tmp_path / "toy.xml").write_text(xml)
    _write_arff(tmp_path / "toy.arff", [(i, "ab"[i % 2], i % 2, (i // 2) % 2) for i in range(20)])
    data = load_dataset(tmp_path / "toy.arff")
    assert (data.task, data.label_names, data.feature_names) == ("multilabel", ("B", "A"), ("f1", "f2"))
    assert data.split == "random 75/25, seed 0" and len(data.x_test) == 5
    _write_arff(tmp_path / "toy-train.arff", [(i, "a", i % 2, (i // 2) % 2) for i in range(12)])
    _write_arff(tmp_path / "toy-test.arff", [(i, "b", i % 2, 1 - i % 2) for i in range(6)])  # one label per row
    data = load_dataset(tmp_path / "toy-train.arff")
    assert (data.name, data.split, len(data.x_train), len(data.x_test)) == ("toy", "mulan", 12, 6)
    assert data.task == "multilabel" and data.y_test.shape == (6, 2) and (data.y_test.sum(axis=1) == 1).all()


# ------------------------------------------------------------------------------------------- bad input
def _bad_files(tmp: Path) -> dict[str, Path]:
    np.save(tmp / "x.npy", np.zeros((5, 2)))
    np.save(tmp / "y4.npy", np.arange(4) % 2)
    np.save(tmp / "yfloat.npy", np.linspace(0, 1, 5) * 3.7)
    with_nan = np.zeros((5, 2))
    with_nan[2, 1] = np.nan
    np.save(tmp / "xnan.npy", with_nan)
    np.save(tmp / "y5.npy", np.arange(5) % 2)
    (tmp / "text.csv").write_text("name,label\n" + "\n".join(f"row{i},{i % 2}" for i in range(10)) + "\n")
    (tmp / "hole.csv").write_text("a,b,label\n" + "\n".join(f"{i},{'' if i == 3 else i},{i % 2}" for i in range(10)) + "\n")
    (tmp / "nolabel.csv").write_text("a,b\n1,2\n3,4\n")
    (tmp / "empty.csv").write_text("")
    (tmp / "garbage.csv").write_bytes(b"\x00\xff" * 50)
    (tmp / "folder.csv").mkdir()
    np.save(tmp / "pickled.npy", np.array([{"x": 1}] * 5, dtype=object), allow_pickle=True)
    return {}


BAD = [
    ("mnist", {}, ConfigError, "digits, breast_cancer, yeast.*suite \\(mulan\\)"),
    ("mulan", {}, ConfigError, "the suite 'mulan'"),
    ("missing.csv", {}, DataError, "no such file"),
    ("folder.csv", {}, DataError, "directory"),
    ("empty.csv", {}, DataError, "empty file"),
    ("garbage.csv", {}, DataError, "`dataset` to be a readable CSV"),
    ("pickled.npy", {"labels": "y5.npy"}, DataError, "`features` to be a numeric NPY array \\(no pickles\\)"),
    ("x.npy", {"labels": "y4.npy"}, DataError, "one row per feature row \\(5\\)"),
    ("x.npy", {}, DataError, "labels=FILE"),
    ("x.npy", {"labels": "nope.npy"}, DataError, "no such path"),
    ("text.csv", {}, DataError, "numeric.*column 'name'"),
    ("hole.csv", {}, DataError, "finite.*column 'b'"),
    ("xnan.npy", {"labels": "y5.npy"}, DataError, "finite.*row 2, column 1"),
    ("x.npy", {"labels": "yfloat.npy"}, DataError, "regression"),
    ("nolabel.csv", {}, DataError, "name label columns"),
    ("nolabel.csv", {"labels": "c"}, DataError, "'c'"),
    ("digits", {"test_size": 1.5}, ConfigError, "test_size"),
    ("digits", {"seed": -1}, ConfigError, "seed"),
]


@pytest.mark.parametrize(("spec", "options", "error", "pattern"), BAD, ids=[f"{s}-{'-'.join(map(str, o.values()))}" for s, o, *_ in BAD])
def test_bad_input_raises_one_line(tmp_path, monkeypatch, spec, options, error, pattern):
    _bad_files(tmp_path)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error, match=pattern) as caught:
        load_dataset(spec, **options)
    message = str(caught.value)
    assert message.startswith("Expected `") and "\n" not in message


def test_citation_of_an_unknown_name():
    with pytest.raises(ConfigError, match="bundled dataset"):
        citation("mnist")


def test_label_warnings_point_at_the_callers_line_not_into_lossmatch(tmp_path):
    """A caveat about the labels (here: every row its own label, an identifier column) is the user's to act on:
    its location is the line that called load_dataset, never datasets.py."""
    import inspect
    import warnings

    (tmp_path / "ids.csv").write_text("x,label\n" + "\n".join(f"{i},order-{i}" for i in range(24)) + "\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = inspect.currentframe().f_lineno + 1
        load_dataset(tmp_path / "ids.csv")
    (found,) = [w for w in caught if "labels of" in str(w.message)]
    assert "every one of the 24 rows" in str(found.message).lower()
    assert Path(found.filename).resolve() == Path(__file__).resolve() and found.lineno == line
