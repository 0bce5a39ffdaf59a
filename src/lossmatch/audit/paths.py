"""Audit files and directories: walk, read, analyse in parallel, and resolve imports between audited modules.

Files are analysed in import order (in ``jobs`` processes): a file after the audited modules it imports,
with their exports (model classes, builders, losses, constants, functions whose parameters a call may
bind), so a model defined in ``models.py`` and trained in ``train.py`` is checked as one. Then the project
pass (:mod:`lossmatch.audit._project`) closes the loss sites files left open, from their summaries.
"""

from __future__ import annotations

import functools
import os
import pickle
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lossmatch._messages import expected
from lossmatch.audit._project import resolve
from lossmatch.audit.rules import Finding, make_finding
from lossmatch.audit.static import Analysis, analyze, notebook_source
from lossmatch.errors import DataError

__all__ = ["AuditResult", "audit_paths", "collect_files"]

SUFFIXES = (".py", ".ipynb")
_SKIP_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox", ".nox", "node_modules",
                        ".ipynb_checkpoints", ".mypy_cache", ".pytest_cache", "site-packages", "build", "dist"})
_CHUNK = 64
MAX_JOBS = 1024  # processes; more is a typo, and each one is a Python interpreter


@dataclass(frozen=True)
class AuditResult:
    """All findings of a run (sorted by path, line), the number of files read, and what was not checked:
    files and folders that could not be read (``errors``), files that could not be parsed (LM090, counted
    whatever ``select`` keeps) and given folders that hold no ``.py``/``.ipynb`` file (``empty``)."""

    findings: tuple[Finding, ...]
    files_scanned: int
    errors: tuple[str, ...] = ()
    selected: frozenset[str] | None = field(default=None, compare=False)
    unparsed: int = 0
    empty: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"files_scanned": self.files_scanned, "findings": [f.to_dict() for f in self.findings],
                "errors": list(self.errors), "files_unparsed": self.unparsed, "empty_paths": list(self.empty)}

    @property
    def failed(self) -> bool:
        """True when a finding is at warning or error level (the CLI exits 1)."""
        return any(f.severity in ("error", "warning") for f in self.findings)

    @property
    def incomplete(self) -> bool:
        """True when some input was not checked: unreadable, unparsable, or a folder with nothing to audit."""
        return bool(self.errors or self.unparsed or self.empty)


def collect_files(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[Path, Path]]:
    """``(file, root)`` pairs: files given directly, and ``.py``/``.ipynb`` files under given directories
    (hidden and virtual-environment folders skipped). A path that does not exist is a :class:`DataError`."""
    return _collect(paths)[0]


def _collect(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[tuple[Path, Path]], list[str], list[str]]:
    """:func:`collect_files`, plus the folders that could not be listed (``"path: reason"``) and the given
    folders that hold no file to audit."""
    out: list[tuple[Path, Path]] = []
    unlisted: list[str] = []
    empty: list[str] = []

    def not_listed(exc: OSError) -> None:
        unlisted.append(f"{exc.filename}: {exc.strerror or exc} (folder not listed)")

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            before, failed = len(out), len(unlisted)
            for directory, dirs, files in os.walk(path, onerror=not_listed):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                out.extend((Path(directory) / name, path) for name in sorted(files) if name.endswith(SUFFIXES))
            if len(out) == before and len(unlisted) == failed:
                empty.append(os.fspath(raw))
        elif path.exists():
            out.append((path, path.parent))
        else:
            raise DataError(expected("path", "be an existing file or directory", repr(os.fspath(raw))))
    return out, unlisted, empty


def _read(file: Path) -> bytes | str:
    data = file.read_bytes()
    return data.decode("utf-8-sig", errors="replace") if file.suffix == ".ipynb" else data


def _analyze_one(task: tuple[str, Mapping[str, Mapping[str, Any]] | None, bool]) -> tuple[str, Analysis | str]:
    name, resolver, want_exports = task
    try:
        code = _read(Path(name))
    except OSError as exc:
        return name, f"{name}: {exc.strerror or exc}"
    try:
        return name, analyze(code, name, resolver, want_exports=want_exports)
    except RecursionError:  # one file never stops the run: it is reported as not checked
        return name, _too_deep(name)


def _too_deep(name: str) -> Analysis:
    return Analysis((make_finding("LM090", name, 1, 1, "it is nested too deeply to check",
                                  ["the recursion limit was reached"]),))


def _analyze_pickled(task: tuple[str, Any, bool]) -> tuple[str, bytes | str]:
    """:func:`_analyze_one` in a worker process, pickled here so a tree too deep to pickle costs one file."""
    name, outcome = _analyze_one(task)
    try:
        return name, pickle.dumps(outcome)
    except RecursionError:
        return name, pickle.dumps(_too_deep(name))


