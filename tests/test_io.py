"""Atomic output and output locations checked before the work."""

from __future__ import annotations

import os
import tempfile

import pytest

from lossmatch._io import atomic_path, atomic_write_text, check_writable, remove_stale_temporaries
from lossmatch.errors import DataError


def _unwritable_system_folder() -> str | None:
    try:
        fd, probe = tempfile.mkstemp(dir="/sys")
    except OSError:
        return "/sys"
    os.close(fd)
    os.unlink(probe)
    return None


def test_writable_locations_pass_and_leave_nothing(tmp_path):
    check_writable(tmp_path / "new" / "deeper", "--out")
    check_writable(tmp_path, "--out")
    check_writable(tmp_path / "plot.png", "--plot", kind="file")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where, kind, words", [
    ("file", "directory", "to be a writable directory, but got '{tmp}/file', which is a file"),
    ("file/sub", "directory", "under the file '{tmp}/file'"),
    ("file/plot.png", "file", "to be a writable file, but got '{tmp}/file/plot.png', under the file"),
    (".", "file", "to be a writable file, but got the directory"),
])
def test_unwritable_locations_are_one_line(tmp_path, where, kind, words):
    (tmp_path / "file").write_text("x")
    with pytest.raises(DataError) as info:
        check_writable(tmp_path / where, "--out", kind=kind)
    assert words.format(tmp=tmp_path) in str(info.value) and "\n" not in str(info.value)


def test_a_read_only_place_is_found_by_the_probe():
    folder = _unwritable_system_folder()
    if folder is None:
        pytest.skip("no unwritable folder on this machine")
    with pytest.raises(DataError, match="writable directory, but got '/sys/out' \\(permission denied in '/sys'\\)"):
        check_writable(f"{folder}/out", "--out")


def test_permission_denied_is_reported_for_the_target_never_the_temporary_file(tmp_path, monkeypatch):
    def denied(src, dst):
        raise PermissionError(13, "Permission denied", os.fspath(src))

    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(DataError) as info:
        atomic_write_text(tmp_path / "rel2.png", "x")
    message = str(info.value)
    assert f"'{tmp_path / 'rel2.png'}' (permission denied)" in message and ".tmp" not in message
    assert list(tmp_path.iterdir()) == []  # the temporary file is removed


def test_an_error_of_the_block_itself_passes_through(tmp_path):
    with pytest.raises(OSError, match="unrelated"), atomic_path(tmp_path / "x.txt"):
        raise OSError(5, "unrelated", "/elsewhere")
    assert list(tmp_path.iterdir()) == []


def test_only_our_stale_temporary_files_are_removed(tmp_path):
    fd, ours = tempfile.mkstemp(prefix=".run.json.", suffix=".tmp", dir=tmp_path)
    os.close(fd)
    theirs = ["run.json", ".run.json.tmp", "run.json.abcdefgh.tmp", ".run.json.ABCDEFGH.tmp", ".run.json.abcdefgh.tmp~"]
    for name in theirs:
        (tmp_path / name).write_text("keep")
    (tmp_path / ".dir.abcdefgh.tmp").mkdir()
    assert remove_stale_temporaries(tmp_path) == [tmp_path / os.path.basename(ours)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*theirs, ".dir.abcdefgh.tmp"])
    assert remove_stale_temporaries(tmp_path / "missing") == []
