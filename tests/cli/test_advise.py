"""`lossmatch advise` end to end: JSON keys, exit codes (0 ok, 1 head mismatch, 2 bad input), text output."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from lossmatch.cli import build_app, main

DATASETS = Path("/work/shared/datasets")
TOP_KEYS = ["schema_version", "source", "n_samples", "task", "encoding", "n_classes", "classes", "class_counts",
            "imbalance_ratio", "label_cardinality", "sklearn_type", "evidence", "recommendation", "snippets", "model_check"]
REC_KEYS = {"loss", "activation", "output_units", "label_format", "metrics", "class_weight", "pos_weight", "threshold", "notes"}


def run(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        main(["advise", *map(str, args)])
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


@pytest.fixture
def multiclass_file(tmp_path):
    path = tmp_path / "y.csv"
    path.write_text("label\n" + "\n".join(str(v) for v in [1, 2, 3, 1, 1, 1, 1, 1, 1, 2, 1, 1]) + "\n")
    return path


def test_json_document(capsys, multiclass_file):
    code, out, _ = run(capsys, multiclass_file, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert next(iter(doc)) == "schema_version" and doc["schema_version"] == 1
    assert set(TOP_KEYS) <= set(doc) and set(doc["recommendation"]) == REC_KEYS
    assert (doc["task"], doc["encoding"], doc["n_classes"], doc["sklearn_type"]) == ("multiclass", "index", 3, "multiclass")
    assert doc["class_counts"] == {"1": 9, "2": 2, "3": 1}
    assert doc["recommendation"]["loss"] == "sparse_categorical_cross_entropy_with_logits"
    assert doc["recommendation"]["class_weight"] == pytest.approx([12 / 27, 2.0, 4.0], abs=1e-4)
    assert any("1-based" in line for line in doc["evidence"])
    assert doc["model_check"] is None and "import torch" in doc["snippets"]["pytorch"]


def test_json_alias_with_clirunner(multiclass_file):
    result = CliRunner().invoke(build_app(), ["advise", str(multiclass_file), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["task"] == "multiclass"


def test_model_mismatch_exits_1(capsys, multiclass_file):
    code, out, _ = run(capsys, multiclass_file, "--json", "--model-units", "3", "--model-activation", "sigmoid")
    check = json.loads(out)["model_check"]
    assert code == 1 and check["matches"] is False and check["problems"]
    code, out, _ = run(capsys, multiclass_file, "--json", "--model-units", "3", "--model-activation", "linear")
    assert code == 0 and json.loads(out)["model_check"]["matches"] is True


def test_text_output(capsys, multiclass_file):
    code, out, _ = run(capsys, multiclass_file)
    assert code == 0 and "sparse_categorical_cross_entropy_with_logits" in out and "evidence:" in out
    assert "PyTorch:" in out and "Keras:" in out


@pytest.mark.skipif(not (DATASETS / "yeast").is_dir(), reason="MULAN datasets not available")
def test_yeast_and_medical(capsys):
    code, out, _ = run(capsys, DATASETS / "yeast" / "yeast-train.arff", "--xml", DATASETS / "yeast" / "yeast.xml", "--json")
    doc = json.loads(out)
    assert code == 0 and (doc["task"], doc["n_classes"]) == ("multilabel", 14)
    assert doc["recommendation"]["activation"] == "sigmoid" and len(doc["recommendation"]["pos_weight"]) == 14
    code, out, _ = run(capsys, DATASETS / "medical" / "medical-test.arff", "--json", "--model-units", "45",
                       "--model-activation", "softmax")
    assert code == 1 and json.loads(out)["n_samples"] == 645


@pytest.mark.parametrize(("args", "fragment"), [
    (["{tmp}/missing.csv"], "no such path"),
    (["{tmp}"], "directory"),
    (["{tmp}/two.csv"], "--column"),
    (["{tmp}/two.csv", "--column", "nope"], "'nope'"),
    (["{tmp}/const.txt"], "Nothing to learn"),
    (["{tmp}/two.csv", "--column", "y", "--model-units", "2"], "--model-activation"),
    (["{tmp}/cut.npz"], "valid NPZ archive"),
])
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, args, fragment):
    (tmp_path / "two.csv").write_text("x,y\n1,a\n2,b\n")
    (tmp_path / "const.txt").write_text("a\na\n")
    np.savez(tmp_path / "whole.npz", y=np.arange(10) % 3)
    (tmp_path / "cut.npz").write_bytes((tmp_path / "whole.npz").read_bytes()[:100])
    code, out, err = run(capsys, *[a.format(tmp=tmp_path) for a in args])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("lossmatch: error: Expected") and fragment in err
    assert "Traceback" not in err


def test_npy_labels(capsys, tmp_path):
    np.save(tmp_path / "y.npy", np.eye(3, dtype=np.int64)[[0, 1, 2, 2]])
    code, out, _ = run(capsys, tmp_path / "y.npy", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["encoding"] == "one_hot" and doc["recommendation"]["loss"] == "categorical_cross_entropy_with_logits"
