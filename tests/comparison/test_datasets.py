"""Bundled datasets load with their published shapes; user files are read with lossmatch.labels."""

from __future__ import annotations

import numpy as np
import pytest

from lossmatch.comparison.datasets import BUNDLED, load_dataset
from lossmatch.errors import ConfigError, DataError

# (train, test, features, labels) from ../shared/datasets/README.md
MULAN_SHAPES = {"yeast": (1500, 917, 103, 14), "emotions": (391, 202, 72, 6), "scene": (1211, 1196, 294, 6),
                "birds": (322, 323, 260, 19), "medical": (333, 645, 1449, 45), "enron": (1123, 579, 1001, 53),
                "genbase": (463, 199, 1185, 27), "flags": (129, 65, 19, 7)}


@pytest.mark.parametrize("name", list(MULAN_SHAPES))
def test_mulan_datasets_keep_their_split_and_shapes(name):
    data = load_dataset(name)
    n_train, n_test, n_features, n_labels = MULAN_SHAPES[name]
    assert data.task == "multilabel" and data.split == "mulan"
    assert data.x_train.shape == (n_train, n_features) and data.x_test.shape == (n_test, n_features)
    assert data.y_train.shape == (n_train, n_labels) and data.y_train.dtype == np.uint8
    assert data.x_train.dtype == np.float32 and np.isfinite(data.x_train).all()
    assert data.citation and data.n_classes == n_labels == len(data.label_names)


def test_yeast_cardinality_matches_the_readme():
    data = load_dataset("yeast")
    assert data.y_train.sum(axis=1).mean() == pytest.approx(4.228, abs=1e-3)
    assert data.label_names[0] == "Class1" and data.label_names[-1] == "Class14"


def test_sklearn_datasets_are_split_stratified_by_seed():
    digits = load_dataset("digits")
    assert digits.task == "multiclass" and digits.n_classes == 10 and len(digits.x_test) == 450
    cancer = load_dataset("breast_cancer", seed=1)
    assert cancer.task == "binary" and cancer.n_classes == 2
    assert not np.array_equal(cancer.x_test, load_dataset("breast_cancer", seed=2).x_test)
    assert len(BUNDLED) == 11 and load_dataset("cal500").y_train.shape[1] == 174


def test_table_with_label_columns(tmp_path):
    path = tmp_path / "data.csv"
    rows = ["a,b,target"] + [f"{i},{i % 3},{'cat' if i % 2 else 'dog'}" for i in range(40)]
    path.write_text("\n".join(rows) + "\n")
    data = load_dataset(path)
    assert data.task == "binary" and data.label_names == ("cat", "dog") and data.feature_names == ("a", "b")
    multi = tmp_path / "multi.csv"
    multi.write_text("x,l1,l2\n" + "\n".join(f"{i},{i % 2},{(i // 2) % 2}" for i in range(40)) + "\n")
    data = load_dataset(multi, labels="l1,l2")
    assert data.task == "multilabel" and data.label_names == ("l1", "l2") and data.y_train.shape[1] == 2


def test_features_and_labels_files_and_arff(tmp_path):
    np.save(tmp_path / "x.npy", np.random.default_rng(0).normal(size=(30, 4)))
    np.save(tmp_path / "y.npy", np.arange(30) % 3)
    data = load_dataset(tmp_path / "x.npy", labels=tmp_path / "y.npy")
    assert data.task == "multiclass" and len(data.x_train) + len(data.x_test) == 30
    arff = tmp_path / "toy.arff"
    arff.write_text("@relation toy\n@attribute f1 numeric\n@attribute f2 numeric\n@attribute A {0,1}\n@attribute B {0,1}\n"
                    "@data\n" + "\n".join(f"{i},{i * 2},{i % 2},{(i // 2) % 2}" for i in range(20)) + "\n")
    (tmp_path / "toy.xml").write_text('<labels xmlns="http://mulan.sourceforge.net/labels"><label name="A"/><label name="B"/></labels>')
    data = load_dataset(arff)
    assert data.task == "multilabel" and data.label_names == ("A", "B") and data.feature_names == ("f1", "f2")


def test_bad_input_is_one_line(tmp_path):
    with pytest.raises(ConfigError, match="digits, breast_cancer, yeast"):
        load_dataset("mnist")
    with pytest.raises(DataError, match="no such file"):
        load_dataset(tmp_path / "missing.csv")
    np.save(tmp_path / "x.npy", np.zeros((5, 2)))
    np.save(tmp_path / "y.npy", np.zeros(4))
    with pytest.raises(DataError, match="one row per feature row"):
        load_dataset(tmp_path / "x.npy", labels=tmp_path / "y.npy")
    text = tmp_path / "text.csv"
    text.write_text("name,label\n" + "\n".join(f"row{i},{i % 2}" for i in range(10)) + "\n")
    with pytest.raises(DataError, match="column 'name'"):
        load_dataset(text)
    np.save(tmp_path / "yf.npy", np.linspace(0, 1, 5) * 3.7)
    with pytest.raises(DataError):
        load_dataset(tmp_path / "x.npy", labels=tmp_path / "yf.npy")
