"""Task inference: a golden table (scikit-learn's own type_of_target examples plus every refinement), errors,
encode against scikit-learn's encoders, hypothesis fuzzing and sklearn's bundled datasets."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.preprocessing import LabelEncoder, MultiLabelBinarizer
from sklearn.utils.multiclass import type_of_target

from lossmatch.errors import DataError, TargetFormatError
from lossmatch.labels import encode, infer

# (labels, task, encoding, sklearn_type): the first block is type_of_target's docstring, in its order.
GOLDEN = [
    ([0.1, 0.6], "binary", "soft_binary", "continuous"),
    ([1, -1, -1, 1], "binary", "signed_binary", "binary"),
    (["a", "b", "a"], "binary", "string", "binary"),
    ([1.0, 2.0], "binary", "index", "binary"),
    ([1, 0, 2], "multiclass", "index", "multiclass"),
    ([1.0, 0.0, 3.0], "multiclass", "index", "multiclass"),
    (["a", "b", "c"], "multiclass", "string", "multiclass"),
    (np.array([[1, 2], [3, 1]]), "multioutput", "index", "multiclass-multioutput"),
    (np.array([[0, 1], [1, 1]]), "multilabel", "multi_hot", "multilabel-indicator"),
    # refinements
    ([0, 1, 1, 0], "binary", "index", "binary"),
    ([True, False, True], "binary", "index", "binary"),
    (np.array([[1, 0, 0], [0, 0, 1], [0, 1, 0]]), "multiclass", "one_hot", "multilabel-indicator"),
    (np.array([[1, 0], [0, 1], [1, 0]]), "binary", "one_hot", "multilabel-indicator"),
    (np.array([[0.2, 0.3, 0.5], [0.0, 1.0, 0.0]]), "multiclass", "soft", "continuous-multioutput"),
    (np.array([[0.9, 0.2, 0.4], [0.1, 0.7, 0.0]]), "multilabel", "soft", "continuous-multioutput"),
    (np.array([[1, -1, 1], [-1, 1, -1], [1, 1, -1]]), "multilabel", "signed_multi_hot", "multilabel-indicator"),
    ([[0], [2], [1]], "multiclass", "index", "multiclass"),
    ([["cat", "dog"], ["dog"], ["fish", "cat", "dog"]], "multilabel", "label_sets", "unknown"),
    (["cat|dog", "dog", "fish"], "multilabel", "delimited", "multiclass"),
    ([1, 2, 3, 1], "multiclass", "index", "multiclass"),
    ([0, 5, 9, 5], "multiclass", "index", "multiclass"),
    (np.array([["a", "x"], ["b", "y"], ["a", "y"]]), "multioutput", "string", "multiclass-multioutput"),
]


@pytest.mark.parametrize(("labels", "task", "encoding", "sklearn_type"), GOLDEN)
def test_golden_table(labels, task, encoding, sklearn_type):
    report = infer(labels, label_sep="|")
    assert (report.task, report.encoding, report.sklearn_type) == (task, encoding, sklearn_type)
    assert report.evidence and all(isinstance(line, str) and line for line in report.evidence)
    if encoding != "label_sets":
        assert report.sklearn_type == type_of_target(np.asarray(labels))


@pytest.mark.parametrize(("labels", "fragment"), [
    ([3, 3, 3], "single class"),
    ([[1, 2]], "constant"),
    ([], "at least one label"),
    ([0.0, float("nan"), 1.0], "finite"),
    (np.array([0, None, 1], dtype=object), "missing"),
    (["a", "", "b"], "empty value(s) in row 2"),
    ([0.5, 2.7, -1.0], "regression"),
    (np.array([[1.5, 2.0], [3.0, 1.6]]), "regression"),
    (np.array([[1, 1], [1, 1]]), "Nothing to learn"),
    ([["a"], [None]], "missing"),
])
def test_bad_labels_raise_one_line(labels, fragment):
    with pytest.raises(DataError) as info:
        infer(labels)
    message = str(info.value)
    assert message.startswith("Expected `") and ", but got " in message and "\n" not in message
    assert fragment in message


def test_remap_hints_in_evidence():
    assert any("1-based" in line for line in infer([1, 2, 3, 2]).evidence)
    assert any("gaps" in line for line in infer([0, 5, 9]).evidence)
    assert not any("gaps" in line or "1-based" in line for line in infer([0, 1, 2]).evidence)
    assert any("{-1, 1}" in line for line in infer([-1, 1, 1]).evidence)


def test_nearly_single_label_multi_hot_says_really_multiclass():
    eye = np.eye(4, dtype=int)[np.arange(400) % 4]
    eye[0, 1] = 1  # one row of 400 has two labels
    report = infer(eye)
    assert report.task == "multilabel" and report.single_label_share == pytest.approx(399 / 400)
    assert any("really multiclass" in line for line in report.evidence)
    eye[:50, 2] = 1
    assert not any("really multiclass" in line for line in infer(eye).evidence)


def test_multilabel_statistics_and_missing_labels():
    y = np.array([[1, 0, 1, 0], [1, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 0]])
    report = infer(y)
    assert report.class_counts == (3, 1, 2, 0)
    assert report.label_cardinality == pytest.approx(6 / 4)
    assert report.single_label_share == pytest.approx(0.5)
    assert report.imbalance_ratio == pytest.approx(3.0)  # label 1: 3 negatives per positive
    assert any("never occur" in line for line in report.evidence)


def test_num_classes_adds_unseen_classes_and_checks_range():
    report = infer([0, 1, 1], num_classes=4)
    assert report.task == "multiclass" and report.n_classes == 4 and report.class_counts == (1, 2, 0, 0)
    with pytest.raises(DataError, match=r"class indices in \[0, 2\]"):
        infer([0, 3], num_classes=3)
    with pytest.raises(DataError, match="num_classes"):
        infer([[1, 0], [0, 1]], num_classes=3)


def test_imbalance_ratio_and_counts_binary():
    report = infer(np.r_[np.zeros(90, int), np.ones(10, int)])
    assert report.class_counts == (90, 10) and report.imbalance_ratio == pytest.approx(9.0)


@pytest.mark.parametrize("labels", [
    np.array([[1, 1], [1, 1], [1, 1], [1, 0], [0, 1]] * 4),            # multi-hot: each label in 80% of rows
    ["a|b", "a|b", "a|b", "a", "b"] * 4,                                 # the same as label sets
    np.array([[0.9, 0.8], [0.7, 0.9], [0.9, 0.9], [0.8, 0.1], [0.2, 0.7]] * 4),  # soft: 70% and 68% mass
])
def test_multilabel_imbalance_ratio_is_the_larger_side_over_the_smaller_never_below_1(labels):
    report = infer(labels)
    assert report.task == "multilabel" and report.imbalance_ratio >= 1.0
    positives = np.asarray(report.class_counts, dtype=float)
    sides = np.stack([positives, report.n_samples - positives])
    assert report.imbalance_ratio == pytest.approx((sides.max(axis=0) / sides.min(axis=0)).max(), abs=1e-4)


def test_multilabel_imbalance_ratio_counts_rare_and_common_labels_alike():
    y = np.zeros((100, 3), int)
    y[:90, 0] = 1  # 90 positives per 10 negatives: 9:1
    y[:20, 1] = 1  # 4 negatives per positive: 4:1
    y[:, 2] = 1    # in every row: does not vary, no ratio
    assert infer(y).imbalance_ratio == pytest.approx(9.0)
    y[:, 0] = 0
    y[:5, 0] = 1   # 95 negatives per 5 positives
    assert infer(y).imbalance_ratio == pytest.approx(19.0)


def test_torch_tensor_and_pandas_inputs():
    import pandas as pd

    assert infer(torch.tensor([0, 2, 1])).task == "multiclass"
    assert infer(torch.eye(3)).encoding == "one_hot"
    assert infer(pd.Series(["x", "y", "x"])).encoding == "string"


@pytest.mark.parametrize("labels", [[3, 1, 7, 3, 1], ["b", "a", "c", "a"], [2.0, 5.0, 2.0], [1, 2, 3]])
def test_encode_matches_label_encoder(labels):
    report = infer(labels)
    codes = encode(labels, report)
    assert codes.dtype == np.int64
    np.testing.assert_array_equal(codes, LabelEncoder().fit_transform(labels))
    assert list(report.classes) == LabelEncoder().fit(labels).classes_.tolist()


def test_encode_forms():
    assert encode([-1, 1, -1], infer([-1, 1, -1])).tolist() == [0, 1, 0]
    one_hot = np.eye(3, dtype=int)[[2, 0, 1]]
    assert encode(one_hot, infer(one_hot)).tolist() == [2, 0, 1]
    signed = np.array([[1, -1], [-1, 1], [1, 1]])
    assert encode(signed, infer(signed)).tolist() == [[1, 0], [0, 1], [1, 1]]
    soft = np.array([[0.25, 0.75], [1.0, 0.0]])
    np.testing.assert_array_equal(encode(soft, infer(soft)), soft)
    outputs = np.array([[1, 7], [3, 7], [1, 9]])
    assert encode(outputs, infer(outputs)).tolist() == [[0, 0], [1, 0], [0, 1]]
    with pytest.raises(TargetFormatError, match="unknown value"):
        encode([0, 4], infer([0, 1, 2]))


def test_encode_label_sets_matches_multilabel_binarizer():
    sets = [["cat", "dog"], ["dog"], [], ["fish", "cat"]]
    report = infer(sets)
    binarizer = MultiLabelBinarizer().fit(sets)
    np.testing.assert_array_equal(encode(sets, report), binarizer.transform(sets))
    assert list(report.classes) == binarizer.classes_.tolist()
    joined = ["cat|dog", "dog", "fish|cat"]
    delimited = infer(joined, label_sep="|")
    np.testing.assert_array_equal(encode(joined, delimited), MultiLabelBinarizer().fit_transform([s.split("|") for s in joined]))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-5, 30), min_size=2, max_size=60).filter(lambda v: len(set(v)) >= 2))
def test_fuzz_index_labels(values):
    report = infer(values)
    assert report.n_classes == len(set(values)) and report.n_samples == len(values)
    assert sum(report.class_counts) == len(values)
    assert report.task == ("binary" if len(set(values)) == 2 else "multiclass")
    np.testing.assert_array_equal(encode(values, report), LabelEncoder().fit_transform(values))


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 6), st.integers(2, 40), st.integers(0, 2**31 - 1))
def test_fuzz_indicator_matrices(n_labels, n_rows, seed):
    y = (np.random.default_rng(seed).random((n_rows, n_labels)) < 0.4).astype(int)
    if y.sum(axis=0).min() == n_rows or y.max() == 0:
        return
    report = infer(y)
    assert report.sklearn_type == type_of_target(y)
    assert report.class_counts == tuple(y.sum(axis=0).tolist())
    expect_one_hot = bool((y.sum(axis=1) == 1).all())
    assert report.encoding == ("one_hot" if expect_one_hot else "multi_hot")


def test_sklearn_digits_and_breast_cancer():
    digits = infer(load_digits().target)
    assert (digits.task, digits.encoding, digits.n_classes, digits.sklearn_type) == ("multiclass", "index", 10, "multiclass")
    assert sum(digits.class_counts) == 1797
    cancer = infer(load_breast_cancer().target)
    assert (cancer.task, cancer.n_classes, cancer.class_counts) == ("binary", 2, (212, 357))
    assert cancer.imbalance_ratio == pytest.approx(357 / 212, abs=1e-4)


def test_to_dict_caps_classes():
    report = infer(np.arange(200) % 120)
    doc = report.to_dict()
    assert len(doc["classes"]) == 50 and doc["classes_truncated"] and report.n_classes == 120
    assert len(doc["class_counts"]) == 50


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(1, 6), st.sampled_from([np.int8, np.int64, np.uint8, np.bool_]),
       st.integers(-3, 3), st.integers(0, 2**31 - 1))
def test_sklearn_type_shortcut_for_large_matrices_is_exact(n_rows, n_columns, dtype, offset, seed):
    from lossmatch.labels import _infer

    values = np.random.default_rng(seed).integers(0, 2, size=(n_rows, n_columns))
    y = values.astype(dtype) if dtype is np.bool_ else (values + (offset if np.dtype(dtype).kind == "i" else 0)).astype(dtype)
    original = _infer.PROXY_MIN_SIZE
    try:
        _infer.PROXY_MIN_SIZE = 0
        assert _infer._sklearn_type(y) == type_of_target(y)
    finally:
        _infer.PROXY_MIN_SIZE = original


def test_labels_all_distinct_read_as_identifiers_strings_and_integers_alike():
    """A row number or an id column passed as labels: each row its own class, said in the evidence."""
    for y, what in ((np.arange(1, 31), "row numbers or identifiers"), ([f"id{i}" for i in range(25)], "identifiers or text")):
        report = infer(y)
        assert any(line.startswith(f"every one of the {len(y)} rows has its own value: these read as {what}")
                   for line in report.evidence), report.evidence
    assert not any("own value" in line for line in infer(np.arange(1, 20)).evidence)  # too few rows to tell
    assert not any("own value" in line for line in infer(np.arange(30) % 15).evidence)
    assert not any("own value" in line for line in infer(np.arange(30), num_classes=30).evidence)  # classes stated
