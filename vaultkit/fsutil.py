"""The one way vaultkit writes a file.

Every write goes through :func:`safe_write`: only inside the vault, never through a
symlink, only when the bytes change, only if the file still holds the bytes the caller
read (compare-and-swap), atomically (a temp file in the same folder, then a rename),
keeping the file's permission bits.  Callers build the new bytes with
:func:`vaultkit.edits.splice` so every byte they did not mean to change stays as it was.

The contract, for every caller (``lint --fix``, the language server, ``index``):

* ``expected`` is the exact bytes the caller read and computed ``data`` from, or
  ``None`` when the caller saw no file and means to create one.
* When the file already holds ``data``, nothing is written: ``"unchanged"``.
* When it holds anything but ``expected`` (or exists although ``expected`` is None, or
  is gone although ``expected`` is bytes), nothing is written and
  :class:`WriteConflict` is raised: re-read, re-compute, try again, or tell the user.
* Otherwise the file is replaced atomically: readers see the old bytes or the new ones,
  never a mix, and a killed run leaves at most a stale temp file
  (``.<name>.<random>.vaultkit-tmp``, removed by :func:`remove_stale_temps`).

The residual window.  POSIX has no compare-and-rename, so the comparison and the rename
are two steps.  vaultkit narrows the gap as far as it can: the new bytes are written and
synced first; then the file is opened, read and compared, and renamed over at once.  A
creation is exact: a hard link, which fails when the name exists.  An editor that saves
*in place* in the instant between that last read and the rename writes into the file
being replaced; vaultkit reads that file again through the descriptor it compared with
(right after the rename and once more a millisecond later), and when the bytes moved it
puts the user's bytes back over its own and raises :class:`WriteConflict`, so the caller
plans again from them.  What remains: a save that replaces the file by *rename* in that
instant (a few microseconds), an in-place save that opened the file before the rename
but writes more than a millisecond later, and a second save between the rename and the
restore.  Everything earlier -- the whole time vaultkit spends reading and planning -- is
covered exactly.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import time
import unicodedata
from pathlib import Path
from typing import Callable, Iterable, Literal, TypeVar

from msgspec import Struct

try:  # POSIX: advisory locks tell a live temp file from a dead run's
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from vaultkit.safe_read import NotRegularFile, kind_of

WriteOutcome = Literal["created", "updated", "unchanged"]
_T = TypeVar("_T")

TEMP_SUFFIX = ".vaultkit-tmp"
TEMP_NAME = re.compile(r"\A\..+\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX) + r"\Z")
"""``.<name>.<8 random characters>.vaultkit-tmp``: what :func:`safe_write` leaves behind
when it is killed between creating its temp file and renaming it."""
STALE_AFTER = 60.0
"""Seconds after which an unlocked temp file is a dead run's, not a live one's."""


class UnsafeWrite(Exception):
    """A write vaultkit refuses: outside the vault, or through a symlink."""


class WriteConflict(Exception):
    """The file no longer holds the bytes the caller read: nothing was written."""

    def __init__(self, path: Path, expected: bytes | None, current: bytes | None) -> None:
        state = "was created" if expected is None else "was deleted" if current is None else "changed"
        super().__init__(f"{path}: {state} since it was read; nothing written")
        self.path = path
        self.expected = expected
        self.current = current


def check_inside(root: Path, target: Path) -> Path:
    """The target's absolute path, refusing anything outside ``root`` or via a symlink."""
    root = root.resolve()
    absolute = target if target.is_absolute() else root / target
    # Check every existing component for symlinks, not just the last one.
    current = absolute
    while True:
        if current.is_symlink():
            raise UnsafeWrite(f"{target}: refusing to write through a symlink ({current})")
        if current == current.parent or current == root:
            break
        current = current.parent
    resolved = absolute.parent.resolve() / absolute.name
    try:
        resolved.relative_to(root)
    except ValueError as error:
        raise UnsafeWrite(f"{target}: outside the vault {root}") from error
    return resolved


class _Held(Struct):
    """One replaced file kept open: what was expected there, what we wrote, how it looked."""

    path: Path
    fd: int
    expected: bytes
    ours: bytes
    mode: int
    seen: tuple[int, int]
    """(size, mtime_ns) of the old file when it was taken: unchanged means no late save."""


