"""Bad input through the whole tool: a clear finding and an exit code, never a traceback."""

from __future__ import annotations

import json
import os
import re
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
    # Python refuses int() of more than 4,300 decimal digits (ValueError): a VK001 at it
    ("huge-int", b"---\nn: " + b"9" * 5000 + b"\n---\n", ["VK001"], 1),
    ("huge-int-key", b"---\n" + b"1" * 4301 + b": x\n---\n", ["VK001"], 1),
    ("huge-int-in-list", b"---\nn: [1, -" + b"7" * 4400 + b"]\n---\n", ["VK001"], 1),
    ("huge-int-underscores", b"---\nn: 1_" + b"5_" * 4400 + b"5\n---\n", ["VK001"], 1),
    ("huge-hex-held", b"---\nn: 0x" + b"f" * 5000 + b"\n---\n", [], 0),
    ("huge-float-held", b"---\nn: 1" + b"0" * 5000 + b".5\n---\n", [], 0),
    ("utf16", "# T @k\n".encode("utf-16"), ["VK002"], 1),
    ("only-nuls", b"\x00" * 100, ["VK002"], 1),
    ("python-tag", b"---\nx: !!python/object/apply:os.system [echo hi]\n---\n", ["VK001"], 1),
    ("recursive-alias", b"---\na: &a [*a]\n---\n", ["VK001"], 1),
    ("tab-indented-yaml", b"---\na:\n\tb: 1\n---\n", ["VK001"], 1),
    ("bom-crlf-frontmatter", b"\xef\xbb\xbf---\r\ndate: 2023-03-14\r\n---\r\n# T\r\n", [], 0),
    ("fence-never-closed", b"```\n[[x]] @missing2020\n", [], 0),
    ("comment-never-closed", b"%% [[x]] @missing2020\n", [], 0),
    ("many-lines", b"- [[x]] `c` $m$\n" * 20_000, ["VK203"], 0),
    ("surrogate-bytes", b"a \xed\xa0\x80 b\n", ["VK002"], 1),
]


@pytest.mark.parametrize(("name", "data", "codes", "exit_code"), CASES, ids=[c[0] for c in CASES])
def test_bad_note(tmp_path: Path, name: str, data: bytes, codes: list[str], exit_code: int) -> None:
    # a bibliography, so that VK201 runs (with nothing to check against it does not)
    root = write_vault(tmp_path / "v", {f"notes/{name}.md": data, "references.bib": "@misc{k0}\n"})
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


def test_huge_integer_is_a_vk001_at_the_integer(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"n.md": b"---\ntitle: x\nn: " + b"9" * 5000 + b"\n---\n"})
    result = CliRunner().invoke(main, ["lint", "--format", "json", "--no-cache", str(root)])
    (finding,) = json.loads(result.stdout)
    assert (finding["code"], finding["line"], finding["column"]) == ("VK001", 3, 4)
    assert "5,000 digits" in finding["message"] and "quote it" in finding["message"]


def test_huge_integer_in_the_config_is_a_usage_error(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "x\n",
                                        ".vaultkit.yaml": "index:\n  max-prune-share: " + "9" * 5000})
    result = CliRunner().invoke(main, ["lint", str(root)])
    assert result.exit_code == 2
    assert ".vaultkit.yaml:2:20: invalid YAML" in result.output


@pytest.mark.parametrize("command", [["lint"], ["index", "--check"], ["index"]])
def test_huge_integer_in_a_session_does_not_stop_index(tmp_path: Path, command: list[str]) -> None:
    root = write_vault(tmp_path / "v", {
        "sessions/2023-03-14.md": b"---\nn: " + b"9" * 5000 + b"\n---\n## Log\n- [skim(@k2020)]\n",
        "sessions/2023-03-15.md": b"## Log\n- [read(@k2020)]\n",
        "refs.bib": b"@article{k2020, title={T}}\n",
    })
    args = command + (["--vault", str(root)] if command[0] == "index" else [str(root)])
    result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1)
    if command == ["index"]:
        assert "read" in (root / "papers" / "@k2020.md").read_text()


