"""The one way vaultkit writes a file.

Every write goes through :func:`safe_write`: only inside the vault, never through a
symlink, only when the bytes change, atomically (a temp file in the same folder, then
``os.replace``), keeping the file's permission bits.  Callers encode the text with
:func:`encode_like` so a file keeps its BOM and line endings.
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from vaultkit.positions import BOM, SourceText

WriteOutcome = Literal["created", "updated", "unchanged"]


class UnsafeWrite(Exception):
    """A write vaultkit refuses: outside the vault, or through a symlink."""


@dataclass(frozen=True, slots=True)
class TextStyle:
    """How a file spells its text: kept when vaultkit rewrites it."""

    newline: str = "\n"
    bom: bool = False

    @classmethod
    def of(cls, data: bytes) -> TextStyle:
        source = SourceText.from_str(data.decode("utf-8", errors="replace"))
        return cls(source.newline, source.has_bom)


def encode_like(text: str, style: TextStyle) -> bytes:
    """``text`` uses ``\\n``; give it the file's line endings and BOM."""
    if style.newline != "\n":
        text = text.replace("\n", style.newline)
    return ((BOM if style.bom else "") + text).encode("utf-8")


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


def safe_write(root: Path, target: Path, data: bytes) -> WriteOutcome:
    """Write ``data`` to ``target`` inside ``root`` if (and only if) it differs."""
    path = check_inside(root, target)
    try:
        current = path.read_bytes()
    except FileNotFoundError:
        current = None
    if current == data:
        return "unchanged"
    path.parent.mkdir(parents=True, exist_ok=True)
    check_inside(root, path)  # the folders we just made cannot be links, but be sure
    mode = stat.S_IMODE(path.stat().st_mode) if current is not None else None
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".vaultkit-tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return "created" if current is None else "updated"


def safe_delete(root: Path, target: Path) -> None:
    path = check_inside(root, target)
    path.unlink()
