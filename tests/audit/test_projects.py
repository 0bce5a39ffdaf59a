"""Multi-file fixture projects: each folder under ``projects/`` is audited as one tree (``audit_paths``).

``expect.json``: ``{"pattern": N, "description": ..., "findings": [{"rule", "file", "line", "cell"?, "severity"?,
"evidence_contains"?}]}``. ``file`` is relative to the project folder; ``cell`` is the 1-based notebook cell
(markdown included) and ``line`` is then relative to that cell. ``evidence_contains`` entries (``models.py:12``)
must each appear in some evidence item once the project folder prefix is stripped from it, not as the tail of
a longer path. Every listed finding must be reported, and nothing else at warning or error level (info findings
are checked only where listed, with ``"severity": "info"``). Folders ``p<N>_<name>_ok`` are the correct twins of
``p<N>_<name>`` and list no warning or error finding.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from lossmatch.audit import RULES, audit_paths

PROJECTS = Path(__file__).parent / "projects"
FOLDERS = sorted(p for p in PROJECTS.iterdir() if p.is_dir()) if PROJECTS.is_dir() else []
PATTERNS = (1, 2, 3, 4, 5, 6, 8)  # each needs >= 3 buggy projects and >= 3 twins
_LOUD = ("error", "warning")
_KEYS = {"rule", "file", "line", "cell", "severity", "evidence_contains"}


def manifest(folder: Path) -> dict:
    return json.loads((folder / "expect.json").read_text())


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def _line_count(path: Path, cell: int | None) -> int:
    if cell is None:
        return len(path.read_text().splitlines())
    source = _cells(path)[cell - 1]["source"]
    return len(("".join(source) if isinstance(source, list) else source).splitlines())


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_manifest_is_valid(folder):
    data = manifest(folder)
    assert set(data) == {"pattern", "description", "findings"}
    assert isinstance(data["pattern"], int) and folder.name.startswith(f"p{data['pattern']}_")
    assert isinstance(data["description"], str) and data["description"].strip()
    sources = [p for p in folder.rglob("*") if p.suffix in (".py", ".ipynb")]
    assert len(sources) >= 2, "a project has several files"
    for item in data["findings"]:
        assert set(item) <= _KEYS and {"rule", "file", "line"} <= set(item), item
        assert item["rule"] in RULES, item
        assert item.get("severity", RULES[item["rule"]].severity) == RULES[item["rule"]].severity or (
            item["severity"] == "warning" and RULES[item["rule"]].severity == "error"), item
        path = folder / item["file"]
        assert path.is_file(), item
        cell = item.get("cell")
        assert (cell is not None) == path.name.endswith(".ipynb"), "notebook findings name a cell"
        if cell is not None:
            cells = _cells(path)
            assert 1 <= cell <= len(cells) and cells[cell - 1]["cell_type"] == "code", item
        assert 1 <= item["line"] <= _line_count(path, cell), item
        for text in item.get("evidence_contains", []):
            name, _, line = text.rpartition(":")
            assert (folder / name).is_file() and line.isdigit(), text
            assert 1 <= int(line) <= _line_count(folder / name, None), text
    loud = [item for item in data["findings"] if item.get("severity", RULES[item["rule"]].severity) in _LOUD]
    assert (loud == []) == folder.name.endswith("_ok"), "twins expect no warning/error, buggy projects some"


def _relative(folder: Path, text: str) -> str:
    return text.replace(str(folder) + os.sep, "")


def _names(evidence: list[str], wanted: str) -> bool:
    pattern = re.compile(r"(?<![\w./-])" + re.escape(wanted) + r"(?!\d)")
    return any(pattern.search(item) for item in evidence)


def _matches(item: dict, got: dict) -> bool:
    if (got["rule"], got["file"], got["line"]) != (item["rule"], item["file"], item["line"]):
        return False
    if "cell" in item and got["cell"] != item["cell"]:
        return False
    if "severity" in item and got["severity"] != item["severity"]:
        return False
    return all(_names(got["evidence"], text) for text in item.get("evidence_contains", []))


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_project(folder):
    expected = manifest(folder)["findings"]
    result = audit_paths([str(folder)])
    got = [{"rule": f.rule, "file": Path(os.path.relpath(f.path, folder)).as_posix(), "line": f.line,
            "cell": f.cell, "severity": f.severity, "evidence": [_relative(folder, e) for e in f.evidence]}
           for f in result.findings]
    missing = [item for item in expected if not any(_matches(item, g) for g in got)]
    extra = [g for g in got if g["severity"] in _LOUD and not any(_matches(item, g) for item in expected)]
    assert not missing and not extra, {"missing": missing, "unexpected": extra}


def test_every_pattern_has_buggy_projects_and_twins():
    names = {folder.name for folder in FOLDERS}
    for folder in FOLDERS:
        if not folder.name.endswith("_ok"):
            assert folder.name + "_ok" in names, f"{folder.name} has no correct twin"
    for pattern in PATTERNS:
        mine = [name for name in names if name.startswith(f"p{pattern}_")]
        assert sum(not n.endswith("_ok") for n in mine) >= 3, pattern
        assert sum(n.endswith("_ok") for n in mine) >= 3, pattern


def test_loss_chosen_by_branches_names_the_option_the_activation_meets():
    """A sigmoid model among candidates, the loss picked by the class count: LM002's evidence is
    BCEWithLogitsLoss (the option that applies sigmoid), not the CrossEntropyLoss branch listed first."""
    folder = PROJECTS / "p3_loss_choice_candidates"
    (finding,) = [f for f in audit_paths([str(folder)]).findings if f.rule == "LM002"]
    loss = next(item for item in finding.evidence if item.startswith("loss:"))
    assert "nn.BCEWithLogitsLoss" in loss and "line 12" in loss, loss
    assert "BCEWithLogitsLoss applies sigmoid itself" in finding.message
