"""Snippet fixtures: every file under ``snippets/`` fires exactly the rules its first line names.

The first line reads ``# expect: none`` or ``# expect: LM001:28 LM040`` (rule, optionally ``:line``). Files named
``*_ok.py`` must produce no finding at warning or error level.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lossmatch.audit import RULES, audit_paths, audit_source

SNIPPETS = Path(__file__).parent / "snippets"
FILES = sorted(SNIPPETS.rglob("*.py"))
_EXPECT = re.compile(r"#\s*expect:\s*(.*)")


def expectations(path: Path) -> list[tuple[str, int | None]]:
    match = _EXPECT.match(path.read_text().splitlines()[0])
    assert match, f"{path.name}: the first line must be '# expect: ...'"
    words = match.group(1).split()
    if words == ["none"]:
        return []
    out = []
    for word in words:
        rule, _, line = word.partition(":")
        assert rule in RULES, f"{path.name}: unknown rule {rule}"
        out.append((rule, int(line) if line else None))
    return out


def test_every_framework_has_fixtures():
    frameworks = {path.parent.name for path in FILES}
    assert frameworks == {"keras", "torch", "tf1"}
    for framework in frameworks:
        names = [p.name for p in FILES if p.parent.name == framework]
        assert any(n.endswith("_ok.py") for n in names) and any(not n.endswith("_ok.py") for n in names)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_snippet(path):
    expected = expectations(path)
    findings = audit_source(path.read_text(), str(path))
    if path.name.endswith("_ok.py"):
        assert expected == [], f"{path.name}: an _ok file expects none"
        loud = [(f.rule, f.line, f.message) for f in findings if f.severity != "info"]
        assert loud == []
        return
    assert expected, f"{path.name}: a file that must fire names its rules"
    got = sorted((f.rule, f.line) for f in findings)
    want_rules = sorted(rule for rule, _ in expected)
    assert sorted(rule for rule, _ in got) == want_rules, [(f.rule, f.line, f.message) for f in findings]
    for rule, line in expected:
        if line is not None:
            assert (rule, line) in got, f"{rule} expected on line {line}, got {got}"
    for finding in findings:
        assert finding.evidence and all(finding.evidence)
        assert finding.path == str(path) and finding.col >= 1
        assert finding.severity == RULES[finding.rule].severity
        assert finding.fix == RULES[finding.rule].fix


def test_whole_tree_matches_file_by_file():
    """Auditing the directory finds what auditing each file alone finds (no cross-talk between snippets)."""
    alone = sorted((str(p), f.rule, f.line) for p in FILES for f in audit_source(p.read_text(), str(p)))
    together = sorted((f.path, f.rule, f.line) for f in audit_paths([SNIPPETS]).findings)
    assert together == alone
