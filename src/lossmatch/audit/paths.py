"""Audit files and directories: walk, read, analyse in parallel, and resolve imports between audited modules.

Two passes: every file is analysed on its own (in ``jobs`` processes); files that import another audited
module whose exports matter (a model class, a builder function, a loss object) are analysed once more with
those exports, so a model defined in ``models.py`` and trained in ``train.py`` is checked as one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lossmatch._validation import expected
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
    """Names other files may import ``file`` by: every dotted suffix of its path below ``root``."""
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
    tasks = [(os.fspath(f), None, len(files) > 1) for f, _ in files]
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
    for name, analysis in results.items():
        resolver: dict[str, Mapping[str, Any]] = {}
        for imported in analysis.imports:
            module = imported.lstrip(".")
            candidates = [o for o in owners.get(module, []) if o != name]
            if len(candidates) > 1:  # same module name in several folders: prefer the importer's own folder
                candidates = [o for o in candidates if Path(o).parent == Path(name).parent]
            if len(candidates) == 1:
                resolver[module] = results[candidates[0]].exports
        if resolver:
            redo.append((name, resolver, False))
    for name, outcome in _analyze_many(redo, jobs):
        if isinstance(outcome, Analysis):
            results[name] = outcome

    findings = [f for name in sorted(results) for f in results[name].findings if select is None or f.rule in select]
    return AuditResult(tuple(findings), len(files), tuple(errors), select)
