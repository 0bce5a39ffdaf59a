"""Audit source code without running it: parse (``ast``), interpret, judge, and map notebook lines to cells.

The audited code is never imported or executed: it is read with :func:`ast.parse` only.
"""

from __future__ import annotations

import ast
import bisect
import json
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lossmatch.audit._interp import Interpreter
from lossmatch.audit._judge import judge
from lossmatch.audit.rules import Finding, make_finding

__all__ = ["Analysis", "analyze", "audit_source", "notebook_source"]


@dataclass(frozen=True)
class Analysis:
    """One file's result: its findings, what it exports to other audited modules and what it imports."""

    findings: tuple[Finding, ...]
    exports: Mapping[str, Any] = field(default_factory=dict)
    imports: frozenset[str] = frozenset()


def audit_source(code: str | bytes, path: str | None = None) -> list[Finding]:
    """Audit one Python source (or notebook JSON when ``path`` ends with ``.ipynb``).

    Example:
        >>> code = '''
        ... import torch.nn as nn, torch.nn.functional as F
        ... class Net(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc = nn.Linear(128, 10)
        ...     def forward(self, x):
        ...         return F.softmax(self.fc(x), dim=1)
        ... criterion = nn.CrossEntropyLoss()
        ... model = Net()
        ... loss = criterion(model(x), y)
        ... '''
        >>> [f.rule for f in audit_source(code)]
        ['LM001']
    """
    return list(analyze(code, path or "<string>").findings)


def analyze(code: str | bytes, path: str, resolver: Mapping[str, Mapping[str, Any]] | None = None,
            *, want_exports: bool = False) -> Analysis:
    """Parse, interpret and judge one file. ``resolver`` maps local module names to their exports."""
    if path.endswith(".ipynb"):
        return _analyze_notebook(code, path, resolver, want_exports)
    tree = _parse(code, path)
    if isinstance(tree, Finding):
        return Analysis((tree,))
    return _run(tree, path, resolver, want_exports)


def _parse(code: str | bytes, path: str) -> ast.Module | Finding:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences in the audited code are not ours
            return ast.parse(code, filename=path)
    except SyntaxError as exc:
        hint = " (Python 2 code?)" if _looks_python2(exc) else ""
        line = exc.lineno or 1
        return make_finding("LM090", path, line, (exc.offset or 1), f"{exc.msg}{hint}", [f"line {line}: syntax error"])
    except (ValueError, UnicodeDecodeError) as exc:  # null bytes, undecodable bytes
        return make_finding("LM090", path, 1, 1, str(exc).splitlines()[0], ["the file is not Python source text"])


def _looks_python2(exc: SyntaxError) -> bool:
    text = (exc.text or "").strip()
    return text.startswith(("print ", "exec ")) or "Missing parentheses" in (exc.msg or "") or text.startswith("except ") and "," in text


def _run(tree: ast.Module, path: str, resolver: Mapping[str, Mapping[str, Any]] | None, want_exports: bool,
         line_label: Callable[[int], str] | None = None) -> Analysis:
    interp = Interpreter(path, resolver, line_label)
    interp.run(tree)
    for site in interp.sites:
        judge(interp, site)
    findings = sorted(interp.findings.values(), key=lambda f: (f.line, f.col, f.rule))
    # Exports last: reading functions for them must not add findings a single-file audit would not have.
    exports = interp.exports() if want_exports else {}
    return Analysis(tuple(findings), exports, frozenset(interp.imported_modules))


# ---------------------------------------------------------------------------------------- notebooks
def notebook_source(text: str | bytes) -> tuple[list[str], list[int]]:
    """The code cells of a notebook as sources (IPython magics and shell lines blanked, so line numbers
    hold) and their 1-based cell numbers among all cells."""
    document = json.loads(text)
    cells = document.get("cells")
    if cells is None:  # nbformat 3 keeps cells in worksheets
        cells = [c for sheet in document.get("worksheets", []) for c in sheet.get("cells", [])]
    sources, numbers = [], []
    for number, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        source = "".join(source) if isinstance(source, list) else str(source)
        if source.lstrip().startswith("%%"):
            source = ""
        lines = ["" if line.lstrip().startswith(("%", "!", "?")) or line.rstrip().endswith("?") else line
                 for line in source.split("\n")]
        sources.append("\n".join(lines))
        numbers.append(number)
    return sources, numbers


def _analyze_notebook(code: str | bytes, path: str, resolver: Mapping[str, Mapping[str, Any]] | None,
                      want_exports: bool) -> Analysis:
    try:
        sources, numbers = notebook_source(code)
    except (ValueError, AttributeError, TypeError) as exc:
        return Analysis((make_finding("LM090", path, 1, 1, f"not a notebook: {str(exc).splitlines()[0]}",
                                      ["the .ipynb file is not notebook JSON"]),))
    # Cells run in order in one namespace: audit them as one module, then map lines back to cells.
    skipped: list[Finding] = []
    body: list[ast.stmt] = []
    starts: list[tuple[int, int]] = []  # (first line in the joined module, cell number)
    line = 1
    for source, number in zip(sources, numbers):
        tree = _parse(source, path)
        if isinstance(tree, Finding):
            skipped.append(tree.with_location(cell=number))
            continue
        ast.increment_lineno(tree, line - 1)
        body.extend(tree.body)
        starts.append((line, number))
        line += source.count("\n") + 1

    def locate(absolute: int) -> tuple[int, int | None]:
        index = bisect.bisect_right([start for start, _ in starts], absolute) - 1
        if index < 0:
            return absolute, None
        start, number = starts[index]
        return absolute - start + 1, number

    def label(absolute: int) -> str:
        relative, number = locate(absolute)
        return f"cell {number}, line {relative}"

    analysis = _run(ast.Module(body=body, type_ignores=[]), path, resolver, want_exports, label)
    mapped = []
    for finding in analysis.findings:
        relative, number = locate(finding.line)
        mapped.append(finding.with_location(line=relative, cell=number))
    return Analysis(tuple(skipped + mapped), analysis.exports, analysis.imports)