class _Runner:
    """Analyses batches of files, in this process or in a pool of ``jobs`` processes kept for the run."""

    def __init__(self, jobs: int, files: int) -> None:
        self.jobs = jobs
        self.pool = ProcessPoolExecutor(max_workers=jobs) if jobs > 1 and files >= 2 * _CHUNK else None

    def run(self, tasks: Sequence[tuple[str, Any, bool]]) -> Iterator[tuple[str, Analysis | str]]:
        if self.pool is None or len(tasks) < 2 * self.jobs:
            yield from map(_analyze_one, tasks)
            return
        chunk = max(1, min(_CHUNK, len(tasks) // (4 * self.jobs)))
        for name, data in self.pool.map(_analyze_pickled, tasks, chunksize=chunk):
            try:
                yield name, pickle.loads(data)
            except RecursionError:
                yield name, _too_deep(name)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


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
    if isinstance(jobs, bool) or not isinstance(jobs, int) or not 1 <= jobs <= MAX_JOBS:
        raise DataError(expected("jobs", f"be an integer in [1, {MAX_JOBS}]", repr(jobs)))
    files, unlisted, empty = _collect(paths)
    modules = _ModuleIndex(files)
    names = [os.fspath(f) for f, _ in files]
    # The import lines of each file, read as text, order the work: a file is analysed after the audited
    # modules it imports, with their exports, so a model defined in models.py and trained in train.py (or a
    # constant in config.py used by models.py used by train.py) is checked as one.
    deps = {name: set(modules.resolve(name, _import_names(name)).values()) if len(names) > 1 else set()
            for name in names}
    level = _levels(deps)
    imported = set().union(*deps.values())
    results: dict[str, Analysis] = {}
    errors: dict[str, str] = {}
    runner = _Runner(jobs, len(names))

    def analyse(batch: list[str]) -> None:
        tasks = [(name, _resolver(modules, name, results[name].imports if name in results else _import_names(name),
                                  results) or None, name in imported) for name in batch]
        for name, outcome in runner.run(tasks):
            if isinstance(outcome, str):
                errors[name] = outcome
            else:
                results[name] = outcome

    try:
        for step in sorted(set(level.values())):
            analyse([name for name in names if level[name] == step])
        # Imports the text did not show, or import cycles: files whose imported modules were analysed after
        # them are read once more, now that every export is known.
        late = [name for name in names if name in results and any(
            level[target] >= level[name] and results[target].exports
            for target in modules.resolve(name, results[name].imports).values() if target in results)]
        analyse(late)
        imports = {name: {target for target in deps[name] | set(modules.resolve(name, analysis.imports).values())
                          if target in results and target != name} for name, analysis in results.items()}
    finally:
        runner.close()
        _import_names.cache_clear()  # the files may change before the next run
        _text.cache_clear()

    # Project pass: close the sites a file left open, from every file's summary.
    closed = resolve(results, imports, {name: modules.project_root(name) for name in results})
    findings = [f for name in sorted(results)
                for f in sorted(results[name].findings + tuple(closed.get(name, ())), key=_order)
                if select is None or f.rule in select]
    # a file skipped whole; a notebook cell that does not parse leaves the rest of the notebook audited
    unparsed = sum(any(f.rule == "LM090" and f.cell is None for f in analysis.findings) for analysis in results.values())
    return AuditResult(tuple(findings), len(files), tuple(sorted([*errors.values(), *unlisted])), select,
                       unparsed, tuple(empty))


def _order(finding: Finding) -> tuple[int, int, int, str]:
    return (finding.cell or 0, finding.line, finding.col, finding.rule)


def _resolver(modules: _ModuleIndex, name: str, imported: Iterable[str],
              results: Mapping[str, Analysis]) -> dict[str, Mapping[str, Any]]:
    """The exports of the audited modules ``name`` imports, by module name as imported."""
    return {module: results[target].exports for module, target in modules.resolve(name, imported).items()
            if target in results and results[target].exports}


def _levels(deps: Mapping[str, set[str]]) -> dict[str, int]:
    """0 for files that import no audited module, else one more than the deepest module they import (an
    import that closes a cycle counts as none)."""
    level: dict[str, int] = {}
    for start in deps:
        if start in level:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(deps[start])))]
        visiting = {start}
        while stack:
            name, pending = stack[-1]
            target = next(pending, None)
            if target is None:
                stack.pop()
                visiting.discard(name)
                level[name] = 1 + max((level.get(t, -1) for t in deps[name] if t not in visiting and t in level),
                                      default=-1)
            elif target not in level and target not in visiting and target in deps:
                visiting.add(target)
                stack.append((target, iter(sorted(deps[target]))))
    return level


