"""Cost linear in the input, asserted on structure (executed lines), never on seconds.

Each case runs at sizes N, 2N and 4N under a line counter (``sys.settrace``).  The
increments cancel the fixed cost (schemas, imports): for a linear job the second one is
about twice the first, for a quadratic one four times.  Speed figures live in
``benchmarks/`` (``python benchmarks/run.py --group hostile``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType
from typing import Any, Callable

import pytest

from tests.conftest import write_vault
from vaultkit.checks.base import REPEATS_PER_LINE
from vaultkit.parse import parse_note
from vaultkit.vault import Vault

LINEAR = 2.4
"""Largest allowed ratio of the two increments (2 for linear, 4 for quadratic)."""


def executed_lines(job: Callable[[], Any]) -> int:
    count = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        count += 1
        return tracer

    sys.settrace(tracer)
    try:
        job()
    finally:
        sys.settrace(None)
    return count


def assert_linear(make: Callable[[int], Callable[[], Any]], n: int) -> None:
    make(n)()  # warm: imports, compiled patterns, loaded schemas
    counts = [executed_lines(make(size)) for size in (n, 2 * n, 4 * n)]
    first, second = counts[1] - counts[0], counts[2] - counts[1]
    assert first > 0
    assert second <= LINEAR * first, f"executed lines at N, 2N, 4N: {counts} (not linear)"


def lint_of(tmp_path: Path, files: Callable[[int], dict[str, str]]) -> Callable[[int], Callable[[], Any]]:
    def make(n: int) -> Callable[[], Any]:
        root = write_vault(tmp_path / f"v{n}", files(n))
        return lambda: Vault.load(root, use_cache=False, jobs=1).lint()
    return make


def known_keys(n: int) -> dict[str, str]:
    """One session with n actions on n distinct keys, all in the bibliography."""
    return {
        "sessions/2023-03-14.md": "## Log\n" + "".join(f"- [skim(@key{i})]\n  - [question -> q{i}?]\n"
                                                      for i in range(n)),
        "refs.bib": "".join(f"@article{{key{i}, title={{T{i}}}}}\n" for i in range(n)),
    }


def dangling_keys(n: int) -> dict[str, str]:
    """One session citing n distinct keys nobody defines (each a VK201 with did-you-mean)."""
    return {"sessions/2023-03-14.md": "## Log\n- [skim(@base2020)]\n"
            + "".join(f"- see @miss{i}ing and [[note {i}]]\n" for i in range(n)),
            "refs.bib": "@article{base2020, title={T}}\n"}


def one_line(n: int) -> dict[str, str]:
    """n links and n citations on one line."""
    return {"sessions/2023-03-14.md": "## Log\n- [skim(@key)]\n- " + "[[x]] @key " * n + "\n"}


@pytest.mark.parametrize("files", [known_keys, dangling_keys, one_line], ids=lambda f: f.__name__)
def test_lint_is_linear(tmp_path: Path, files: Callable[[int], dict[str, str]]) -> None:
    assert_linear(lint_of(tmp_path, files), 150)


@pytest.mark.parametrize("unit", ["[[x]] @key ", "- [skim(@k)] [[n]] `c` %% x %%\n",
                                  "> - [a](b.md) ![i](x.png) [q -> w] $m$ <!-- c -->\n"])
def test_parse_is_linear(unit: str) -> None:
    assert_linear(lambda n: lambda: parse_note("n.md", (unit * n).encode()), 300)


def test_a_repeated_link_target_is_resolved_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vaultkit.references import Resolver

    calls: list[str] = []
    real = Resolver._resolve

    def counting(self: Resolver, link: Any, source: str) -> Any:
        calls.append(link.target)
        return real(self, link, source)

    monkeypatch.setattr(Resolver, "_resolve", counting)
    root = write_vault(tmp_path / "v", {"a.md": "[[x]] [[x|alias]] ![[x]] " * 300 + "\n"})
    findings = Vault.load(root, use_cache=False, jobs=1).lint()
    # every link is still checked; the line's 900 identical findings are capped
    (last,) = [f for f in findings if f.code == "VK203" and "more on this line" in f.message]
    assert last.message.endswith(f"(and {900 - REPEATS_PER_LINE} more on this line)")
    assert calls.count("x") <= 2  # one wikilink, one embed: not once per link (was 3,600)


def test_a_repeated_missing_name_is_compared_with_the_vault_once(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from vaultkit.checks import vk203_unresolved_link as vk203

    calls: list[str] = []
    real = vk203.closest  # rapidfuzz's process.extract, imported on first use

    def counting(query: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(query)
        return real(query, *args, **kwargs)

    monkeypatch.setattr(vk203, "closest", counting)
    root = write_vault(tmp_path / "v", {"a.md": "[[notes]] " * 50 + "\n" + "[[notes]]\n" * 50, "note.md": "n"})
    findings = Vault.load(root, use_cache=False, jobs=1).lint()
    fixes = [f.fix for f in findings if f.code == "VK203"]
    assert len(fixes) == 10 + 50 and all(f is not None and f.edits[0].text == "note" for f in fixes)
    assert calls == ["notes"]  # once per name, not once per link (each a pass over every note)


def test_a_long_line_of_links_and_citations_is_held_compactly() -> None:
    """Memory, asserted on allocations (tracemalloc), never on the machine: a note of
    40,000 links and citations on one line keeps about 28 bytes per element (it was 420:
    a NamedTuple, two spans and their integers each), and parsing it peaks at about 10
    bytes per byte of input (it was 85).  ``benchmarks/hostile.py`` has the 20 MB figures."""
    import tracemalloc

    data = ("- [skim(@key)]\n- " + "[[x]] @key " * 20_000 + "\n").encode()
    parse_note("n.md", data)  # warm: imports, compiled patterns
    tracemalloc.start()
    try:
        note = parse_note("n.md", data)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    elements = len(note.links) + len(note.citations)
    assert elements == 40_001
    assert kept / elements < 60, f"{kept / elements:.0f} bytes kept per element"
    assert peak / len(data) < 20, f"{peak / len(data):.0f} bytes at the peak per byte of input"
