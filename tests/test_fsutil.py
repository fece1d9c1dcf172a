"""The one way vaultkit writes: inside the vault, no symlinks, atomic, only on change."""

from __future__ import annotations

import errno
import fcntl
import os
import time
from pathlib import Path

import pytest

from vaultkit import fsutil
from vaultkit.fsutil import (
    LateWrites, UnsafeWrite, WriteConflict, remove_stale_temps, safe_delete,
    safe_write,
)


def test_creates_updates_and_skips_unchanged(tmp_path: Path) -> None:
    target = Path("papers/@a.md")
    assert safe_write(tmp_path, target, b"one\n", expected=None) == "created"
    before = os.stat(tmp_path / target).st_mtime_ns
    assert safe_write(tmp_path, target, b"one\n", expected=b"one\n") == "unchanged"
    assert os.stat(tmp_path / target).st_mtime_ns == before
    assert safe_write(tmp_path, target, b"two\n", expected=b"one\n") == "updated"
    assert (tmp_path / target).read_bytes() == b"two\n"
    assert not [p for p in (tmp_path / "papers").iterdir() if p.name.endswith(".vaultkit-tmp")]


def test_keeps_permission_bits(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"x")
    path.chmod(0o640)
    safe_write(tmp_path, Path("n.md"), b"y", expected=b"x")
    assert path.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("target", ["../outside.md", "/etc/vaultkit-test.md"])
def test_refuses_outside_the_vault(tmp_path: Path, target: str) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    with pytest.raises(UnsafeWrite, match="outside the vault"):
        safe_write(vault, Path(target), b"x", expected=None)


def test_refuses_symlinked_file_and_folder(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault / "real").mkdir(parents=True)
    outside = tmp_path / "secret.md"
    outside.write_bytes(b"keep")
    (vault / "link.md").symlink_to(outside)
    (vault / "linked").symlink_to(vault / "real", target_is_directory=True)
    with pytest.raises(UnsafeWrite, match="symlink"):
        safe_write(vault, Path("link.md"), b"x", expected=b"keep")
    with pytest.raises(UnsafeWrite, match="symlink"):
        safe_write(vault, Path("linked/n.md"), b"x", expected=None)
    assert outside.read_bytes() == b"keep"


# -- compare-and-swap -------------------------------------------------------------------

def _temps(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".vaultkit-tmp")]


def test_refuses_to_overwrite_a_file_that_changed(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"the user's edit\n")
    with pytest.raises(WriteConflict, match="changed since it was read"):
        safe_write(tmp_path, Path("n.md"), b"vaultkit\n", expected=b"what was read\n")
    assert path.read_bytes() == b"the user's edit\n"
    assert not _temps(tmp_path)


def test_refuses_to_create_over_a_file_that_appeared(tmp_path: Path) -> None:
    (tmp_path / "n.md").write_bytes(b"mine")
    with pytest.raises(WriteConflict, match="was created since"):
        safe_write(tmp_path, Path("n.md"), b"vaultkit", expected=None)
    assert (tmp_path / "n.md").read_bytes() == b"mine"


def test_refuses_to_recreate_a_file_that_was_deleted(tmp_path: Path) -> None:
    with pytest.raises(WriteConflict, match="was deleted since"):
        safe_write(tmp_path, Path("n.md"), b"vaultkit", expected=b"old")
    assert not (tmp_path / "n.md").exists()


def test_already_holding_the_new_bytes_is_unchanged_whatever_was_read(tmp_path: Path) -> None:
    (tmp_path / "n.md").write_bytes(b"new")  # e.g. a concurrent run wrote the same
    assert safe_write(tmp_path, Path("n.md"), b"new", expected=b"old") == "unchanged"