class _ModuleIndex:
    """Which audited file an import names. An import resolves from the importing file's own folders: its
    folder, then each folder above it (and a ``src/`` beside each) up to the audited root, and on up while
    that root is a package, nearest first; so ``models`` imported by ``v2/train.py`` is ``v2/models.py`` or
    ``models.py`` at the top, never ``old/models.py``."""

    def __init__(self, files: Sequence[tuple[Path, Path]]) -> None:
        self._by_folder: dict[tuple[str, str], str] = {}
        self._search: dict[str, list[str]] = {}  # folders an import of the file is looked up from, in order
        self._roots: dict[str, str] = {}
        self._packages: dict[str, bool] = {}
        self._extra: dict[str, list[str]] = {}  # folders a file adds to sys.path (see _sys_path_folders)
        for file, root in files:
            name = os.fspath(file)
            # folders as absolute paths: `lossmatch audit .` names its files `run.py` and `utils/losses.py`, whose
            # folders ('' and 'utils') a walk up by string never joins to the root '.'
            path = os.path.abspath(name)
            top = os.path.abspath(root if root.is_dir() else file.parent)
            folder = os.path.dirname(path)
            folders = [folder]
            inside = top.rstrip(os.sep) + os.sep  # a folder under the root, not a sibling sharing its prefix
            while folder != top and folder.startswith(inside) and os.path.dirname(folder) != folder:
                folder = os.path.dirname(folder)
                folders.append(folder)
            while self._is_package(folders[-1]) and os.path.dirname(folders[-1]) != folders[-1]:
                folders.append(os.path.dirname(folders[-1]))  # an audited package is imported by its full name
            self._search[name] = [f for folder in folders for f in (folder, os.path.join(folder, "src"))]
            stem = path[:-len(file.suffix)] if file.suffix else path
            if os.path.basename(stem) == "__init__":
                stem = os.path.dirname(stem)
            for folder in folders:
                dotted = os.path.relpath(stem, folder).replace(os.sep, ".") if stem != folder else ""
                if dotted and not dotted.startswith(".."):
                    self._by_folder.setdefault((folder, dotted), name)
            package = os.path.dirname(path)
            while self._is_package(package) and os.path.dirname(package) != package:
                package = os.path.dirname(package)
            self._roots[name] = package

    def _is_package(self, folder: str) -> bool:
        if folder not in self._packages:
            self._packages[folder] = os.path.isfile(os.path.join(folder, "__init__.py"))
        return self._packages[folder]

    def resolve(self, importer: str, imported: Iterable[str]) -> dict[str, str]:
        """``{module name as imported: audited file}`` for the imports that name an audited module."""
        out: dict[str, str] = {}
        folders = self._search.get(importer, [])
        extra = self._extra.get(importer)
        if extra is None:
            extra = self._extra[importer] = _sys_path_folders(importer)
        if extra:
            folders = folders + extra
        by_folder = self._by_folder
        for module in imported:
            dotted = module.lstrip(".")
            if not dotted:
                continue
            for folder in folders:
                found = by_folder.get((folder, dotted))
                if found is not None:
                    if found != importer:
                        out[dotted] = found
                    break
        return out

    def project_root(self, name: str) -> str:
        """The folder holding the file's top package (or the file itself, for a script)."""
        return self._roots.get(name, os.path.dirname(name))


# Import statements found by text (a notebook's cells first taken from its JSON): a superset of what the
# file imports, read before it is parsed.
_FROM = re.compile(r"^[ \t]*from[ \t]+([.\w]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)", re.MULTILINE)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n#;]+)", re.MULTILINE)
_WORD = re.compile(r"[A-Za-z_]\w*")
_EXEC_FILE = re.compile(r"exec\(\s*open\(\s*['\"](?:\./)?((?:[A-Za-z_]\w*/)*[A-Za-z_]\w*)\.py['\"]")  # a script run here
_IMPORT_MODULE = re.compile(r"import_module\(\s*[rR]?['\"]([A-Za-z_][\w.]*)['\"]\s*\)")  # importlib's, a name written out


@functools.cache
def _text(name: str) -> str:
    """The file's code as text (a notebook's cells joined), read once per run."""
    try:
        text = Path(name).read_bytes().decode("utf-8", errors="replace")
        if name.endswith(".ipynb"):
            text = "\n".join(notebook_source(text)[0])
    except (OSError, ValueError, AttributeError, TypeError, RecursionError):
        return ""
    return text


# sys.path.append('../../modules'), sys.path.insert(0, "..") written out: a folder the file's imports are found in
_SYS_PATH = re.compile(r"sys\.path\.(?:append|insert)\(\s*(?:\d+\s*,\s*)?[rR]?(['\"])([^'\"\n]+)\1\s*\)")


def _sys_path_folders(name: str) -> list[str]:
    """The folders a file adds to ``sys.path`` by a literal path, taken from the file's own folder (where such a
    script is run from)."""
    text = _text(name)
    if "sys.path" not in text:
        return []
    base = os.path.dirname(os.path.abspath(name))
    return [os.path.normpath(os.path.join(base, match.group(2))) for match in _SYS_PATH.finditer(text)
            if not os.path.isabs(match.group(2))]


@functools.cache
def _import_names(name: str) -> frozenset[str]:
    text = _text(name)
    if "import" not in text:
        return frozenset()
    out: set[str] = set()
    for match in _FROM.finditer(text):
        module = match.group(1)
        out.add(module)
        out.update(f"{module}.{word}" if module.strip(".") else word for word in _WORD.findall(match.group(2)))
    for match in _IMPORT.finditer(text):
        out.update(part.split(" as ")[0].strip() for part in match.group(1).split(","))
    out.update(match.group(1) for match in _IMPORT_MODULE.finditer(text))
    out.update(match.group(1).replace("/", ".") for match in _EXEC_FILE.finditer(text))
    return frozenset(out)