def test_a_parser_crash_is_a_vk000_finding_and_the_run_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import vaultkit.parse.note as note_module

    real = note_module.split_frontmatter

    def explode(source):  # a parser bug that only this note triggers
        if "boom" in source.text:
            raise RuntimeError("a parser bug")
        return real(source)

    monkeypatch.setattr(note_module, "split_frontmatter", explode)
    root = write_vault(tmp_path / "v", {"bad.md": "boom\n", "good.md": "@missing2020\n",
                                        "references.bib": "@misc{k0}\n"})
    for extra in ([], ["--select", "VK201"], ["--ignore", "VK0"]):
        result = CliRunner().invoke(main, ["lint", "--format", "json", "--no-cache", "--jobs", "1",
                                           *extra, str(root)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        found = {(f["path"], f["code"]) for f in json.loads(result.stdout)}
        assert ("bad.md", "VK000") in found  # never deselected
        assert ("good.md", "VK201") in found  # the other notes were checked
        bad = next(f for f in json.loads(result.stdout) if f["path"] == "bad.md")
        assert "RuntimeError: a parser bug" in bad["message"] and bad["severity"] == "error"
        assert result.exit_code == 1


def test_a_collector_crash_on_one_session_is_vk000_and_the_rest_is_indexed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import vaultkit.index.collect as collect_module

    real = collect_module._SessionReader

    def reader(note, *args):  # a collector bug only this session triggers
        if "boom" in "\n".join(note.lines):
            raise RuntimeError("a collector bug")
        return real(note, *args)

    monkeypatch.setattr(collect_module, "_SessionReader", reader)
    root = write_vault(tmp_path / "v", {
        "sessions/2023-03-14.md": "## Log\n- [skim(@k2020)] boom\n",
        "sessions/2023-03-15.md": "## Log\n- [read(@k2020)]\n",
        "refs.bib": "@article{k2020, title={T}}\n",
    })
    result = CliRunner().invoke(main, ["index", "--vault", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "sessions/2023-03-14.md:1:1: VK000 vaultkit could not index this session (RuntimeError" in result.output
    assert result.exit_code == 1
    assert "2023-03-15" in (root / "papers" / "@k2020.md").read_text()
    result = CliRunner().invoke(main, ["index", "--prune", "--vault", str(root)])
    assert "refusing to prune" in result.output and result.exit_code == 1


@pytest.mark.parametrize("command", [["lint", "--no-cache"], ["index"]])
def test_an_unforeseen_error_is_exit_2_with_a_short_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    import vaultkit.vault as vault_module

    def explode(*args, **kwargs):  # a bug outside any rule or the parser
        raise KeyError("a bug")

    monkeypatch.setattr(vault_module, "_discover", explode)
    monkeypatch.delenv("VAULTKIT_TRACEBACK", raising=False)
    root = write_vault(tmp_path / "v", {"sessions/2023-03-14.md": "## Log\n- [read(@k)]\n"})
    result = CliRunner().invoke(main, [*command, "--vault", str(root)])
    assert result.exit_code == 2  # 1 would read as "findings" to a hook
    assert isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    # where in vaultkit it failed: the innermost frame of vaultkit's own code
    assert re.fullmatch(r"vaultkit: internal error: KeyError: 'a bug' at \w+\.py:\d+ in \w+", lines[0])
    assert "Traceback" not in result.stderr
    assert "VAULTKIT_TRACEBACK=1" in lines[1]
    monkeypatch.setenv("VAULTKIT_TRACEBACK", "1")
    result = CliRunner().invoke(main, [*command, "--vault", str(root)])
    assert result.exit_code == 2 and "Traceback (most recent call last)" in result.stderr