def test_an_edit_saved_while_the_temp_file_is_written_wins(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The last compare is after the temp file is written: a save during it is kept."""
    path = tmp_path / "n.md"
    path.write_bytes(b"old")
    real_fsync = os.fsync

    def fsync_and_save(fd: int) -> None:
        real_fsync(fd)
        path.write_bytes(b"saved by the user meanwhile")

    monkeypatch.setattr(os, "fsync", fsync_and_save)
    with pytest.raises(WriteConflict):
        safe_write(tmp_path, Path("n.md"), b"vaultkit", expected=b"old")
    assert path.read_bytes() == b"saved by the user meanwhile"
    assert not _temps(tmp_path)


def test_a_file_created_while_the_temp_file_is_written_wins(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "n.md"
    real_fsync = os.fsync

    def fsync_and_create(fd: int) -> None:
        real_fsync(fd)
        path.write_bytes(b"created by the user meanwhile")

    monkeypatch.setattr(os, "fsync", fsync_and_create)
    with pytest.raises(WriteConflict):
        safe_write(tmp_path, Path("n.md"), b"vaultkit", expected=None)
    assert path.read_bytes() == b"created by the user meanwhile"
    assert not _temps(tmp_path)


def test_a_read_only_file_is_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"frozen")
    path.chmod(0o444)
    with pytest.raises(PermissionError, match="read-only"):
        safe_write(tmp_path, Path("n.md"), b"vaultkit", expected=b"frozen")
    assert path.read_bytes() == b"frozen"


def test_a_full_disk_leaves_the_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"old")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        safe_write(tmp_path, Path("n.md"), b"new", expected=b"old")
    assert path.read_bytes() == b"old"
    assert not _temps(tmp_path)


def test_a_created_file_gets_the_umask_mode_not_the_temp_files(tmp_path: Path) -> None:
    old = os.umask(0o027)
    fsutil._UMASK = None
    try:
        safe_write(tmp_path, Path("n.md"), b"x", expected=None)
    finally:
        os.umask(old)
        fsutil._UMASK = None
    assert (tmp_path / "n.md").stat().st_mode & 0o777 == 0o640


def test_a_fifo_is_an_error_not_a_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "n.md")
    with pytest.raises(OSError, match="not a regular file"):
        safe_write(tmp_path, Path("n.md"), b"x", expected=None)


def test_delete_only_what_was_read(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"edited")
    with pytest.raises(WriteConflict):
        safe_delete(tmp_path, Path("n.md"), expected=b"generated")
    assert path.read_bytes() == b"edited"
    assert safe_delete(tmp_path, Path("n.md"), expected=b"edited") is True
    assert not path.exists()
    assert safe_delete(tmp_path, Path("n.md"), expected=b"edited") is False



@pytest.mark.parametrize("newer", [False, True], ids=["restored", "a-newer-file-is-kept"])
def test_a_save_landing_during_a_delete_is_not_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     newer: bool) -> None:
    """An editor saving in place between the last compare and the unlink writes into the
    inode about to go: the delete reads it again, puts the user's bytes back, and says
    so (the prune plans again).  A file saved under the name since is the newer one."""
    path = tmp_path / "n.md"
    path.write_bytes(b"generated")
    real_unlink = os.unlink

    def save_then_unlink(name: str | os.PathLike[str], *args: object, **kwargs: object) -> None:
        if Path(name) == path:
            with open(path, "ab") as handle:  # in place, into the inode about to go
                handle.write(b"\n- my note\n")
        real_unlink(name, *args, **kwargs)  # type: ignore[arg-type]
        if Path(name) == path and newer:
            path.write_bytes(b"saved again")

    monkeypatch.setattr(os, "unlink", save_then_unlink)
    with pytest.raises(WriteConflict):
        safe_delete(tmp_path, Path("n.md"), expected=b"generated")
    monkeypatch.undo()
    assert path.read_bytes() == (b"saved again" if newer else b"generated\n- my note\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.md"]  # no temp file left


# -- stale temp files -------------------------------------------------------------------

def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_removes_only_old_unlocked_temp_files_of_its_own_pattern(tmp_path: Path) -> None:
    stale = tmp_path / ".@a.md.k3j_9x0q.vaultkit-tmp"
    young = tmp_path / ".@b.md.abcdefgh.vaultkit-tmp"
    locked = tmp_path / ".@c.md.zzzzzzzz.vaultkit-tmp"
    others = [tmp_path / n for n in (".@d.md.swp", "x.vaultkit-tmp", ".@e.md.ABCDEFGH.vaultkit-tmp",
                                      ".@f.md.short.vaultkit-tmp", "@g.md")]
    for path in [stale, young, locked, *others]:
        path.write_bytes(b"partial")
        if path is not young:
            _age(path, 3600)
    (tmp_path / ".@h.md.linklink.vaultkit-tmp").symlink_to(others[-1])
    _age(others[-1], 3600)
    holder = os.open(locked, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)  # a live writer holds its temp file locked
    try:
        removed = remove_stale_temps(tmp_path, Path("."))
    finally:
        os.close(holder)
    assert removed == [stale]
    assert not stale.exists()
    assert young.exists() and locked.exists() and all(p.exists() for p in others)
    assert (tmp_path / ".@h.md.linklink.vaultkit-tmp").is_symlink()


def test_a_writer_locks_its_temp_file_until_the_rename(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A concurrent run's cleanup must not take a live temp file away."""
    seen: list[list[Path]] = []
    real_fsync = os.fsync

    def fsync_and_clean(fd: int) -> None:
        real_fsync(fd)
        for temp in tmp_path.glob("*.vaultkit-tmp"):
            _age(temp, 3600)
        seen.append(remove_stale_temps(tmp_path, Path(".")))

    monkeypatch.setattr(os, "fsync", fsync_and_clean)
    assert safe_write(tmp_path, Path("n.md"), b"x", expected=None) == "created"
    assert seen == [[]]
    assert (tmp_path / "n.md").read_bytes() == b"x"


def test_a_save_in_the_instant_before_the_rename_is_put_back(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor writing in place between the last compare and the rename writes into
    the file being replaced: vaultkit sees it through its descriptor and restores it."""
    path = tmp_path / "n.md"
    path.write_bytes(b"old\n")
    real_replace = os.replace

    def save_then_replace(src, dst) -> None:
        if Path(dst) == path and Path(src).name.endswith(".vaultkit-tmp") and not saved:
            saved.append(True)
            with open(path, "ab") as handle:  # in place, into the inode about to go
                handle.write(b"typed in the window\n")
        real_replace(src, dst)

    saved: list[bool] = []
    monkeypatch.setattr(os, "replace", save_then_replace)
    with pytest.raises(WriteConflict) as raised:
        safe_write(tmp_path, Path("n.md"), b"vaultkit\n", expected=b"old\n")
    assert path.read_bytes() == b"old\ntyped in the window\n"
    assert raised.value.current == b"old\ntyped in the window\n"
    assert not _temps(tmp_path)


def test_a_late_save_and_an_append_after_the_rename_are_both_kept(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"old\n")
    real_replace, real_late = os.replace, fsutil._late_write
    events: list[str] = []

    def save_then_replace(src, dst) -> None:
        if not events:
            events.append("late")
            with open(path, "ab") as handle:
                handle.write(b"late\n")
        real_replace(src, dst)

    def look_then_append(fd: int, expected: bytes) -> bytes | None:
        late = real_late(fd, expected)
        with open(path, "ab") as handle:  # opened by name after the rename: our new file
            handle.write(b"after\n")
        return late

    monkeypatch.setattr(os, "replace", save_then_replace)
    monkeypatch.setattr(fsutil, "_late_write", look_then_append)
    with pytest.raises(WriteConflict):
        safe_write(tmp_path, Path("n.md"), b"vaultkit\n", expected=b"old\n")
    assert path.read_bytes() == b"old\nlate\nafter\n"


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors in /proc")
def test_a_writer_descheduled_past_the_first_look_is_put_back_by_the_sweep(tmp_path: Path) -> None:
    """A writer that opened the note before the rename and writes after safe_write's
    own look (a loaded machine: it once lost an edit under the stress test) writes into
    the replaced file; the job's sweep finds it there and puts it back."""
    path = tmp_path / "n.md"
    path.write_bytes(b"old\n")
    before = _open_fds()
    slow = open(path, "ab")  # opened by name before the replace, writes only later
    with LateWrites() as late:
        assert safe_write(tmp_path, Path("n.md"), b"vaultkit\n", expected=b"old\n", late=late) == "updated"
        assert path.read_bytes() == b"vaultkit\n"
        slow.write(b"typed late\n")
        slow.close()
        conflicts = late.sweep()
    assert path.read_bytes() == b"old\ntyped late\n"
    assert conflicts == [(path.resolve(), b"old\ntyped late\n")]
    assert _open_fds() == before  # every replaced file was let go
    assert not _temps(tmp_path)


def test_a_sweep_with_no_late_save_changes_nothing_and_holds_at_most_limit(tmp_path: Path) -> None:
    for i in range(5):
        (tmp_path / f"n{i}.md").write_bytes(b"old\n")
    before = _open_fds() if Path("/proc/self/fd").is_dir() else None
    with LateWrites(limit=2) as late:
        for i in range(5):
            safe_write(tmp_path, Path(f"n{i}.md"), b"new\n", expected=b"old\n", late=late)
        assert len(late._held) == 2  # the oldest were looked at early
        assert late.sweep() == []
    assert all((tmp_path / f"n{i}.md").read_bytes() == b"new\n" for i in range(5))
    if before is not None:
        assert _open_fds() == before
