"""Atomic file output: write to a temporary file beside the target, then rename over it.

A reader never sees a half-written file, and a crash leaves the previous file (or nothing) in place.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from lossmatch._messages import expected
from lossmatch.errors import DataError

__all__ = ["atomic_path", "atomic_write_bytes", "atomic_write_text", "check_writable", "remove_stale_temporaries"]

# atomic_path's temporary files: ".NAME." + tempfile's 8 random characters + ".tmp"
_TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def check_writable(path: str | os.PathLike[str], name: str, *, kind: str = "directory") -> None:
    """Fail before any work when ``path`` cannot be written: a ``directory`` to create or fill, or a ``file`` to
    create or replace. The nearest existing folder is probed with a file created and removed at once (this
    sees read-only filesystems and permissions as they are); nothing is left behind."""
    target = Path(path)
    rule = f"be a writable {kind}"
    if kind == "directory" and target.exists() and not target.is_dir():
        raise DataError(expected(name, rule, f"'{target}', which is a file"))
    if kind == "file" and target.is_dir():
        raise DataError(expected(name, rule, f"the directory '{target}'"))
    existing = target if kind == "directory" else target.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise DataError(expected(name, rule, f"'{target}', under the file '{existing}'"))
    try:
        fd, probe = tempfile.mkstemp(prefix=".lossmatch-probe.", dir=existing)
    except OSError as exc:
        raise DataError(expected(name, rule, f"'{target}' ({_reason(exc)} in '{existing}')")) from None
    os.close(fd)
    os.unlink(probe)


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path in the target's directory; rename it onto ``path`` if the block succeeds.

    An error writing the temporary file is reported for ``path``, never under the temporary name."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise DataError(expected("output", "be writable", f"'{target}' ({_reason(exc)})")) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give the file the permissions open() would
        os.replace(tmp, target)
    except OSError as exc:
        if exc.filename is not None and os.fspath(exc.filename) == tmp_name:
            raise DataError(expected("output", "be writable", f"'{target}' ({_reason(exc)})")) from None
        raise
    finally:
        tmp.unlink(missing_ok=True)


def remove_stale_temporaries(directory: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files :func:`atomic_path` leaves in ``directory`` when a process is killed between
    writing and renaming (by their name pattern only; nothing else is touched). Returns the removed paths."""
    folder = Path(directory)
    if not folder.is_dir():
        return []
    removed = []
    for entry in folder.iterdir():
        if _TEMPORARY.fullmatch(entry.name) and entry.is_file() and not entry.is_symlink():
            entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding=encoding)
