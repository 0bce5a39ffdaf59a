"""Audit source code without running it: parse (``ast``), interpret, judge, and map notebook lines to cells.

The audited code is never imported or executed: it is read with :func:`ast.parse` only.
"""

from __future__ import annotations

import ast
import bisect
import json
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from lossmatch.audit import _py2
from lossmatch.audit._interp import Interpreter
from lossmatch.audit._judge import judge
from lossmatch.audit._project import Summary, resolve, summarize
from lossmatch.audit.rules import RULES, Finding, make_finding

__all__ = ["Analysis", "analyze", "audit_source", "notebook_source"]


@dataclass(frozen=True)
class Analysis:
    """One file's result: its findings, what it exports to other audited modules and what it imports, and
    the summary the project pass reads (:class:`lossmatch.audit._project.Summary`)."""

    findings: tuple[Finding, ...]
    exports: Mapping[str, Any] = field(default_factory=dict)
    imports: frozenset[str] = frozenset()
    summary: Summary | None = None


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
    name = path or "<string>"
    analysis = analyze(code, name)
    return sorted(analysis.findings + tuple(resolve({name: analysis}).get(name, ())), key=_order)


def _order(finding: Finding) -> tuple[Any, ...]:
    return (finding.cell or 0, finding.line, finding.col, finding.rule)


def analyze(code: str | bytes, path: str, resolver: Mapping[str, Mapping[str, Any]] | None = None,
            *, want_exports: bool = False) -> Analysis:
    """Parse, interpret and judge one file. ``resolver`` maps local module names to their exports."""
    if path.endswith(".ipynb"):
        return _analyze_notebook(code, path, resolver, want_exports)
    tree, notes = _parse(code, path)
    if tree is None:
        return Analysis(notes)
    analysis = _run(tree, path, resolver, want_exports)
    return replace(analysis, findings=notes + analysis.findings) if notes else analysis


