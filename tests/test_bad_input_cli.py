"""Bad input through the whole tool: a clear finding and an exit code, never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import write_vault
from vaultkit.cli import main

BOMB = "---\na: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcde", "bcdef")) + "---\nbody\n"

CASES: list[tuple[str, bytes, list[str], int]] = [
    ("bom", b"\xef\xbb\xbf---\ntitle: x\n---\n# T\n", [], 0),
    ("crlf", b"---\r\ntitle: x\r\n---\r\n@missingKey2020\r\n", ["VK201"], 1),
    ("lone-cr", b"# T\r@missingKey2020\r", ["VK201"], 1),
    ("latin1", "caf\u00e9 @k\n".encode("latin-1"), ["VK002"], 1),
    ("nul", b"abc\x00def", ["VK002"], 1),
    ("empty", b"", [], 0),
    ("unclosed", b"---\ntitle: x\n", ["VK001"], 1),
    ("bad-yaml", b"---\ntitle: [x\n---\n", ["VK001"], 1),
    ("not-mapping", b"---\n- a\n---\n", ["VK001"], 1),
    ("alias-bomb", BOMB.encode(), ["VK001"], 1),
    ("duplicate-keys", b"---\ntitle: a\ntitle: b\n---\n", ["VK003"], 1),
    ("dates-as-written", b"---\ndate: 2023-03-14\n---\n", [], 0),
    ("long-line", (b"x [@k `a $b [[c " * 350_000)[:5_000_000] + b"\n", ["VK201"], 1),
    ("deep-list", "".join("  " * i + "- x\n" for i in range(2000)).encode(), [], 0),
    ("deep-quote", (b">" * 2000) + b" x\n", [], 0),
]


@pytest.mark.parametrize(("name", "data", "codes", "exit_code"), CASES, ids=[c[0] for c in CASES])
def test_bad_note(tmp_path: Path, name: str, data: bytes, codes: list[str], exit_code: int) -> None:
    root = write_vault(tmp_path / "v", {f"notes/{name}.md": data})
    result = CliRunner().invoke(main, ["lint", "--format", "json", "--no-cache",
                                       "--ignore", "VK1", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    found = json.loads(result.stdout)
    assert sorted({f["code"] for f in found}) == codes
    assert result.exit_code == exit_code
    for finding in found:
        assert finding["line"] >= 1 and finding["column"] >= 1


def test_symlink_loop_and_md_directory(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "fine\n"})
    os.symlink(root / "loop.md", root / "loop.md")  # a link to itself
    (root / "dir.md").mkdir()
    result = CliRunner().invoke(main, ["lint", "--format", "json", "--no-cache", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output