class LateWrites:
    """The files one job replaced, watched until the job ends.

    A writer that opened a note just before :func:`safe_write` renamed the new bytes over
    it writes into the old file, which no name points to any more.  ``safe_write`` looks
    at the old file a moment after the rename; a writer descheduled for longer (a loaded
    machine) would still be lost.  Handed a ``LateWrites``, ``safe_write`` keeps the old
    file open, and :meth:`sweep`, when the job's writes are done, looks again at every
    one: a late save found there is put back (as ``safe_write`` does at once) and
    reported.  At most ``limit`` files are held open; beyond that the oldest are swept
    early.
    """

    def __init__(self, limit: int = 256) -> None:
        self.limit = limit
        self._held: list[_Held] = []
        self.conflicts: list[tuple[Path, bytes]] = []
        """(path, what the file holds now) of every late save found, in order."""

    def hold(self, path: Path, fd: int, expected: bytes, ours: bytes, mode: int) -> None:
        info = os.fstat(fd)
        self._held.append(_Held(path, fd, expected, ours, mode, (info.st_size, info.st_mtime_ns)))
        if len(self._held) > self.limit:
            self._check(self._held.pop(0))

    def sweep(self, grace: float = 0.02) -> list[tuple[Path, bytes]]:
        """Look at every old file once more (after ``grace`` seconds, once for all);
        the late saves found, put back.  Every file is released."""
        if self._held:
            time.sleep(grace)
        held, self._held = self._held, []
        for item in held:
            self._check(item)
        return self.conflicts

    def _check(self, held: _Held) -> None:
        try:
            info = os.fstat(held.fd)
            if (info.st_size, info.st_mtime_ns) == held.seen:
                return
            late = _pread_all(held.fd)
            if late != held.expected:
                self.conflicts.append((held.path, _restore(held.path, late, held.ours, held.mode)))
        finally:
            os.close(held.fd)

    def __enter__(self) -> "LateWrites":
        return self

    def __exit__(self, *exc: object) -> None:
        for held in self._held:
            os.close(held.fd)
        self._held = []


def safe_write(root: Path, target: Path, data: bytes, *, expected: bytes | None,
               late: LateWrites | None = None) -> WriteOutcome:
    """Write ``data`` to ``target`` inside ``root`` if it holds ``expected`` and differs.

    ``expected`` is what the caller read (``None``: no file).  Raises
    :class:`WriteConflict` when the file holds anything else, :class:`UnsafeWrite` for
    a path outside the vault or through a symlink, ``PermissionError`` for a file
    without write permission (vaultkit does not replace what the user made read-only),
    and any other ``OSError`` of the write (a full disk, a read-only mount) with the file
    left as it was.  With ``late``, the replaced file is watched until the caller's
    :meth:`LateWrites.sweep` (a job writing many notes sweeps once, at its end).
    """
    path = check_inside(root, target)
    current, mode = _read_current(path)
    if current == data:
        return "unchanged"
    if current != expected:
        raise WriteConflict(path, expected, current)
    if mode is not None and not mode & stat.S_IWUSR:
        raise PermissionError(errno.EACCES, "the file is read-only", str(path))
    if current is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        check_inside(root, path)  # the folders we just made cannot be links, but be sure
        return _write_temp_then(path, data, 0o666 & ~_umask(), lambda tmp: _create(tmp, path, data))
    assert expected is not None and mode is not None
    kept: list[int] = []
    landed = _write_temp_then(path, data, mode, lambda tmp: _replace_if_unchanged(
        tmp, path, expected, keep=kept if late is not None else None))
    if landed is not None:
        # A save landed in the old file between the last compare and the rename: put
        # it back over our own bytes, and let the caller plan again from it.
        raise WriteConflict(path, expected, _restore(path, landed, data, mode))
    if late is not None and kept:
        late.hold(path, kept[0], expected, data, mode)
    return "updated"


def _restore(path: Path, late: bytes, ours: bytes, mode: int) -> bytes:
    """Put ``late`` back where ``ours`` now is; what the file then holds.

    Text appended to our bytes meanwhile (by a writer that opened the file by name after
    the rename) is appended to ``late`` too; anything else newer is left alone (it is
    the newest save).
    """
    for _ in range(3):
        current, _ = _read_current(path)
        if current is None or not current.startswith(ours):
            return current if current is not None else late
        restored = late + current[len(ours):]
        try:
            _write_temp_then(path, restored, mode,
                             lambda tmp, seen=current: _replace_if_unchanged(tmp, path, seen, verify=False))
            return restored
        except WriteConflict:
            continue
    return late