def _parse(code: str | bytes, path: str) -> tuple[ast.Module | None, tuple[Finding, ...]]:
    """The tree (``None`` when the file is skipped) and the findings about reading it: LM090 when it is
    skipped, LM091 when it parsed only after the Python 2 rewrite (whose tree keeps the original lines)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences in the audited code are not ours
            return ast.parse(code, filename=path), ()
    except SyntaxError as exc:  # TabError and IndentationError too; only now is the Python 2 rewrite tried
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            recovered = _py2.parse(code, path)
        if recovered is not None:
            tree, rewrite = recovered
            detail, evidence = rewrite.summary()
            return tree, (make_finding("LM091", path, 1, 1, detail, evidence),)
        skipped = _skipping_lines(code, path, exc)
        if skipped is not None:
            return skipped
        hint = " (Python 2 code?)" if _looks_python2(exc) else ""
        line = exc.lineno or 1
        return None, (make_finding("LM090", path, line, (exc.offset or 1), f"{exc.msg}{hint}",
                                   [f"line {line}: syntax error"]),)
    except (RecursionError, MemoryError):  # a generated expression nested beyond the parser's limits
        return None, (make_finding("LM090", path, 1, 1, "it is nested too deeply to parse",
                                   ["the parser's recursion limit was reached"]),)
    except (ValueError, UnicodeDecodeError) as exc:  # null bytes, undecodable bytes
        return None, (make_finding("LM090", path, 1, 1, str(exc).splitlines()[0],
                                   ["the file is not Python source text"]),)


_MAX_SKIPPED = 3  # lines, and at most one in 20


def _skipping_lines(code: str | bytes, path: str, error: SyntaxError) -> tuple[ast.Module, tuple[Finding, ...]] | None:
    """The tree of the file with the few lines Python rejects blanked (line numbers kept), with LM093 naming
    them (and LM091 when the rest needed the Python 2 rewrite); ``None`` when more lines would have to go."""
    text = _py2._decode(code)
    if text is None:
        return None
    lines = text.split("\n")
    budget = min(_MAX_SKIPPED, sum(1 for line in lines if line.strip()) // 20)  # a few lines of a real file
    skipped: list[tuple[int, str]] = []
    while True:
        line = error.lineno or 0
        if len(skipped) >= budget or not 0 < line <= len(lines) or not lines[line - 1].strip():
            return None
        skipped.append((line, error.msg))
        lines[line - 1] = ""
        source = "\n".join(lines)
        notes: tuple[Finding, ...] = ()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                tree = ast.parse(source, filename=path)
            except SyntaxError as exc:
                recovered = _py2.parse(source, path)
                if recovered is None:
                    error = exc
                    continue
                tree, rewrite = recovered
                detail, evidence = rewrite.summary()
                notes = (make_finding("LM091", path, 1, 1, detail, evidence),)
        evidence = [f"line {n}: {msg}" for n, msg in skipped]
        return tree, (make_finding("LM093", path, skipped[0][0], 1, f"{len(skipped)} line(s) skipped", evidence),
                      *notes)


def _looks_python2(exc: SyntaxError) -> bool:
    text = (exc.text or "").strip()
    return text.startswith(("print ", "exec ")) or "Missing parentheses" in (exc.msg or "") or text.startswith("except ") and "," in text


def _run(tree: ast.Module, path: str, resolver: Mapping[str, Mapping[str, Any]] | None, want_exports: bool,
         cells: CellMap | None = None) -> Analysis:
    interp = Interpreter(path, resolver, cells.label if cells else None)
    interp.run(tree)
    interp.flush_sized()
    open_sites = []
    for site in interp.sites:
        if site.open_pred is None and site.open_loss is None:
            if site.pred is not None and site.pred.units_from is not None:
                given = interp.sizes(site.pred.units_from)  # the size a parameter's default gave, or the calls'
                if given and given != {site.pred.units}:
                    site.pred = replace(site.pred, units=given.pop() if len(given) == 1 else None)
                elif not given and site.pred.units is None:
                    # sized by a parameter no call here gives (`Net(input_size, hidden, num_classes)` in another
                    # file): judged once, by the project pass, with the sizes the project's calls give
                    open_sites.append(site)
                    continue
            interp.judging = site
            judge(interp, site)
            interp.judging = None
            if site.pred is not None and site.pred.units is None and site.pred.units_from is not None:
                open_sites.append(site)  # judged again once calls say how many units the parameter gives
        else:
            open_sites.append(site)
    if interp.too_deep:
        line = min(interp.too_deep)
        interp.report("LM092", ast.Pass(lineno=line, col_offset=0), f"{len(set(interp.too_deep))} statement(s) skipped",
                      [f"{interp.line_label(n)}: nested too deeply" for n in sorted(set(interp.too_deep))[:3]])
    findings = sorted(interp.findings.values(), key=lambda f: (f.line, f.col, f.rule))
    summary = summarize(interp, open_sites, cells)
    # Exports last: reading functions for them must not add findings a single-file audit would not have.
    exports = interp.exports() if want_exports else {}
    return Analysis(tuple(findings), exports, frozenset(interp.imported_modules), summary)


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
        sources.append(_blank_magics(source))
        numbers.append(number)
    return sources, numbers


def _blank_magics(source: str) -> str:
    """IPython magics (``%time``), shell lines (``!pip``) and help (``x?``) blanked, so the cell parses and
    its line numbers hold. A line that continues a statement (after a backslash or inside brackets) is
    Python, whatever it starts with: ``'%d' \\`` then ``% (epoch)``. An indented magic becomes ``pass`` at its
    indentation, so a block that held only it (``try: %tensorflow_version 2.x``, Colab set-up cells) still parses;
    blank lines are kept where ``pass`` does not parse."""
    if _parses(source):
        return source  # nothing to blank
    passed = _replace_magics(source, keep_blocks=True)
    return passed if _parses(passed) else _replace_magics(source, keep_blocks=False)


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return False
    return True


# `%run model.py`, `%run -i utils/train_helpers.py`: a script of the project run in the notebook's namespace
_RUN_MAGIC = re.compile(r"^%run(?:\s+-[a-z])*\s+((?:[A-Za-z_]\w*/)*[A-Za-z_]\w*)\.py\s*$")


def _replace_magics(source: str, *, keep_blocks: bool) -> str:
    out, depth, continued, shell = [], 0, False, False
    for line in source.split("\n"):
        stripped = line.strip()
        if shell:  # `!cmd --a \` then `--b`: the magic's own continuation lines
            out.append("")
            shell = stripped.endswith("\\")
            continue
        magic = stripped.startswith(("%", "!", "?")) or stripped.endswith("?") and not stripped.startswith("#")
        if magic and depth == 0 and not continued:
            indent = line[:len(line) - len(line.lstrip())]
            ran = _RUN_MAGIC.match(stripped)
            if ran and (indent == "" or keep_blocks):  # %run model.py: its names are the notebook's after it
                out.append(f"{indent}from {ran.group(1).replace('/', '.')} import *")
                continue
            out.append(f"{indent}pass" if keep_blocks and indent else "")
            shell = stripped.endswith("\\")
            continue
        out.append(line)
        code = line.split("#", 1)[0]
        depth = max(0, depth + sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}"))
        continued = code.rstrip().endswith("\\")
    return "\n".join(out)


def _in_cell(note: Finding, number: int) -> Finding:
    """A note about one cell of a notebook: LM090 skipped that cell, not the notebook."""
    if note.rule == "LM090":
        title = RULES["LM090"].title
        detail = note.message[len(title) + 2:] if note.message.startswith(title) else note.message
        note = note.with_location(message=f"cell could not be parsed; that cell was skipped, the others were audited: "
                                          f"{detail}")
    return note.with_location(cell=number)


def _analyze_notebook(code: str | bytes, path: str, resolver: Mapping[str, Mapping[str, Any]] | None,
                      want_exports: bool) -> Analysis:
    try:
        sources, numbers = notebook_source(code)
    except (ValueError, AttributeError, TypeError) as exc:
        return Analysis((make_finding("LM090", path, 1, 1, f"not a notebook: {str(exc).splitlines()[0]}",
                                      ["the .ipynb file is not notebook JSON"]),))
    # Cells run in order in one namespace: audit them as one module, then map lines back to cells.
    skipped: list[Finding] = []  # LM090 for the cells skipped; LM091 for those read through the Python 2 rewrite
    body: list[ast.stmt] = []
    starts: list[tuple[int, int]] = []  # (first line in the joined module, cell number)
    line = 1
    for source, number in zip(sources, numbers):
        tree, notes = _parse(source, path)
        skipped.extend(_in_cell(note, number) for note in notes)
        if tree is None:
            continue
        ast.increment_lineno(tree, line - 1)
        body.extend(tree.body)
        starts.append((line, number))
        line += source.count("\n") + 1
    cells = CellMap(tuple(starts))
    analysis = _run(ast.Module(body=body, type_ignores=[]), path, resolver, want_exports, cells)
    mapped = [cells.place(finding) for finding in analysis.findings]
    return Analysis(tuple(skipped + mapped), analysis.exports, analysis.imports, analysis.summary)


@dataclass(frozen=True)
class CellMap:
    """Where each cell of a notebook starts in the module its cells were joined into."""

    starts: tuple[tuple[int, int], ...]  # (first line in the joined module, cell number)

    def locate(self, absolute: int) -> tuple[int, int | None]:
        index = bisect.bisect_right([start for start, _ in self.starts], absolute) - 1
        if index < 0:
            return absolute, None
        start, number = self.starts[index]
        return absolute - start + 1, number

    def label(self, absolute: int) -> str:
        relative, number = self.locate(absolute)
        return f"cell {number}, line {relative}"

    def place(self, finding: Finding) -> Finding:
        relative, number = self.locate(finding.line)
        return finding.with_location(line=relative, cell=number)
