"""Compiled regular expressions kept between runs (vaultkit.regexcache).

What is kept must be exactly what ``re`` compiles (the same program handed to ``_sre``),
a damaged or foreign file must be ignored, and a second lint must compile none of the
patterns the first one kept -- while giving the same findings.
"""

from __future__ import annotations

import json
import marshal
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_VAULT
from tests.probe import PRELUDE
from vaultkit import regexcache

pytestmark = pytest.mark.skipif(regexcache._cache() is None, reason="re keeps no cache here")

PATTERNS = [
    ("a(?P<x>b)c", 0),
    (r"(?<=\n)^ {0,3}(?P<hashes>#{1,6})(?!#+)(?P<text>[ \t]*|[ \t]+.*?)$", re.M),
    (r"\[\[(?P<target>[^\]|#^]*)(?:#(?P<heading>[^\]|]*))?(?:\|(?P<alias>[^\]]*))?\]\]", 0),
    ("straße|ǅ", re.I),
    (rb"[\x80-\xff]+", 0),
    (r"(?x) a  # a comment\n  b+ ", 0),
    (r"(a)|(?P<b>b)(?(1)x|y)", re.S),
]
SAMPLES = ["abc", "## Heading text\n", "x\n### h", "[[note#part|alias]]", "STRASSE", "ǆ",
           "a b", "ab", "by", "axy", ""]


def _captured(pattern: str | bytes, flags: int, monkeypatch: pytest.MonkeyPatch) -> tuple:
    """The arguments ``re`` itself hands to ``_sre.compile`` for ``pattern``."""
    seen: list[tuple] = []
    real = regexcache._sre.compile

    def spy(*args: object) -> object:
        seen.append(args)
        return real(*args)

    with monkeypatch.context() as m:
        m.setattr(regexcache._sre, "compile", spy)
        re._compiler.compile(pattern, flags)
    (args,) = seen
    return args


