"""Audit files and directories: walk, read, analyse in parallel, and resolve imports between audited modules.

Two passes: every file is analysed on its own (in ``jobs`` processes); files that import another audited
module whose exports matter (a model class, a builder function, a loss object) are analysed once more with
those exports, so a model defined in ``models.py`` and trained in ``train.py`` is checked as one. Files whose
import lines name an audited module, and that no file's import lines name, skip the first pass.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lossmatch._messages import expected
from lossmatch.audit.rules import Finding
from lossmatch.audit.static import Analysis, analyze
from lossmatch.errors import DataError

__all__ = ["AuditResult", "audit_paths", "collect_files"]

SUFFIXES = (".py", ".ipynb")
_SKIP_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox", ".nox", "node_modules",
                        ".ipynb_checkpoints", ".mypy_cache", ".pytest_cache", "site-packages", "build", "dist"})
_CHUNK = 64


@dataclass(frozen=True)
class AuditResult:
    """All findings of a run (sorted by path, line), the number of files read and unreadable files."""

    findings: tuple[Finding, ...]
    files_scanned: int
    errors: tuple[str, ...] = ()
    selected: frozenset[str] | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"files_scanned": self.files_scanned, "findings": [f.to_dict() for f in self.findings],
                "errors": list(self.errors)}

    @property
    def failed(self) -> bool:
        """True when a finding is at warning or error level (the CLI exits 1)."""
        return any(f.severity in ("error", "warning") for f in self.findings)


def collect_files(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[Path, Path]]:
    """``(file, root)`` pairs: files given directly, and ``.py``/``.ipynb`` files under given directories
    (hidden and virtual-environment folders skipped). A path that does not exist is a :class:`DataError`."""
    out: list[tuple[Path, Path]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for directory, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                out.extend((Path(directory) / name, path) for name in sorted(files) if name.endswith(SUFFIXES))
        elif path.exists():
            out.append((path, path.parent))
        else:
            raise DataError(expected("path", "be an existing file or directory", repr(os.fspath(raw))))
    return out


def _module_names(file: Path, root: Path) -> list[str]:
    """Names other files may import ``file`` by: every dotted suffix of its path below ``root``, or below the
    top of the package ``root`` is in (so ``proj/models.py`` is ``proj.models`` when ``proj`` is audited)."""
    while (root / "__init__.py").is_file() and root.parent != root:
        root = root.parent
    try:
        parts = list(file.relative_to(root).with_suffix("").parts)
    except ValueError:
        parts = [file.stem]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return [".".join(parts[i:]) for i in range(len(parts)) if parts[i:]]


def _read(file: Path) -> bytes | str:
    data = file.read_bytes()
    return data.decode("utf-8-sig", errors="replace") if file.suffix == ".ipynb" else data


def _analyze_one(task: tuple[str, Mapping[str, Mapping[str, Any]] | None, bool]) -> tuple[str, Analysis | str]:
    name, resolver, want_exports = task
    try:
        code = _read(Path(name))
    except OSError as exc:
        return name, f"{name}: {exc.strerror or exc}"
    return name, analyze(code, name, resolver, want_exports=want_exports)


def _analyze_many(tasks: Sequence[tuple[str, Any, bool]], jobs: int) -> Iterator[tuple[str, Analysis | str]]:
    if jobs <= 1 or len(tasks) < 2 * _CHUNK:
        yield from map(_analyze_one, tasks)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(_analyze_one, tasks, chunksize=_CHUNK)


def audit_paths(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str], *, jobs: int = 1,
                select: frozenset[str] | None = None) -> AuditResult:
    """Audit files and directories (``.py`` and ``.ipynb``); ``select`` keeps only those rule IDs.

    Example:
        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "train.py").write_text("model.compile(loss='binary_crossentropy')\\n"
        ...     "from keras.layers import Dense\\nfrom keras.models import Sequential\\n"
        ...     "model = Sequential([Dense(10, activation='softmax')])\\n"
        ...     "model.compile(loss='binary_crossentropy', optimizer='adam')\\n")
        >>> [(f.rule, f.line) for f in audit_paths([folder]).findings]
        [('LM010', 5)]
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if jobs < 1:
        raise DataError(expected("jobs", "be at least 1", str(jobs)))
    files = collect_files(paths)
    names_of = {os.fspath(f): _module_names(f, root) for f, root in files}
    # Files that import an audited module, and that no audited file imports, are read once, in the second
    # pass, when the exports they need are known.
    deferred = _importers_only(names_of) if len(files) > 1 else {}
    tasks = [(name, None, len(files) > 1) for name in names_of if name not in deferred]
    results: dict[str, Analysis] = {}
    errors: list[str] = []
    for name, outcome in _analyze_many(tasks, jobs):
        if isinstance(outcome, str):
            errors.append(outcome)
        else:
            results[name] = outcome

    # Second pass: files importing audited modules that export models, builders or losses.
    owners: dict[str, list[str]] = {}
    for name, analysis in results.items():
        if analysis.exports:
            for module in names_of[name]:
                owners.setdefault(module, []).append(name)
    redo = []
    for name in names_of:
        if name in deferred:
            redo.append((name, _resolver(name, deferred[name], owners, results) or None, False))
        elif name in results:
            resolver = _resolver(name, (imported.lstrip(".") for imported in results[name].imports), owners, results)
            if resolver:
                redo.append((name, resolver, False))
    for name, outcome in _analyze_many(redo, jobs):
        if isinstance(outcome, str):
            errors.append(outcome)
        else:
            results[name] = outcome

    findings = [f for name in sorted(results) for f in results[name].findings if select is None or f.rule in select]
    return AuditResult(tuple(findings), len(files), tuple(sorted(errors)), select)


