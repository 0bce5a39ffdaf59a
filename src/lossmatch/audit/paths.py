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
from lossmatch.audit._project import resolve
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
    modules = _ModuleIndex(files)
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

    # Second pass: files importing audited modules that export models, builders, losses or functions whose
    # parameters a call may bind.
    redo = []
    for name in names_of:
        imported = deferred[name] if name in deferred else (results[name].imports if name in results else ())
        resolver = {module: results[target].exports for module, target in modules.resolve(name, imported).items()
                    if target in results and results[target].exports}
        if name in deferred or resolver:
            redo.append((name, resolver or None, False))
    for name, outcome in _analyze_many(redo, jobs):
        if isinstance(outcome, str):
            errors.append(outcome)
        else:
            results[name] = outcome

    # Project pass: close the sites a file left open, from every file's summary.
    links: dict[str, set[str]] = {name: set() for name in results}
    for name, analysis in results.items():
        for target in modules.resolve(name, analysis.imports).values():
            if target in links:
                links[name].add(target)
                links[target].add(name)
    closed = resolve(results, links, {name: modules.project_root(name) for name in results})
    findings = [f for name in sorted(results)
                for f in sorted(results[name].findings + tuple(closed.get(name, ())), key=_order)
                if select is None or f.rule in select]
    return AuditResult(tuple(findings), len(files), tuple(sorted(errors)), select)


def _order(finding: Finding) -> tuple[int, int, int, str]:
    return (finding.cell or 0, finding.line, finding.col, finding.rule)


class _ModuleIndex:
    """Which audited file an import names. An import resolves from the importing file's own folders: its
    folder, then each folder above it (and a ``src/`` beside each) up to the audited root, nearest first; so
    ``models`` imported by ``v2/train.py`` is ``v2/models.py`` or ``models.py`` at the top, never
    ``old/models.py``."""

    def __init__(self, files: Sequence[tuple[Path, Path]]) -> None:
        self._by_folder: dict[tuple[str, str], str] = {}
        self._ancestors: dict[str, list[str]] = {}
        self._roots: dict[str, str] = {}
        for file, root in files:
            name = os.fspath(file)
            top = root if root.is_dir() else file.parent
            folders = [file.parent]
            while folders[-1] != top and top in folders[-1].parents:
                folders.append(folders[-1].parent)
            while (folders[-1] / "__init__.py").is_file() and folders[-1].parent != folders[-1]:
                folders.append(folders[-1].parent)  # an audited package is imported by its full name
            self._ancestors[name] = [os.fspath(f) for f in folders]
            parts = list(file.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            for folder in folders:
                dotted = ".".join(parts[len(folder.parts):])
                if dotted:
                    self._by_folder.setdefault((os.fspath(folder), dotted), name)
            package = file.parent
            while (package / "__init__.py").is_file() and package.parent != package:
                package = package.parent
            self._roots[name] = os.fspath(package)

    def resolve(self, importer: str, imported: Iterable[str]) -> dict[str, str]:
        """``{module name as imported: audited file}`` for the imports that name an audited module."""
        out: dict[str, str] = {}
        folders = self._ancestors.get(importer, [])
        for module in imported:
            dotted = module.lstrip(".")
            if not dotted:
                continue
            for folder in folders:
                found = self._by_folder.get((folder, dotted)) or self._by_folder.get(
                    (os.path.join(folder, "src"), dotted))
                if found is not None:
                    if found != importer:
                        out[dotted] = found
                    break
        return out

    def project_root(self, name: str) -> str:
        """The folder holding the file's top package (or the file itself, for a script)."""
        return self._roots.get(name, os.fspath(Path(name).parent))


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
