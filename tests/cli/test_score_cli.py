"""lossmatch score on the command line: file formats, JSON and text, the plot, exit 2 with one line."""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys

import numpy as np
import pytest

from lossmatch.cli import main


def _run(capsys, *args):
    with pytest.raises(SystemExit) as done:
        main(["score", *map(str, args)])
    out, err = capsys.readouterr()
    return done.value.code, out, err


@pytest.fixture()
def files(tmp_path):
    rng = np.random.default_rng(0)
    z = rng.normal(size=(400, 5)) * 1.5
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    y = (p.cumsum(axis=1) > rng.random((400, 1))).argmax(axis=1)
    np.save(tmp_path / "logits.npy", 3 * z)
    np.save(tmp_path / "y.npy", y)
    np.savez(tmp_path / "preds.npz", probs=p)
    header = ",".join(f"p{i}" for i in range(5))
    np.savetxt(tmp_path / "probs.csv", p, delimiter=",", header=header, comments="")
    names = np.array(["ant", "bee", "cat", "dog", "eel"])
    (tmp_path / "names.txt").write_text("\n".join(names[y]) + "\n")
    return tmp_path, y, z


def test_json_document(capsys, files):
    path, y, _ = files
    code, out, err = _run(capsys, path / "logits.npy", path / "y.npy", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert list(doc)[0] == "schema_version" and doc["schema_version"] == 1
    assert {"input_kind", "task", "n_samples", "n_classes", "metrics", "calibration", "warnings"} <= set(doc)
    assert set(doc["calibration"]) == {"ece", "ece_after_temperature", "temperature", "nll", "nll_after_temperature", "brier",
                                       "brier_after_temperature"}
    assert doc["temperature_fit"]["in_sample"] is True and "in-sample" in doc["temperature_fit"]["note"]
    assert doc["task"] == "multiclass" and doc["n_samples"] == 400 and doc["n_classes"] == 5
    assert doc["input_kind"] == "logits" and doc["calibration"]["temperature"] == pytest.approx(3.0, rel=0.25)
    predicted = np.load(path / "logits.npy").argmax(axis=1)
    assert doc["metrics"]["top1_accuracy"] == pytest.approx(float((predicted == y).mean()))
    assert "binary_accuracy" in doc["metrics"] and doc["warnings"]


def test_csv_npz_and_string_labels_agree(capsys, files):
    path, _, _ = files
    docs = []
    for preds, labels, extra in ((path / "probs.csv", path / "y.npy", []),
                                 (path / "preds.npz", path / "names.txt", []),
                                 (path / "preds.npz", path / "y.npy", ["--pred-column", "probs", "--input-kind", "probs"])):
        code, out, err = _run(capsys, preds, labels, "--json", *extra)
        assert code == 0, err
        docs.append(json.loads(out))
    assert docs[0]["input_kind"] == "probs"
    for doc in docs[1:]:
        assert doc["metrics"]["top1_accuracy"] == docs[0]["metrics"]["top1_accuracy"]
        assert doc["calibration"]["ece"] == pytest.approx(docs[0]["calibration"]["ece"], abs=1e-6)


def test_text_output_warnings_on_stderr_and_plot(capsys, files):
    path, _, _ = files
    code, out, err = _run(capsys, path / "logits.npy", path / "y.npy", "--plot", path / "fig" / "rel.png")
    assert code == 0
    assert "top1_accuracy" in out and "after temperature T =" in out
    assert "binary accuracy vs" in err and "counts correct zeros" in err
    png = (path / "fig" / "rel.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    assert [p.name for p in (path / "fig").iterdir()] == ["rel.png"]


def test_multilabel_softmax_warning_in_json(capsys, tmp_path):
    rng = np.random.default_rng(1)
    y = (rng.random((300, 4)) < 0.5).astype(np.int64)
    z = rng.normal(size=(300, 4)) + 2 * y
    np.save(tmp_path / "p.npy", np.exp(z) / np.exp(z).sum(axis=1, keepdims=True))
    np.savetxt(tmp_path / "y.csv", y, fmt="%d", delimiter=",", header="a,b,c,d", comments="")
    code, out, _ = _run(capsys, tmp_path / "p.npy", tmp_path / "y.csv", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["task"] == "multilabel" and doc["n_classes"] == 4
    assert any("softmax" in w for w in doc["warnings"])


def _bad_files(tmp_path):
    rng = np.random.default_rng(2)
    np.save(tmp_path / "p.npy", rng.random((10, 3)))
    np.save(tmp_path / "y.npy", rng.integers(0, 3, 10))
    np.save(tmp_path / "y8.npy", rng.integers(0, 3, 8))
    np.save(tmp_path / "p4.npy", rng.random((10, 4)))
    np.save(tmp_path / "nan.npy", np.full((10, 3), np.nan))
    np.save(tmp_path / "big.npy", rng.random((10, 3)) + 1.5)
    np.save(tmp_path / "pickled.npy", np.array([{"x": 1}] * 10, dtype=object), allow_pickle=True)
    np.save(tmp_path / "soft.npy", rng.random(10))
    np.save(tmp_path / "yml.npy", (rng.random((10, 3)) < 0.5).astype(int))
    (tmp_path / "empty.csv").write_text("")
    np.savez(tmp_path / "whole.npz", y=rng.integers(0, 3, 10))
    whole = (tmp_path / "whole.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(whole[: len(whole) // 2])
    np.save(tmp_path / "huge_label.npy", np.array([0, 1, 2, 1, 0, 2, 1, 0, 2, 10**12]))


@pytest.mark.parametrize("args, words", [
    (["p.npy", "y8.npy"], "one row per target row"),
    (["p4.npy", "yml.npy"], "one column per label"),
    (["nan.npy", "y.npy"], "finite"),
    (["big.npy", "y.npy", "--input-kind", "probs"], "probabilities in [0, 1]"),
    (["empty.csv", "y.npy"], "`predictions` to be a non-empty file"),
    (["p.npy", "empty.csv"], "`labels` to be a non-empty file"),
    (["pickled.npy", "y.npy"], "no pickles"),
    (["p.npy", "soft.npy"], "hard labels"),
    (["p.npy", "missing.npy"], "existing file"),
    (["p.npy", "y.npy", "--task", "regression"], "regression"),
    (["p.npy", "cut.npz"], "`labels` to be a valid NPZ archive"),
    (["cut.npz", "y.npy"], "`predictions` to be a valid NPZ archive"),
    (["p.npy", "huge_label.npy"], "class indices in [0, 2]"),
    (["p.npy", "y.npy", "--threshold", "nan"], "`threshold` to be a probability in (0, 1), but got nan"),
    (["p.npy", "y.npy", "--threshold", "7"], "`threshold` to be a probability in (0, 1)"),
])
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, args, words):
    _bad_files(tmp_path)
    code, out, err = _run(capsys, *[tmp_path / a if a.endswith((".npy", ".npz", ".csv")) else a for a in args])
    assert code == 2 and out == ""
    assert words in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and "Usage" not in err


def test_a_file_name_matplotlib_would_read_as_math_still_plots(capsys, files):
    path, _, _ = files
    (path / "$\\frac{$.npy").write_bytes((path / "logits.npy").read_bytes())
    code, _, err = _run(capsys, path / "$\\frac{$.npy", path / "y.npy", "--plot", path / "r.png")
    assert code == 0, err
    assert (path / "r.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unwritable_plot_is_found_before_the_inputs_are_read(capsys, tmp_path):
    (tmp_path / "file").write_text("x")
    code, out, err = _run(capsys, tmp_path / "missing.npy", tmp_path / "missing.npy", "--plot", tmp_path / "file" / "r.png")
    assert code == 2 and out == ""
    assert err == f"lossmatch: error: Expected `--plot` to be a writable file, but got '{tmp_path}/file/r.png', under the file '{tmp_path}/file'.\n"


def test_entry_point_in_a_subprocess(tmp_path):
    _bad_files(tmp_path)
    env = {**os.environ, "LOSSMATCH_DEBUG": "0"}
    done = subprocess.run([sys.executable, "-m", "lossmatch", "score", "nan.npy", "y.npy"], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2 and done.stderr.startswith("lossmatch: error: Expected `scores` to be finite")


def test_fit_fraction_fits_on_a_seeded_split_and_scores_the_rest(capsys, files):
    path, _, _ = files
    code, out, err = _run(capsys, path / "logits.npy", path / "y.npy", "--fit-fraction", "0.25", "--fit-seed", "3")
    assert code == 0, err
    assert "temperature fitted on 100 rows (fit_fraction 0.25, seed 3); calibration before and after it scored on the other 300 rows" in out
    assert re.search(r"brier  \d\.\d{4} -> \d\.\d{4}", out)
    code, out, err = _run(capsys, path / "logits.npy", path / "y.npy")
    assert "temperature fitted on the same 400 rows it is scored on (in-sample" in out


@pytest.mark.parametrize("value", ["0", "1", "1.5", "-0.2"])
def test_fit_fraction_out_of_range_is_one_line(capsys, files, value):
    path, _, _ = files
    code, out, err = _run(capsys, path / "logits.npy", path / "y.npy", "--fit-fraction", value)
    assert code == 2 and "fit_fraction" in err and len(err.strip().splitlines()) == 1


_RNG = np.random.default_rng(7)
_REFUSED = {  # labels both the Python score and the CLI refuse, with the rule their one line states
    "soft_rows": (_RNG.dirichlet([1, 1, 1], size=30), (30, 3), "to be hard labels (class indices, one-hot or multi-hot), but got fractional values"),
    "soft_column": (_RNG.random(30), (30,), "to be hard labels (class indices, one-hot or multi-hot), but got fractional values"),
    "nan": (np.r_[np.arange(29) % 3, np.nan].astype(float), (30, 3), "to be finite, but got 1 NaN/inf values"),
    "multi_output": (np.tile([[0, 2], [1, 0]], (15, 1)), (30, 2), "to be a 0/1 matrix when it has several columns"),
    "negative": (np.r_[np.arange(29) % 3, -2], (30, 3), "to hold class indices >= 0, but got minimum -2"),
}


@pytest.mark.parametrize("case", sorted(_REFUSED))
def test_python_score_and_the_cli_refuse_the_same_labels_in_one_line(capsys, tmp_path, case):
    from lossmatch.errors import DataError
    from lossmatch.metrics import score

    labels, score_shape, rule = _REFUSED[case]
    scores = np.random.default_rng(0).normal(size=score_shape)
    with pytest.raises(DataError) as refused:
        score(labels, scores)
    assert str(refused.value).startswith(f"Expected `target` {rule}") and "\n" not in str(refused.value)
    np.save(tmp_path / "y.npy", labels)
    np.save(tmp_path / "s.npy", scores)
    code, out, err = _run(capsys, tmp_path / "s.npy", tmp_path / "y.npy")
    assert code == 2 and out == "" and err.startswith(f"lossmatch: error: Expected `labels` {rule}")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("labels", [
    np.tile([0.0, 1.0, 1.0], 10),                  # a float 0.0/1.0 column
    np.tile([0, 1, 1], 10)[:, None],               # an (n, 1) column
    np.tile([-1, 1, 1], 10),                       # {-1, 1}
    np.eye(2)[np.tile([0, 1, 1], 10)],             # one-hot floats
])
def test_python_score_and_the_cli_accept_the_same_labels_and_agree(capsys, tmp_path, labels):
    from lossmatch.metrics import score

    scores = np.random.default_rng(1).normal(size=30) + np.tile([0.0, 1.0, 1.0], 10)
    if labels.ndim == 2 and labels.shape[1] == 2:
        scores = np.column_stack([-scores, scores]) / 2
    report = score(labels, scores)
    np.save(tmp_path / "y.npy", labels)
    np.save(tmp_path / "s.npy", scores)
    code, out, err = _run(capsys, tmp_path / "s.npy", tmp_path / "y.npy", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["task"] == report.task == "binary"
    assert doc["metrics"] == pytest.approx(report.to_dict()["metrics"])
