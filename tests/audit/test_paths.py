"""What the audit could not check is said, per path and in the summary; --strict makes it an exit 2."""

from __future__ import annotations

import json
import os

import pytest

from lossmatch.audit import audit_paths
from lossmatch.audit.formats import summary
from lossmatch.cli import main

SOFTMAX_BCE = ("from keras.layers import Dense\nfrom keras.models import Sequential\n"
               "model = Sequential([Dense(10, activation='softmax')])\nmodel.compile(loss='binary_crossentropy')\n")


def run(capsys, *args):
    with pytest.raises(SystemExit) as done:
        main(["audit", *map(str, args)])
    out, err = capsys.readouterr()
    return done.value.code, out, err


@pytest.fixture
def project(tmp_path):
    (tmp_path / "train.py").write_text(SOFTMAX_BCE)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "hidden.py").write_text(SOFTMAX_BCE)
    return tmp_path


def _lock(monkeypatch, folder):
    """A folder that cannot be listed, as for a user without the permission (the tests may run as root)."""
    scandir = os.scandir

    def denied(path="."):
        if os.fspath(path) == os.fspath(folder):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", denied)


def test_an_unlisted_folder_is_an_error_line_and_the_rest_is_reported(capsys, monkeypatch, project):
    _lock(monkeypatch, project / "locked")
    result = audit_paths([project])
    assert [f.rule for f in result.findings] == ["LM010"] and result.files_scanned == 1
    assert result.errors == (f"{project / 'locked'}: Permission denied (folder not listed)",)
    assert summary(result) == "1 finding (1 error) in 1 file; 1 path could not be read"
    code, out, err = run(capsys, project)
    assert code == 2 and "LM010" in out
    assert err.splitlines() == [f"lossmatch: error: cannot read {project / 'locked'}: Permission denied (folder not listed)",
                                "1 finding (1 error) in 1 file; 1 path could not be read"]


def test_an_unreadable_folder_given_alone_is_not_0_findings_exit_0(capsys, monkeypatch, project):
    _lock(monkeypatch, project / "locked")
    code, out, err = run(capsys, project / "locked", "--json")
    doc = json.loads(out)
    assert code == 2 and doc["files_scanned"] == 0 and len(doc["errors"]) == 1 and doc["empty_paths"] == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root lists any folder")
def test_a_folder_without_permission(capsys, project):
    (project / "locked").chmod(0)
    try:
        code, _, err = run(capsys, project / "locked")
    finally:
        (project / "locked").chmod(0o755)
    assert code == 2 and "Permission denied (folder not listed)" in err


def test_an_empty_folder_is_named_and_strict_exits_2(capsys, tmp_path):
    (tmp_path / "notes.txt").write_text("no code here")
    code, out, err = run(capsys, tmp_path)
    assert code == 0 and out == ""
    assert err.splitlines() == [f"lossmatch: warning: nothing to audit in {tmp_path} (no .py or .ipynb file)",
                                "0 findings in 0 files; 1 folder held no .py or .ipynb file"]
    code, out, _ = run(capsys, tmp_path, "--strict", "--json")
    assert code == 2 and json.loads(out)["empty_paths"] == [str(tmp_path)]


def test_files_that_could_not_be_parsed_are_counted_and_strict_exits_2(capsys, tmp_path):
    (tmp_path / "train.py").write_text(SOFTMAX_BCE)
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n")
    code, _, err = run(capsys, tmp_path)
    assert code == 1 and err.splitlines()[-1] == "2 findings (1 error, 1 info) in 2 files; 1 file could not be parsed"
    code, _, err = run(capsys, tmp_path, "--ignore", "LM090", "--strict")  # counted even when LM090 is not shown
    assert code == 2 and err.splitlines()[-1] == "1 finding (1 error) in 2 files; 1 file could not be parsed"
    code, _, _ = run(capsys, tmp_path / "train.py", "--strict")
    assert code == 1


@pytest.mark.parametrize("jobs", ["0", "1025", "99999999999999999999"])
def test_jobs_out_of_range_is_one_line(capsys, tmp_path, jobs):
    (tmp_path / "train.py").write_text(SOFTMAX_BCE)
    code, out, err = run(capsys, tmp_path, "--jobs", jobs)
    assert code == 2 and out == "" and err.count("\n") == 1 and ("[1, 1024]" in err or ">= 1" in err)


HELPER = "import torch.nn.functional as F\n\n\ndef task_loss(scores, target):\n    return F.cross_entropy(scores, target)\n"
CALLER = ("import torch.nn as nn\n\nfrom utils.losses import task_loss\n\n"
          "model = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1))\nloss = task_loss(model(x), y)\n")


@pytest.mark.parametrize("given", [".", "proj", "ABS"])
def test_imports_resolve_however_the_root_is_written(tmp_path, monkeypatch, given):
    """`lossmatch audit .` names its files `train.py` and `utils/losses.py`: the import of utils.losses still finds
    the audited file (it did not: the folders '' and 'utils' never met the root '.')."""
    (tmp_path / "proj" / "utils").mkdir(parents=True)
    (tmp_path / "proj" / "utils" / "losses.py").write_text(HELPER)
    (tmp_path / "proj" / "train.py").write_text(CALLER)
    monkeypatch.chdir(tmp_path / "proj" if given == "." else tmp_path)
    report = audit_paths([str(tmp_path / "proj") if given == "ABS" else given])
    assert [(f.rule, os.path.basename(f.path), f.line) for f in report.findings] == [("LM001", "train.py", 6)]


def test_an_import_resolves_from_a_folder_above_inside_the_root(tmp_path):
    (tmp_path / "proj" / "sub").mkdir(parents=True)
    (tmp_path / "proj" / "sub" / "train.py").write_text(CALLER.replace("from utils.losses", "from losses"))
    (tmp_path / "proj" / "losses.py").write_text(HELPER)
    report = audit_paths([str(tmp_path / "proj")])
    assert [f.rule for f in report.findings] == ["LM001"]  # found from the folder above, inside the root