def _write_temp_then(path: Path, data: bytes, mode: int, commit: Callable[[Path], _T]) -> _T:
    """Write ``data`` to a locked, synced temp file beside ``path``, then ``commit`` it."""
    # imported at its one use: tempfile (with random, shutil and their compressors)
    # costs every one-note lint milliseconds, and a lint writes no note
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            if fcntl is not None:  # held until the rename: remove_stale_temps skips it
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            os.chmod(tmp, mode)
            result = commit(Path(tmp))
    except BaseException:
        _unlink_quietly(tmp)
        raise
    _unlink_quietly(tmp)  # a creation linked it; a replace already moved it
    return result


def _create(tmp: Path, path: Path, data: bytes) -> WriteOutcome:
    """Give ``tmp`` the name ``path`` only if nothing has that name: a hard link is
    exact (it fails when the name exists); where links are not supported, check and
    rename (the same residual window as an update)."""
    try:
        os.link(tmp, path)
        return "created"
    except FileExistsError:
        current, _ = _read_current(path)
        if current == data:
            return "unchanged"
        raise WriteConflict(path, None, current) from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS):
            raise
    current, _ = _read_current(path)
    if current is not None:
        raise WriteConflict(path, None, current)
    os.replace(tmp, path)
    return "created"


def _replace_if_unchanged(tmp: Path, path: Path, expected: bytes, verify: bool = True,
                          keep: list[int] | None = None) -> bytes | None:
    """Rename ``tmp`` over ``path`` if it holds ``expected``: the last compare, as close
    to the rename as it can be.  Then look at the file just replaced, through the
    descriptor the compare read it with: a save that landed there in between (an
    editor writing in place) would be lost with it; returns those bytes, or None.
    With ``keep``, a duplicate of that descriptor is put there, for a later look."""
    handle = _open_current(path)
    if handle is None:
        raise WriteConflict(path, expected, None)
    with handle:
        current = handle.read()
        if current != expected:
            raise WriteConflict(path, expected, current)
        os.replace(tmp, path)
        seen = _late_write(handle.fileno(), expected) if verify else None
        if seen is None and keep is not None:
            keep.append(os.dup(handle.fileno()))
        return seen


LATE_WRITE_GRACE = 0.001
"""Seconds to wait before looking at a replaced file again: long enough for a writer
that opened it just before the rename to finish writing."""


def _late_write(fd: int, expected: bytes) -> bytes | None:
    seen = _pread_all(fd)
    if seen == expected:
        time.sleep(LATE_WRITE_GRACE)
        seen = _pread_all(fd)
        if seen == expected:
            return None
    for _ in range(20 if len(seen) < len(expected) else 0):  # a save truncated, not yet written
        time.sleep(0.005)
        again = _pread_all(fd)
        if again == seen:
            break
        seen = again
    return seen


