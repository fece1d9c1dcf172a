"""Hypothesis properties over hostile input (derandomized in CI: tests/conftest.py).

- ``parse_note`` never raises, on any bytes, and every span it returns is valid.
- A lint gives the same findings cold, warm, with ``--no-cache`` and after every file of
  the cache was overwritten with garbage -- through the public CLI, so the property holds
  whatever the cache is made of (pickle shards today, a SQLite store tomorrow).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.parse.spancheck import check_note
from tests.conftest import write_vault
from vaultkit.cli import main
from vaultkit.parse import parse_note

_PIECES = [
    "---\n", "---\r\n", "...\n", "a: 1\n", "n: " + "9" * 4400 + "\n", "x: &a [*a]\n",
    "k: !!python/object:os.system x\n", "t: [\n", "- a\n", "## Log\n", "- [skim(@k2020)]\n",
    "  - [question -> why?]\n", "[[x]] @key ", "[[a|b#c^d]]", "![i](x.png)", "[t](u.md)",
    "`c`", "$m$", "%% c %%", "<!-- c -->", "> ", "```\n", "\t", "\r", "\n", "\ufeff",
    "\u0301", "🧠", "@", "[", "]]", "((", "\\",
]
_SESSION = "## Log\n- [skim(@k2020)]\n- see @miss2020 and [[nowhere]]\n"


@st.composite
def hostile_notes(draw: st.DrawFn) -> bytes:
    pieces = draw(st.lists(st.sampled_from(_PIECES), max_size=40))
    at = draw(st.integers(0, len(pieces)))
    if draw(st.booleans()):  # findings to lose: a Log, a known and an unknown key, a link
        pieces.insert(at, _SESSION)
    data = "".join(pieces).encode("utf-8")
    if draw(st.integers(0, 5)) == 0:  # a stray invalid or NUL byte somewhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\xe9", b"\xed\xa0\x80", b"\x00"])) + data[at:]
    return data


@given(st.one_of(st.binary(max_size=300), hostile_notes()))
def test_parse_note_never_raises_and_spans_hold(data: bytes) -> None:
    note = parse_note("hostile.md", data)
    assert not any(p.code == "VK000" for p in note.problems), note.problems
    for problem in note.problems:
        assert problem.span.line >= 1 and problem.span.column >= 1
    if note.readable:
        assert check_note(data, note) == []


@st.composite
def vaults(draw: st.DrawFn) -> dict[str, bytes]:
    names = draw(st.lists(st.sampled_from(["sessions/2023-03-14.md", "sessions/2023-03-15.md",
                                           "papers/@k2020.md", "x.md", "notes/a b.md"]),
                          min_size=1, max_size=4, unique=True))
    files = {name: draw(hostile_notes()) for name in names}
    files["refs.bib"] = draw(st.sampled_from([b"@article{k2020, title={T}}\n", b"@article{", b""]))
    return files


def _lint(root: Path, cache: Path, *extra: str) -> tuple[int, list]:
    result = CliRunner(env={"VAULTKIT_CACHE_DIR": str(cache)}).invoke(
        main, ["lint", "--format", "json", "--jobs", "1", *extra, str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, json.loads(result.stdout)


@settings(max_examples=25)
@given(vaults(), st.binary(min_size=0, max_size=64))
def test_lint_is_the_same_cold_warm_uncached_and_with_a_garbage_cache(
        tmp_path_factory, files: dict[str, bytes], garbage: bytes) -> None:
    base = tmp_path_factory.mktemp("prop")
    root = write_vault(base / "v", files)
    cache = base / "cache"
    expected = _lint(root, cache, "--no-cache")
    assert expected[0] in (0, 1)
    assert _lint(root, cache) == expected  # cold: fills the cache
    assert _lint(root, cache) == expected  # warm: reads it
    for folder, _, names in os.walk(cache):
        for name in names:
            Path(folder, name).write_bytes(garbage)
    assert _lint(root, cache) == expected  # every cache file garbage: recomputed
