"""lossmatch compare on the command line: exit codes, JSON on stdout, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

FAST = ["--seeds", "2", "--epochs", "2", "--hidden", "8"]


def _run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "lossmatch", "compare", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_json_summary_and_files(tmp_path):
    done = _run("breast_cancer", *FAST, "--early-stopping", "1", "--validation-split", "0.2", "--out", str(tmp_path / "r"),
                "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert list(document)[0] == "schema_version" and document["verdicts"] and document["summary"]
    results = json.loads((tmp_path / "r" / "results.json").read_text())
    assert results["config"]["patience"] == 1 and results["config"]["validation_split"] == 0.2
    assert all(1 <= run["extra"]["epochs_run"] <= 2 for run in results["runs"])
    assert (tmp_path / "r" / "report.html").exists() and (tmp_path / "r" / "results.json").exists()


def test_text_table_and_no_report(tmp_path):
    done = _run("emotions", *FAST, "--pairings", "sigmoid+bce,softmax+cce", "--out", str(tmp_path / "r"), "--no-report")
    assert done.returncode == 0, done.stderr
    assert "emotions (multilabel" in done.stdout and "softmax+cce" in done.stdout
    assert not (tmp_path / "r" / "report.html").exists()


@pytest.mark.parametrize("args, words", [
    (["mnist"], "bundled name"),
    (["breast_cancer", "--pairings", "softmax+mse"], "pairing name"),
    (["breast_cancer", "--seeds", "1"], "two seeds"),
    (["breast_cancer", "--hidden", "a,b"], "--hidden"),
    (["breast_cancer", "--early-stopping", "-1"], "patience"),
    (["breast_cancer", "--validation-split", "1.5"], "validation_split"),
    (["missing.csv"], "no such file"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, args, words):
    done = _run(*args, "--epochs", "1", "--out", str(tmp_path / "r"), cwd=tmp_path)
    assert done.returncode == 2
    assert words in done.stderr and "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r").exists()