def _pread_all(fd: int) -> bytes:
    chunks, offset = [], 0
    while chunk := os.pread(fd, 1 << 20, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _open_current(path: Path) -> "io.BufferedReader | None":
    """The regular file at ``path`` opened for reading, or None when there is none.

    Only a regular file is opened (a FIFO would block), as :mod:`vaultkit.safe_read`
    does, but without following a link (the write would replace the link, not what it
    points to), and a missing file is an answer here, not an error.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnsafeWrite(f"{path}: refusing to write through a symlink") from error
        raise
    handle = os.fdopen(fd, "rb")
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        handle.close()
        raise NotRegularFile(errno.EINVAL, f"{kind_of(mode)}, not a regular file", str(path))
    return handle


def _read_current(path: Path) -> tuple[bytes | None, int | None]:
    """The file's bytes and permission bits, or (None, None) when there is no file."""
    handle = _open_current(path)
    if handle is None:
        return None, None
    with handle:
        return handle.read(), stat.S_IMODE(os.fstat(handle.fileno()).st_mode)


def read_existing(path: Path) -> bytes | None:
    """The bytes of the regular file at ``path`` (None: no file): what a caller passes
    back to :func:`safe_write` as ``expected``.  Never follows a link, never blocks."""
    return _read_current(path)[0]


def _unlink_quietly(path: str | Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


_UMASK: int | None = None


def _umask() -> int:
    """The process umask, for the permission bits of a file vaultkit creates (mkstemp
    makes 0600 files).  Read from /proc where possible: setting it to read it back is
    not thread-safe."""
    global _UMASK
    if _UMASK is None:
        try:
            status = Path("/proc/self/status").read_text()
            _UMASK = int(re.search(r"^Umask:\s*([0-7]+)", status, re.M).group(1), 8)  # type: ignore[union-attr]
        except (OSError, AttributeError, ValueError):
            _UMASK = os.umask(0o22)
            os.umask(_UMASK)
    return _UMASK


def safe_delete(root: Path, target: Path, *, expected: bytes) -> bool:
    """Delete ``target`` if it still holds ``expected``; False when it is already gone.

    Raises :class:`WriteConflict` when it holds anything else.  The same post-check as
    :func:`safe_write`: the file is compared and unlinked through one descriptor, then
    read again through it (at once and a millisecond later); a save that landed in place
    in between is put back as a new file -- unless a newer file already took the name --
    and :class:`WriteConflict` says so.
    """
    path = check_inside(root, target)
    handle = _open_current(path)
    if handle is None:
        return False
    with handle:
        current = handle.read()
        if current != expected:
            raise WriteConflict(path, expected, current)
        mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
        os.unlink(path)
        late = _late_write(handle.fileno(), expected)
    if late is not None:
        try:
            _write_temp_then(path, late, mode, lambda tmp: _create(tmp, path, late))
        except WriteConflict:
            pass  # a file was saved under the name since: it is the newer one, kept
        raise WriteConflict(path, expected, late)
    return True


def remove_stale_temps(root: Path, folder: Path, *, older_than: float = STALE_AFTER) -> list[Path]:
    """Remove the temp files a killed vaultkit left in ``folder`` (not its subfolders).

    Only vaultkit's own name pattern (:data:`TEMP_NAME`), only regular files, and never a
    live one of a concurrent run: a writer holds an exclusive lock on its temp file from
    right after creating it until the rename, so a file we can lock is not being written;
    and the file must be older than ``older_than`` seconds, which covers the instant
    between creating the file and taking the lock (and systems without locks).  Even a
    temp file removed under a stalled writer loses nothing: its rename then fails and
    the write is reported as failed, the note untouched.
    """
    try:
        absolute = check_inside(root, folder)
        entries = list(os.scandir(absolute))
    except (OSError, UnsafeWrite):
        return []
    removed = []
    now = time.time()
    for entry in entries:
        if not TEMP_NAME.match(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False) or now - entry.stat(follow_symlinks=False).st_mtime < older_than:
                continue
            if _unlocked(Path(entry.path)):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _unlocked(path: Path) -> bool:
    if fcntl is None:  # pragma: no cover - Windows: the age alone decides
        return True
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing releases our lock
    return True


# -- names one file system treats as one file -------------------------------------------

def fold_name(name: str) -> str:
    """The form under which macOS and Windows compare file names: case-insensitive and
    blind to Unicode normalization.  Two names with the same fold are one file there."""
    return unicodedata.normalize("NFC", name).lower()


class NameClash(Struct, frozen=True):
    """Keys whose file names are one file somewhere: ``winner`` gets it."""

    winner: str
    losers: tuple[str, ...]


def name_clashes(keys: Iterable[str], name_of: Callable[[str], str]) -> list[NameClash]:
    """Groups of ``keys`` whose ``name_of`` fold to the same file name.

    One rule decides the winner, the same on every system and in every run: a key that
    is its own file name (needs no sanitising) before one that is not, then code-point
    order.  ``x_y2020`` wins over ``x:y2020`` and ``x/y2020``; ``Smith2020`` over
    ``smith2020``.
    """
    groups: dict[str, list[str]] = {}
    for key in keys:
        groups.setdefault(fold_name(name_of(key)), []).append(key)
    clashes = []
    for group in groups.values():
        if len(group) > 1:
            ordered = sorted(group, key=lambda k: (name_of(k) != k, k))
            clashes.append(NameClash(ordered[0], tuple(ordered[1:])))
    return sorted(clashes, key=lambda c: c.winner)