def _resolver(name: str, modules: Iterable[str], owners: Mapping[str, list[str]],
              results: Mapping[str, Analysis]) -> dict[str, Mapping[str, Any]]:
    """The exports of the audited modules ``name`` imports, by module name."""
    resolver: dict[str, Mapping[str, Any]] = {}
    for module in modules:
        candidates = [o for o in owners.get(module, []) if o != name]
        if len(candidates) > 1:  # same module name in several folders: prefer the importer's own folder
            candidates = [o for o in candidates if Path(o).parent == Path(name).parent]
        if len(candidates) == 1:
            resolver[module] = results[candidates[0]].exports
    return resolver


# Lines with `import` (and a parenthesised name list after it), found by text: a superset of the names a file
# imports. A literal first, so the search is fast.
_IMPORT_TEXT = re.compile(r"import(?:[^\n(]*\([^)]*\)|[^\n]*)")
_WORD = re.compile(r"[A-Za-z_]\w*")


def _import_words(text: str) -> frozenset[str]:
    lines = (text[text.rfind("\n", 0, m.start()) + 1:m.end()] for m in _IMPORT_TEXT.finditer(text))
    return frozenset(_WORD.findall(" ".join(lines)))


def _importers_only(names_of: Mapping[str, list[str]]) -> dict[str, set[str]]:
    """Files whose import statements name another audited module, and whose own module names appear in no
    other file's import statements, with the audited modules they may import."""
    words: dict[str, frozenset[str]] = {}
    for name in names_of:
        try:
            text = Path(name).read_bytes().decode("utf-8", errors="replace")
        except OSError:
            continue
        words[name] = _import_words(text)
    files_naming: dict[str, int] = {}
    for found in words.values():
        for word in found:
            files_naming[word] = files_naming.get(word, 0) + 1
    by_last_part: dict[str, set[str]] = {}
    for modules in names_of.values():
        for module in modules:
            by_last_part.setdefault(module.rsplit(".", 1)[-1], set()).add(module)
    out: dict[str, set[str]] = {}
    for name, found in words.items():
        own = {module.rsplit(".", 1)[-1] for module in names_of[name]}
        if any(files_naming.get(part, 0) > (part in found) for part in own):
            continue  # another file may import this one: it needs its exports in the first pass
        imported = {module for word in found for module in by_last_part.get(word, ())
                    if module not in names_of[name] and all(part in found for part in module.split("."))}
        if imported:
            out[name] = imported
    return out