@pytest.mark.parametrize("pattern, flags", PATTERNS, ids=[repr(p[0])[:30] for p in PATTERNS])
def test_an_entry_is_the_program_re_compiles(pattern: str | bytes, flags: int,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    pattern_arg, compiled_flags, code, groups, groupindex, indexgroup = _captured(
        pattern, flags, monkeypatch)
    assert regexcache.entry(pattern, flags) == (
        pattern, flags, compiled_flags, list(code), groups, dict(groupindex), tuple(indexgroup))
    made = regexcache._compiled(regexcache.entry(pattern, flags))
    fresh = re._compiler.compile(pattern, flags)
    assert (made.pattern, made.flags, made.groups, made.groupindex) == (
        fresh.pattern, fresh.flags, fresh.groups, fresh.groupindex)
    for text in SAMPLES:
        subject = text.encode() if isinstance(pattern, bytes) else text
        assert [m.span() for m in made.finditer(subject)] == [m.span() for m in fresh.finditer(subject)]


def _saved(folder: Path, patterns: list[tuple[str | bytes, int]]) -> Path:
    seeds = regexcache.Seeds(regexcache.file_in(folder), [], frozenset())
    seeds.save_entries([regexcache.entry(p, f) for p, f in patterns])
    path = regexcache.file_in(folder)
    assert path is not None and path.exists()
    return path


def _seeded_keys(folder: Path, monkeypatch: pytest.MonkeyPatch) -> set:
    """What :func:`seed` adds to a cache that holds none of :data:`PATTERNS`."""
    monkeypatch.setattr(re, "_cache", {})
    seeds = regexcache.seed(folder)
    assert {(type(e[0]), e[0], e[1]) for e in seeds.entries} <= set(re._cache)
    return set(re._cache)


def test_seeded_patterns_are_what_re_compile_returns(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _saved(tmp_path, PATTERNS)
    keys = _seeded_keys(tmp_path, monkeypatch)
    assert keys == {(type(p), p, f) for p, f in PATTERNS}
    compiles: list[object] = []
    monkeypatch.setattr(re._compiler, "compile", lambda *a: compiles.append(a))
    for pattern, flags in PATTERNS:
        got = re.compile(pattern, flags)
        assert got.pattern == pattern
        assert got is re._cache[(type(pattern), pattern, flags)]
    assert compiles == []  # every one served from the seeded cache


@pytest.mark.parametrize("damage", ["flip", "truncate", "magic", "empty"])
def test_a_damaged_file_seeds_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      damage: str) -> None:
    path = _saved(tmp_path, PATTERNS)
    data = bytearray(path.read_bytes())
    if damage == "flip":  # a literal of a program changed: still a valid program (of
        entries = [regexcache.entry(p, f) for p, f in PATTERNS]  # another pattern), and a
        code = entries[0][3]  # valid file but for its CRC
        code[code.index(ord("b"))] = ord("z")
        head = len(regexcache.MAGIC) + 4
        data[head:] = marshal.dumps((regexcache._build(), entries))
    elif damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "magic":
        data[0] ^= 0xFF
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    assert _seeded_keys(tmp_path, monkeypatch) == set()


def test_a_file_of_another_interpreter_build_seeds_nothing(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _saved(tmp_path, PATTERNS)
    real = regexcache._build()
    monkeypatch.setattr(regexcache, "_build", lambda: (*real[:-1], real[-1] - 1))
    assert _seeded_keys(tmp_path, monkeypatch) == set()


def test_a_program_sre_refuses_is_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = regexcache.entry("abc", 0)
    bad = (*regexcache.entry("xyz", 0)[:3], [1, 2, 3], *good[4:])
    seeds = regexcache.Seeds(regexcache.file_in(tmp_path), [], frozenset())
    seeds.save_entries([good, bad])
    assert _seeded_keys(tmp_path, monkeypatch) == {(str, "abc", 0)}


def test_save_adds_only_what_was_compiled_since(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(re, "_cache", {})
    re.compile("before-the-seed")
    seeds = regexcache.seed(tmp_path)
    seeds.save()
    assert not regexcache.file_in(tmp_path).exists()  # nothing new: no file written
    re.compile("after-the-seed", re.I)
    seeds.save()
    assert {e[0] for e in regexcache.seed(tmp_path).entries} == {"after-the-seed"}


PROBE = PRELUDE + """
import json, re, sys
compiled = []
real = re._compiler.compile
def counting(pattern, flags=0):
    compiled.append(pattern if isinstance(pattern, str) else repr(pattern))
    return real(pattern, flags)
re._compiler.compile = counting
from vaultkit.cli import main
sys.argv = ["vaultkit", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
print("\\0" + json.dumps(compiled))
"""


def _lint(cache: Path, *args: str) -> tuple[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(["lint", "--format", "json", *args])],
                          capture_output=True, text=True, timeout=120, cwd=EXAMPLE_VAULT,
                          env={**__import__("os").environ, "VAULTKIT_CACHE_DIR": str(cache)})
    output, _, listing = done.stdout.rpartition("\0")
    return output, json.loads(listing)


def test_a_second_lint_compiles_none_of_the_kept_patterns(tmp_path: Path) -> None:
    first, compiled_first = _lint(tmp_path, ".")
    kept = regexcache.file_in(tmp_path)
    assert kept is not None and kept.exists()
    scanner = [p for p in compiled_first if "(?P<fenced_code>" in p]
    assert scanner  # mistune's block scanner, compiled on the first parse
    second, compiled_second = _lint(tmp_path, ".")
    assert second == first
    assert json.loads(second) == json.loads(_lint(tmp_path, "--no-cache", ".")[0])
    assert not set(compiled_second) & set(scanner)
    # what is compiled still was compiled before the lint began (the interpreter's start-up)
    assert len(compiled_second) * 4 < len(compiled_first)


def test_no_cache_keeps_no_patterns(tmp_path: Path) -> None:
    _lint(tmp_path, "--no-cache", ".")
    assert not regexcache.file_in(tmp_path).exists()
