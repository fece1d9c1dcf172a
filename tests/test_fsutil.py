"""The one way vaultkit writes: inside the vault, no symlinks, atomic, only on change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vaultkit.fsutil import TextStyle, UnsafeWrite, encode_like, safe_write


def test_creates_updates_and_skips_unchanged(tmp_path: Path) -> None:
    target = Path("papers/@a.md")
    assert safe_write(tmp_path, target, b"one\n") == "created"
    before = os.stat(tmp_path / target).st_mtime_ns
    assert safe_write(tmp_path, target, b"one\n") == "unchanged"
    assert os.stat(tmp_path / target).st_mtime_ns == before
    assert safe_write(tmp_path, target, b"two\n") == "updated"
    assert (tmp_path / target).read_bytes() == b"two\n"
    assert not [p for p in (tmp_path / "papers").iterdir() if p.name.endswith(".vaultkit-tmp")]


def test_keeps_permission_bits(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"x")
    path.chmod(0o640)
    safe_write(tmp_path, Path("n.md"), b"y")
    assert path.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("target", ["../outside.md", "/etc/vaultkit-test.md"])
def test_refuses_outside_the_vault(tmp_path: Path, target: str) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    with pytest.raises(UnsafeWrite, match="outside the vault"):
        safe_write(vault, Path(target), b"x")


def test_refuses_symlinked_file_and_folder(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault / "real").mkdir(parents=True)
    outside = tmp_path / "secret.md"
    outside.write_bytes(b"keep")
    (vault / "link.md").symlink_to(outside)
    (vault / "linked").symlink_to(vault / "real", target_is_directory=True)
    with pytest.raises(UnsafeWrite, match="symlink"):
        safe_write(vault, Path("link.md"), b"x")
    with pytest.raises(UnsafeWrite, match="symlink"):
        safe_write(vault, Path("linked/n.md"), b"x")
    assert outside.read_bytes() == b"keep"


@pytest.mark.parametrize(("data", "newline", "bom"), [
    (b"a\nb\n", "\n", False),
    (b"a\r\nb\r\n", "\r\n", False),
    (b"\xef\xbb\xbfa\r\nb", "\r\n", True),
    (b"a\rb\r", "\r", False),
    (b"", "\n", False),
])
def test_text_style_round_trip(data: bytes, newline: str, bom: bool) -> None:
    style = TextStyle.of(data)
    assert (style.newline, style.bom) == (newline, bom)
    text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    assert encode_like(text, style) == data
