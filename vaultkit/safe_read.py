"""The one way vaultkit reads a file of the vault: regular files only.

A vault is a folder anyone can drop things into.  A FIFO named ``x.md`` blocks ``open``
forever, a character device can stream without end, and a symlink can point out of the
vault.  :func:`read_regular` refuses all of them with an :class:`OSError`
(:class:`NotRegularFile`), which every caller already turns into a finding on that path
(VK002 for a note, VK210 for a bibliography): nothing vaultkit reads can hang a run.

The file is checked with ``stat`` before it is opened (opening a device can have side
effects), opened with ``O_NONBLOCK`` (so a FIFO swapped in after the check cannot block
either) and checked again on the open descriptor, which must be the file first checked.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(
    os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


class NotRegularFile(OSError):
    """The path is a FIFO, socket, device or a link out of the vault, not a file."""


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words for a finding."""
    if stat.S_ISDIR(mode):
        return "a folder"
    for test, words in _KINDS:
        if test(mode):
            return words
    return "not a regular file"


def check_regular(path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> os.stat_result:
    """``stat`` of ``path`` if it is a regular file (inside ``root`` when given), else raise.

    Raises :class:`IsADirectoryError` for a folder, :class:`NotRegularFile` for anything
    else that is not a regular file or is a symlink leading out of ``root``, and the
    usual :class:`OSError` when the path does not exist (a dangling link, a loop).
    """
    link = os.lstat(path)
    if stat.S_ISLNK(link.st_mode) and root is not None and not _inside(root, path):
        raise NotRegularFile(errno.EACCES, "a symlink that leads outside the vault", str(path))
    info = os.stat(path) if stat.S_ISLNK(link.st_mode) else link
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "a folder, not a file", str(path))
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(errno.EINVAL, f"{kind_of(info.st_mode)}, not a regular file", str(path))
    return info


def read_regular(path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None,
                 limit: int | None = None) -> bytes:
    """The bytes of a regular file (the first ``limit`` bytes when given).

    ``root``: refuse a symlink whose target is outside it (the vault root).
    """
    info = check_regular(path, root)
    fd = os.open(path, _FLAGS)
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            raise NotRegularFile(errno.EAGAIN, "the file changed while it was opened", str(path))
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            return handle.read() if limit is None else handle.read(limit)
    finally:
        if fd != -1:
            os.close(fd)


def read_regular_text(path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None,
                      encoding: str = "utf-8", errors: str = "strict") -> str:
    """:func:`read_regular`, decoded."""
    return read_regular(path, root).decode(encoding, errors)


def _inside(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> bool:
    try:
        Path(os.path.realpath(path)).relative_to(Path(root).resolve())
        return True
    except (ValueError, OSError):
        return False
