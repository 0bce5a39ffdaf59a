"""Readers on files the tests write, the real MULAN files, and every kind of bad input (one line, DataError)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from lossmatch.errors import DataError
from lossmatch.labels import advise, infer, load_array, read_arff, read_labels

DATASETS = Path(__file__).resolve().parents[3] / "shared" / "datasets"
if not DATASETS.is_dir():
    DATASETS = Path("/work/shared/datasets")
needs_mulan = pytest.mark.skipif(not (DATASETS / "yeast").is_dir(), reason="MULAN datasets not available")


def _one_line(info: pytest.ExceptionInfo) -> str:
    message = str(info.value)
    assert message.startswith("Expected `") and ", but got " in message and "\n" not in message
    return message


@pytest.fixture
def multi_hot():
    return (np.random.default_rng(0).random((300, 5)) < 0.3).astype(np.int64)


def test_csv_single_column_and_strings(tmp_path):
    (tmp_path / "y.csv").write_text("label\n2\n0\n1\n2\n")
    np.testing.assert_array_equal(load_array(tmp_path / "y.csv"), [2, 0, 1, 2])
    (tmp_path / "s.csv").write_text("animal\ncat\ndog\ncat\n")
    assert read_labels(tmp_path / "s.csv").tolist() == ["cat", "dog", "cat"]


def test_csv_multi_hot_table_is_a_matrix(tmp_path, multi_hot):
    path = tmp_path / "m.csv"
    pcsv.write_csv(pa.table({f"l{i}": multi_hot[:, i] for i in range(5)}), path)
    np.testing.assert_array_equal(read_labels(path), multi_hot)
    report = advise(path)
    assert report.task == "multilabel" and report.classes == tuple(f"l{i}" for i in range(5))


def test_csv_streams_in_batches(tmp_path, monkeypatch, multi_hot):
    from lossmatch.labels import _readers

    monkeypatch.setattr(_readers, "_BLOCK_SIZE", 256)  # forces many batches
    path = tmp_path / "m.csv"
    pcsv.write_csv(pa.table({f"l{i}": multi_hot[:, i] for i in range(5)}), path)
    batches = list(_readers._batches(path, ".csv", None))
    assert len(batches) > 5
    np.testing.assert_array_equal(read_labels(path), multi_hot)


def test_int8_fast_path_falls_back_when_a_later_block_does_not_fit(tmp_path, monkeypatch):
    from lossmatch.labels import _readers

    monkeypatch.setattr(_readers, "_BLOCK_SIZE", 64)
    values = [0, 1] * 40 + [300, 0]
    (tmp_path / "y.csv").write_text("a,b\n" + "".join(f"{v},{1 - v % 2}\n" for v in values))
    matrix = read_labels(tmp_path / "y.csv", column=["a", "b"])
    assert matrix.dtype == np.int64 and matrix[:, 0].tolist() == values
    (tmp_path / "m.csv").write_text("a,b\n" + "1,0\n0,1\n" * 50)
    narrow = read_labels(tmp_path / "m.csv")
    assert narrow.dtype == np.int8 and narrow.sum() == 100


def test_column_picks_and_tsv(tmp_path):
    (tmp_path / "t.tsv").write_text("id\tlabel\tscore\n1\tb\t0.5\n2\ta\t0.1\n3\tb\t0.9\n")
    assert read_labels(tmp_path / "t.tsv", column="label").tolist() == ["b", "a", "b"]
    with pytest.raises(DataError) as info:
        read_labels(tmp_path / "t.tsv")
    assert "2 candidate columns in 't.tsv' (label, score)" in _one_line(info) and "--column" in str(info.value)
    with pytest.raises(DataError) as info:
        read_labels(tmp_path / "t.tsv", column="nope")
    assert "'nope'" in _one_line(info)
    np.testing.assert_array_equal(load_array(tmp_path / "t.tsv", column=["id", "score"]), [[1, 0.5], [2, 0.1], [3, 0.9]])


def test_delimited_column(tmp_path):
    (tmp_path / "d.csv").write_text("tags\ncat|dog\ndog\nfish|cat\n")
    sets = read_labels(tmp_path / "d.csv", label_sep="|")
    assert sets == [["cat", "dog"], ["dog"], ["fish", "cat"]]


def test_parquet_by_row_group(tmp_path, multi_hot):
    path = tmp_path / "m.parquet"
    pq.write_table(pa.table({f"l{i}": multi_hot[:, i] for i in range(5)}), path, row_group_size=64)
    assert pq.ParquetFile(path).num_row_groups == 5
    np.testing.assert_array_equal(read_labels(path), multi_hot)
    pq.write_table(pa.table({"y": ["a", "b", "c", "a"]}), tmp_path / "s.parquet", row_group_size=2)
    assert advise(tmp_path / "s.parquet").task == "multiclass"
    with pytest.raises(DataError) as info:
        read_labels(path, column="zz")
    _one_line(info)


def test_npy_npz(tmp_path):
    np.save(tmp_path / "y.npy", np.array([0, 3, 1]))
    np.testing.assert_array_equal(load_array(tmp_path / "y.npy"), [0, 3, 1])
    np.savez(tmp_path / "one.npz", labels=np.eye(3))
    np.testing.assert_array_equal(load_array(tmp_path / "one.npz"), np.eye(3))
    np.savez(tmp_path / "two.npz", a=np.zeros(2), b=np.ones(2))
    with pytest.raises(DataError) as info:
        load_array(tmp_path / "two.npz")
    assert "2 arrays" in _one_line(info)
    np.testing.assert_array_equal(load_array(tmp_path / "two.npz", column="b"), [1, 1])


def test_pickled_arrays_are_refused(tmp_path):
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    with pytest.raises(DataError) as info:
        load_array(tmp_path / "obj.npy")
    assert "no pickles" in _one_line(info)
    np.savez(tmp_path / "obj.npz", y=np.array([[1], "x"], dtype=object))
    with pytest.raises(DataError):
        load_array(tmp_path / "obj.npz")


@pytest.mark.parametrize("save", [np.save, np.savez, np.savez_compressed], ids=["npy", "npz", "npz-compressed"])
def test_every_truncation_and_corruption_of_an_array_file_is_a_data_error(tmp_path, save):
    import random

    source = tmp_path / ("y.npy" if save is np.save else "y.npz")
    save(source, *([np.arange(40)] if save is np.save else []), **({} if save is np.save else {"y": np.arange(40)}))
    data = source.read_bytes()
    rng = random.Random(0)
    variants = [data[:i] for i in range(1, len(data))]
    for _ in range(150):
        corrupt = bytearray(data)
        for _ in range(3):
            corrupt[rng.randrange(len(corrupt))] = rng.randrange(256)
        variants.append(bytes(corrupt))
    bad = tmp_path / source.name.replace("y.", "bad.")
    for variant in variants:
        bad.write_bytes(variant)
        try:
            load_array(bad)  # a corruption numpy does not notice may still load
        except DataError as exc:
            assert "\n" not in str(exc) and bad.name in str(exc)


def test_an_array_header_declaring_a_huge_shape_is_refused(tmp_path):
    import io

    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<i8", "fortran_order": False, "shape": (10**18,)})
    (tmp_path / "huge.npy").write_bytes(buffer.getvalue() + bytes(64))
    with pytest.raises(DataError) as info:
        load_array(tmp_path / "huge.npy")
    assert "too large" in _one_line(info)


def test_every_cut_of_an_arff_file_is_a_data_error_or_reads(tmp_path):
    text = "@relation r\n@attribute f numeric\n@attribute c {0,1}\n@data\n1.5,0\n2.5,1\n"
    for end in range(1, len(text)):
        (tmp_path / "cut.arff").write_text(text[:end])
        try:
            read_arff(tmp_path / "cut.arff", labels_last=1)
        except DataError as exc:
            assert "\n" not in str(exc) and "cut.arff" in str(exc)


def test_jsonl_and_text(tmp_path):
    (tmp_path / "y.jsonl").write_text('["a", "b"]\n["b"]\n[]\n')
    assert read_labels(tmp_path / "y.jsonl") == [["a", "b"], ["b"], []]
    (tmp_path / "s.jsonl").write_text('3\n1\n3\n')
    assert read_labels(tmp_path / "s.jsonl").tolist() == [3, 1, 3]
    (tmp_path / "y.txt").write_text("spam\nham\nspam\n")
    assert advise(tmp_path / "y.txt").task == "binary"
    (tmp_path / "sets.txt").write_text("a,b\nc\n\nb\n")
    report = advise(tmp_path / "sets.txt", label_sep=",")
    assert report.task == "multilabel" and report.classes == ("a", "b", "c") and report.class_counts == (1, 2, 1)


ARFF_DENSE = """@relation toy
@attribute f1 numeric
@attribute colour {red,green}
@attribute A {0,1}
@attribute B {0,1}
@data
0.5,red,1,0
1.5,green,0,1
2.5,?,1,1
"""

ARFF_SPARSE = """@relation toy
@attribute w0 {0,1}
@attribute w1 {0,1}
@attribute L0 {0,1}
@attribute L1 {0,1}
@data
{0 1,2 1}
{1 1,3 1}
{0 1,1 1,2 1}
"""

XML = '<?xml version="1.0"?><labels xmlns="http://mulan.sourceforge.net/labels"><label name="L1"/><label name="L0"/></labels>'


def test_arff_dense_labels_last(tmp_path):
    (tmp_path / "toy.arff").write_text(ARFF_DENSE)
    x, y, features, labels = read_arff(tmp_path / "toy.arff", labels_last=2)
    assert features == ["f1", "colour"] and labels == ["A", "B"]
    np.testing.assert_array_equal(y, [[1, 0], [0, 1], [1, 1]])
    np.testing.assert_array_equal(x[:, 0], [0.5, 1.5, 2.5])
    assert x[:2, 1].tolist() == [0.0, 1.0] and np.isnan(x[2, 1])
    assert y.dtype == np.int64 and x.dtype == np.float64


def test_arff_sparse_with_xml(tmp_path):
    (tmp_path / "toy-train.arff").write_text(ARFF_SPARSE)
    (tmp_path / "toy.xml").write_text(XML)
    x, y, _, labels = read_arff(tmp_path / "toy-train.arff")  # toy.xml found beside it
    assert labels == ["L0", "L1"]  # ARFF column order, whatever the XML order
    np.testing.assert_array_equal(y, [[1, 0], [0, 1], [1, 0]])
    np.testing.assert_array_equal(x, [[1, 0], [0, 1], [1, 1]])


def test_arff_without_label_information(tmp_path):
    (tmp_path / "toy.arff").write_text(ARFF_DENSE)
    with pytest.raises(DataError) as info:
        read_arff(tmp_path / "toy.arff")
    assert "--labels-last" in _one_line(info)
    (tmp_path / "bad.xml").write_text(XML)
    with pytest.raises(DataError) as info:
        read_arff(tmp_path / "toy.arff", xml=tmp_path / "bad.xml")
    assert "unknown name" in _one_line(info)


@needs_mulan
def test_mulan_yeast():
    x, y, _, labels = read_arff(DATASETS / "yeast" / "yeast-train.arff", xml=DATASETS / "yeast" / "yeast.xml")
    assert x.shape == (1500, 103) and y.shape == (1500, 14)
    assert labels == [f"Class{i}" for i in range(1, 15)]
    report = infer(y, class_names=labels)
    assert (report.task, report.encoding, report.n_classes) == ("multilabel", "multi_hot", 14)
    assert report.label_cardinality == pytest.approx(4.228, abs=5e-4)  # README: 4.228
    assert report.single_label_share == pytest.approx(24 / 1500)


@needs_mulan
def test_mulan_medical_sparse():
    report = advise(DATASETS / "medical" / "medical-train.arff")
    assert (report.task, report.n_samples, report.n_classes) == ("multilabel", 333, 45)
    assert report.label_cardinality == pytest.approx(1.255, abs=5e-4)
    assert report.single_label_share == pytest.approx(254 / 333)
    assert sum(count == 0 for count in report.class_counts) == 7  # README: 7 labels never occur in train
    assert any("never occur" in line for line in report.evidence)


@needs_mulan
def test_mulan_scene_is_nearly_multiclass_but_not_99():
    report = advise(DATASETS / "scene" / "scene-test.arff")
    assert report.single_label_share == pytest.approx(1093 / 1196)
    assert report.task == "multilabel"


@pytest.mark.parametrize(("name", "content", "fragment"), [
    ("empty.csv", b"", "empty file"),
    ("header.csv", b"a,b\n", "header only"),
    ("garbage.csv", bytes(range(256)) * 4, "readable CSV"),
    ("latin.txt", "caf\u00e9\n".encode("latin-1"), "UTF-8"),
    ("binary.txt", b"ab\x00cd\n", "NUL"),
    ("ragged.csv", b"a,b\n1,0\n1\n", "readable CSV"),
    ("nan.csv", b"y\n1\n\n2\nNaN\n", "every row"),
    ("bad.jsonl", b'["a"]\n{oops\n', "invalid JSON"),
    ("nulls.jsonl", b'1\nnull\n', "every line"),
    ("bad.npy", b"not a numpy file at all", "NPY"),
    ("bad.arff", b"@relation x\n@attribute a numeric\n@data\nfoo,bar\n", "ARFF"),
])
def test_bad_files(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError) as info:
        read_labels(path, labels_last=1)
    assert fragment in _one_line(info)


def test_missing_path_and_directory(tmp_path):
    with pytest.raises(DataError) as info:
        read_labels(tmp_path / "nope.csv")
    assert "no such path" in _one_line(info)
    with pytest.raises(DataError) as info:
        read_labels(tmp_path)
    assert "directory" in _one_line(info)


def test_single_class_file(tmp_path):
    (tmp_path / "one.txt").write_text("a\na\na\n")
    with pytest.raises(DataError) as info:
        advise(tmp_path / "one.txt")
    assert "Nothing to learn" in _one_line(info)


def test_json_round_trip_of_a_file_report(tmp_path):
    (tmp_path / "y.jsonl").write_text("\n".join(json.dumps(v) for v in (["x"], ["y", "x"], ["z"])) + "\n")
    doc = json.loads(json.dumps(advise(tmp_path / "y.jsonl").to_dict(), allow_nan=False))
    assert doc["task"] == "multilabel" and doc["classes"] == ["x", "y", "z"]
