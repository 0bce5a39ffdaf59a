"""`lossmatch audit` end to end: exit codes (0 clean, 1 findings, 2 usage error), text lines, JSON, SARIF 2.1.0,
--select/--ignore, --list-rules and --jobs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lossmatch.audit import RULES
from lossmatch.cli import build_app, main

SNIPPETS = Path(__file__).parent / "snippets"
TEXT_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<rule>LM\d{3}) (?P<message>.+)$")
FINDING_KEYS = {"rule", "severity", "path", "line", "col", "message", "fix", "evidence"}


def run(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        main(["audit", *map(str, args)])
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


@pytest.fixture
def buggy(tmp_path):
    """Two files with three findings (two errors, one warning) and one clean file."""
    (tmp_path / "mnist_mlp.py").write_text(
        (SNIPPETS / "keras" / "mnist_softmax_bce.py").read_text())  # LM010 + LM020 on line 38
    (tmp_path / "sparse.py").write_text((SNIPPETS / "keras" / "sparse_with_onehot.py").read_text())  # LM030, line 17
    (tmp_path / "clean.py").write_text((SNIPPETS / "keras" / "mnist_softmax_cce_ok.py").read_text())
    return tmp_path


@pytest.fixture
def clean(tmp_path):
    for name in ("mnist_softmax_cce_ok.py", "multilabel_sigmoid_bce_ok.py", "sparse_with_index_ok.py"):
        shutil.copy(SNIPPETS / "keras" / name, tmp_path / name)
    return tmp_path


# ---------------------------------------------------------------------------------------- exit codes
def test_clean_exits_0(capsys, clean):
    code, out, err = run(capsys, clean)
    assert code == 0
    assert out == ""
    assert err == "0 findings in 3 files\n"


def test_findings_exit_1(capsys, buggy):
    code, out, err = run(capsys, buggy)
    assert code == 1
    assert err == "3 findings (2 errors, 1 warning) in 3 files\n"
    assert out.endswith("\n") and not out.endswith("\n\n")
    lines = out.splitlines()
    assert len(lines) == 3
    parsed = [TEXT_LINE.match(line) for line in lines]
    assert all(parsed), lines
    assert [(Path(m["path"]).name, int(m["line"]), m["rule"]) for m in parsed] == [
        ("mnist_mlp.py", 38, "LM010"), ("mnist_mlp.py", 38, "LM020"), ("sparse.py", 17, "LM030")]
    assert parsed[0]["message"].startswith(RULES["LM010"].title)
    assert all(int(m["col"]) >= 1 for m in parsed)


def test_only_info_findings_exit_0(capsys, tmp_path):
    shutil.copy(SNIPPETS / "torch" / "log_softmax_ce_info.py", tmp_path)
    (tmp_path / "legacy.py").write_text('print "python 2"\n')
    code, out, err = run(capsys, tmp_path)
    assert code == 0
    assert [TEXT_LINE.match(line)["rule"] for line in out.splitlines()] == ["LM091", "LM050"]
    assert err == "2 findings (2 info) in 2 files\n"


def test_exit_zero(capsys, buggy):
    code, out, _ = run(capsys, buggy, "--exit-zero")
    assert code == 0 and len(out.splitlines()) == 3


@pytest.mark.parametrize("args", [
    (),
    ("does/not/exist.py",),
    ("{buggy}", "--select", "LM999"),
    ("{buggy}", "--ignore", "XY1"),
    ("{buggy}", "--format", "yaml"),
    ("{buggy}", "--jobs", "0"),
    ("{buggy}", "--no-such-option"),
], ids=["no-path", "missing-path", "bad-select", "bad-ignore", "bad-format", "bad-jobs", "bad-option"])
def test_usage_errors_exit_2(capsys, buggy, args):
    code, out, err = run(capsys, *(a.format(buggy=buggy) for a in args))
    assert code == 2
    assert out == ""
    assert err.strip()


def test_unreadable_file_exits_2_and_the_rest_is_reported(capsys, buggy):
    (buggy / "dangling.py").symlink_to(buggy / "gone.py")
    code, out, err = run(capsys, buggy)
    assert code == 2
    assert rules_in(out) == ["LM010", "LM020", "LM030"]
    assert err.splitlines()[0].startswith(f"lossmatch: error: cannot read {buggy / 'dangling.py'}")
    code, out, _ = run(capsys, buggy, "--json")
    doc = json.loads(out)
    assert code == 2 and len(doc["errors"]) == 1 and "dangling.py" in doc["errors"][0]
    code, out, _ = run(capsys, buggy, "--format", "sarif")
    invocation = json.loads(out)["runs"][0]["invocations"][0]
    assert code == 2 and invocation["executionSuccessful"] is False
    assert "dangling.py" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_missing_path_message(capsys, tmp_path):
    code, _, err = run(capsys, tmp_path / "nope.py")
    assert code == 2 and "nope.py" in err and err.endswith("\n")


def test_show_evidence(capsys, buggy):
    code, out, _ = run(capsys, buggy / "sparse.py", "--show-evidence")
    lines = out.splitlines()
    assert code == 1 and TEXT_LINE.match(lines[0])["rule"] == "LM030"
    assert any(line.startswith("    evidence: labels: ") and "to_categorical" in line for line in lines)
    assert lines[-1] == f"    fix: {RULES['LM030'].fix}" and out.endswith("\n")


# ---------------------------------------------------------------------------------------- JSON and SARIF
def test_json_document(capsys, buggy):
    code, out, err = run(capsys, buggy, "--format", "json")
    assert code == 1 and err.endswith("\n")
    doc = json.loads(out)
    assert list(doc)[0] == "schema_version" and doc["schema_version"] == 1
    assert set(doc) == {"schema_version", "files_scanned", "findings", "errors", "files_unparsed", "empty_paths"}
    assert doc["files_scanned"] == 3 and doc["errors"] == [] and doc["files_unparsed"] == 0 and doc["empty_paths"] == []
    assert [(Path(f["path"]).name, f["rule"], f["line"]) for f in doc["findings"]] == [
        ("mnist_mlp.py", "LM010", 38), ("mnist_mlp.py", "LM020", 38), ("sparse.py", "LM030", 17)]
    for finding in doc["findings"]:
        assert set(finding) == FINDING_KEYS
        assert finding["severity"] == RULES[finding["rule"]].severity
        assert finding["fix"] == RULES[finding["rule"]].fix
        assert isinstance(finding["evidence"], list) and finding["evidence"]
        assert isinstance(finding["line"], int) and isinstance(finding["col"], int)
    assert run(capsys, buggy, "--json")[1] == out


def test_json_notebook_cell(capsys, tmp_path):
    source = (SNIPPETS / "keras" / "softmax_from_logits_true.py").read_text()
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
              "source": source.splitlines(keepends=True)}]
    (tmp_path / "nb.ipynb").write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}))
    code, out, _ = run(capsys, tmp_path, "--json")
    finding = json.loads(out)["findings"][0]
    assert code == 1 and (finding["rule"], finding["cell"], finding["line"]) == ("LM001", 1, 15)
    code, out, _ = run(capsys, tmp_path)
    assert out.startswith(f"{tmp_path / 'nb.ipynb'}:cell 1:15:")


def test_sarif_log(capsys, buggy):
    code, out, _ = run(capsys, buggy, "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    assert len(log["runs"]) == 1
    run_ = log["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "lossmatch"
    assert [rule["id"] for rule in driver["rules"]] == list(RULES)
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    results = run_["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("LM010", "error"), ("LM020", "warning"), ("LM030", "error")]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].endswith((".py",))
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results] == [38, 38, 17]
    assert run_["invocations"][0]["executionSuccessful"] is True


def test_sarif_info_is_note(capsys, tmp_path):
    shutil.copy(SNIPPETS / "torch" / "log_softmax_ce_info.py", tmp_path)
    code, out, _ = run(capsys, tmp_path, "--format", "sarif")
    assert code == 0
    assert [r["level"] for r in json.loads(out)["runs"][0]["results"]] == ["note"]


# ---------------------------------------------------------------------------------------- rule selection
def rules_in(out: str) -> list[str]:
    return [TEXT_LINE.match(line)["rule"] for line in out.splitlines()]


def test_select_and_ignore(capsys, buggy):
    assert rules_in(run(capsys, buggy, "--select", "LM010")[1]) == ["LM010"]
    assert rules_in(run(capsys, buggy, "--select", "LM01,LM03")[1]) == ["LM010", "LM030"]
    assert rules_in(run(capsys, buggy, "--select", "lm02", "--select", "LM030")[1]) == ["LM020", "LM030"]
    assert rules_in(run(capsys, buggy, "--ignore", "LM020")[1]) == ["LM010", "LM030"]
    assert rules_in(run(capsys, buggy, "--select", "LM0", "--ignore", "LM01")[1]) == ["LM020", "LM030"]
    code, out, err = run(capsys, buggy, "--select", "LM001")
    assert (code, out, err) == (0, "", "0 findings in 3 files\n")


def test_list_rules(capsys):
    code, out, _ = run(capsys, "--list-rules")
    lines = out.splitlines()
    assert code == 0 and len(lines) == len(RULES)
    for line, rule in zip(lines, RULES.values()):
        assert line.split()[:2] == [rule.id, rule.severity] and line.endswith(rule.title)
    code, out, _ = run(capsys, "--list-rules", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["schema_version"] == 1
    assert doc["rules"] == [rule.to_dict() for rule in RULES.values()]


# ---------------------------------------------------------------------------------------- jobs
def test_jobs_2_matches_jobs_1(capsys, tmp_path):
    for i in range(4):  # > 128 files, so that the work is really split across processes
        shutil.copytree(SNIPPETS, tmp_path / f"copy{i}")
    code1, out1, err1 = run(capsys, tmp_path, "--json", "--jobs", "1")
    code2, out2, err2 = run(capsys, tmp_path, "--json", "-j", "2")
    assert json.loads(out1)["files_scanned"] > 128
    assert (code1, out1, err1) == (code2, out2, err2)


# ---------------------------------------------------------------------------------------- entry points
def test_clirunner(buggy):
    result = CliRunner().invoke(build_app(), ["audit", str(buggy / "sparse.py"), "--json"])
    assert result.exit_code == 1
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["LM030"]


def test_python_dash_m(buggy):
    done = subprocess.run([sys.executable, "-m", "lossmatch", "audit", str(buggy)], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stdout.count("\n") == 3 and done.stdout.endswith("\n")
    assert done.stderr == "3 findings (2 errors, 1 warning) in 3 files\n"


def test_pre_commit_hook_definition():
    text = (Path(__file__).parents[2] / ".pre-commit-hooks.yaml").read_text()
    fields = dict(line.lstrip("- ").split(": ", 1) for line in text.splitlines() if ": " in line)
    assert fields["id"] == "lossmatch-audit"
    assert fields["entry"] == "lossmatch audit"
    assert fields["language"] == "python"
    assert fields["types_or"] == "[python, jupyter]"


def test_audit_never_imports_torch(tmp_path):
    """A pre-commit hook runs on every commit: `lossmatch audit` must not pay for importing torch."""
    import subprocess
    import sys as _sys

    (tmp_path / "train.py").write_text("import torch\ncriterion = torch.nn.CrossEntropyLoss()\n")
    code = ("import sys\nfrom lossmatch.cli import build_app\nfrom typer.testing import CliRunner\n"
            f"CliRunner().invoke(build_app(), ['audit', {str(tmp_path)!r}])\n"
            "print('torch' in sys.modules)")
    done = subprocess.run([_sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
