"""Files that are not files: FIFOs, sockets, devices and folders named like notes.

Each command runs in a child process with a timeout, so a regression (a FIFO opened for
reading blocks until a writer comes, i.e. forever) fails the test instead of hanging the
suite.  The timeout is a hang guard, not a speed target.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_vault
from vaultkit.safe_read import NotRegularFile, check_regular, read_regular

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")

HANG_GUARD = 120  # seconds: far beyond any run here; only a hang reaches it
SESSION = "---\ndate: 2023-03-14\n---\n## Log\n- [skim(@k2020)]\n"


def vaultkit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": ""}
    proc = subprocess.run([sys.executable, "-m", "vaultkit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=HANG_GUARD)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def special(path: Path, kind: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))  # the socket file stays after close
        sock.close()
    elif kind == "device":
        if os.geteuid() != 0:
            pytest.skip("creating a device node needs root")
        os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero: endless bytes
    else:  # pragma: no cover
        raise AssertionError(kind)


KINDS = ["fifo", "socket", "device"]
WORDS = {"fifo": "named pipe", "socket": "socket", "device": "character device"}


@pytest.mark.parametrize("kind", KINDS)
def test_lint_reports_a_special_note_as_vk002(tmp_path: Path, kind: str) -> None:
    if kind == "socket" and len(str(tmp_path)) > 80:
        pytest.skip("AF_UNIX paths are limited to ~100 bytes")
    root = write_vault(tmp_path / "v", {"sessions/2023-03-14.md": SESSION,
                                        "refs.bib": "@article{k2020, title={T}}\n"})
    special(root / "x.md", kind)
    proc = vaultkit("lint", "--format", "json", "--no-cache", str(root), cwd=tmp_path)
    found = [(f["path"], f["code"], f["line"]) for f in json.loads(proc.stdout)]
    assert ("x.md", "VK002", 1) in found
    message = next(f["message"] for f in json.loads(proc.stdout) if f["path"] == "x.md")
    assert WORDS[kind] in message
    assert proc.returncode == 1


@pytest.mark.parametrize("kind", KINDS)
def test_special_bibliography_is_vk210(tmp_path: Path, kind: str) -> None:
    root = write_vault(tmp_path / "v", {"sessions/2023-03-14.md": SESSION})
    special(root / "refs.bib", kind)
    proc = vaultkit("lint", "--format", "json", "--no-cache", "--select", "VK210", str(root),
                    cwd=tmp_path)
    found = json.loads(proc.stdout)
    assert [(f["path"], f["code"]) for f in found] == [("refs.bib", "VK210")]
    assert WORDS[kind] in found[0]["message"]
    assert proc.returncode == 1


@pytest.mark.parametrize("name", ["papers/@k2020.md", "Papers.md"])
def test_index_check_does_not_hang_on_a_fifo_index_note(tmp_path: Path, name: str) -> None:
    root = write_vault(tmp_path / "v", {"sessions/2023-03-14.md": SESSION,
                                        "refs.bib": "@article{k2020, title={T}}\n"})
    special(root / name, "fifo")
    for args in (["index", "--check"], ["index"], ["index", "--diff"], ["index", "--prune"]):
        proc = vaultkit(*args, "--vault", str(root), cwd=tmp_path)
        assert f"{name}:1:1: VK302" in proc.stderr and "named pipe" in proc.stderr, proc.stderr
        assert proc.returncode == 1
    assert stat.S_ISFIFO(os.lstat(root / name).st_mode)  # never replaced by a write


def test_fifo_gitignore_csl_and_schema_files(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"sessions/2023-03-14.md": SESSION,
                                        "refs.bib": "@article{k2020, title={T}}\n"})
    special(root / ".gitignore", "fifo")
    special(root / "sessions" / ".gitignore", "fifo")
    special(root / "items.json", "fifo")  # a root .json is sniffed for CSL
    proc = vaultkit("lint", "--no-cache", "--ignore", "VK1", str(root), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_fifo_config_is_a_usage_error(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "fine\n"})
    special(root / ".vaultkit.yaml", "fifo")
    proc = vaultkit("lint", str(root), cwd=tmp_path)
    assert proc.returncode == 2
    assert ".vaultkit.yaml: cannot read" in proc.stderr and "named pipe" in proc.stderr
    proc = vaultkit("index", "--vault", str(root), cwd=tmp_path)
    assert proc.returncode == 2


def test_fifo_schema_file_is_a_usage_error(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "fine\n", ".vaultkit.yaml": "schemas: schemas/\n"})
    special(root / "schemas" / "paper.yaml", "fifo")
    proc = vaultkit("lint", str(root), cwd=tmp_path)
    assert proc.returncode in (0, 2), proc.stderr  # skipped or refused, never a hang


# -- the reader itself ---------------------------------------------------------------
def test_read_regular_reads_files_and_follows_links_inside(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(b"x\r\ny")
    os.symlink("a.md", tmp_path / "b.md")
    assert read_regular(tmp_path / "a.md") == b"x\r\ny"
    assert read_regular(tmp_path / "b.md", root=tmp_path) == b"x\r\ny"
    assert read_regular(tmp_path / "a.md", limit=1) == b"x"


def test_read_regular_refuses_what_is_not_a_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    with pytest.raises(NotRegularFile, match="named pipe"):
        read_regular(tmp_path / "pipe.md")
    (tmp_path / "dir.md").mkdir()
    with pytest.raises(IsADirectoryError):
        read_regular(tmp_path / "dir.md")
    os.symlink("pipe.md", tmp_path / "to-pipe.md")
    with pytest.raises(NotRegularFile):
        read_regular(tmp_path / "to-pipe.md")
    os.symlink("loop.md", tmp_path / "loop.md")
    with pytest.raises(OSError):
        read_regular(tmp_path / "loop.md")
    with pytest.raises(FileNotFoundError):
        read_regular(tmp_path / "missing.md")
    if os.path.exists("/dev/zero"):
        with pytest.raises(NotRegularFile, match="character device"):
            read_regular("/dev/zero")


def test_read_regular_refuses_a_link_out_of_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("secret")
    (tmp_path / "vault").mkdir()
    os.symlink(outside, tmp_path / "vault" / "leak.md")
    with pytest.raises(NotRegularFile, match="outside the vault"):
        check_regular(tmp_path / "vault" / "leak.md", root=tmp_path / "vault")
    assert read_regular(tmp_path / "vault" / "leak.md") == b"secret"  # without a root: allowed
