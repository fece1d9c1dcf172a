"""The pure parts of the language server: columns, the cursor's context, code actions."""

from __future__ import annotations

import pytest
from lsprotocol import types

from vaultkit.lsp.convert import Codec
from vaultkit.lsp.cursor import completion_context
from vaultkit.lsp.symbols import code_actions
from vaultkit.model import Edit, Finding, Fix, Span

LINE = "漢字😀 see @key"


@pytest.mark.parametrize("encoding, units", [
    (types.PositionEncodingKind.Utf16, [0, 1, 2, 4, 5]),
    (types.PositionEncodingKind.Utf8, [0, 3, 6, 10, 11]),
    (types.PositionEncodingKind.Utf32, [0, 1, 2, 3, 4]),
])
def test_columns_in_each_encoding_round_trip(encoding: str, units: list[int]) -> None:
    codec = Codec(encoding)
    assert [codec.units(LINE, column) for column in range(1, 6)] == units
    assert [codec.column(LINE, u) for u in units] == [1, 2, 3, 4, 5]


def test_a_position_inside_a_character_snaps_to_its_start_and_past_the_end_clamps() -> None:
    assert Codec(types.PositionEncodingKind.Utf16).column(LINE, 3) == 3  # inside 😀's surrogate pair
    assert Codec(types.PositionEncodingKind.Utf8).column(LINE, 2) == 1  # inside 漢
    assert Codec().column(LINE, 999) == len(LINE) + 1
    assert Codec().position(("a", "bc"), 7, 1) == types.Position(1, 2)  # past the last line


@pytest.mark.parametrize("line, kind, query, start, target", [
    ("See @lora", "citekey", "lora", 6, ""),
    ("See [@hu; @les", "citekey", "les", 12, ""),
    ("[-@hu", "citekey", "hu", 4, ""),
    ("mail jane@exam", None, None, None, None),
    ("Back to [[2023-02", "note", "2023-02", 11, ""),
    ("As in [[2023-02-20#Lo", "heading", "Lo", 20, "2023-02-20"),
    ("here [[#Lo", "heading", "Lo", 9, ""),
    ("claim [[n#^cl", "block", "cl", 12, "n"),
    ("![[lora_r", "embed", "lora_r", 4, ""),
    ("- [dee", "verb", "dee", 4, ""),
    ("  1. [", "verb", "", 7, ""),
    ("A thought [solil", "tag", "solil", 12, ""),
    ("[[done]] and [x", "tag", "x", 15, ""),
    ("plain text", None, None, None, None),
])
def test_completion_context(line: str, kind: str | None, query: str | None, start: int | None,
                            target: str | None) -> None:
    ctx = completion_context(line, len(line) + 1)
    if kind is None:
        assert ctx is None
        return
    assert ctx is not None
    assert (ctx.kind, ctx.query, ctx.start, ctx.target) == (kind, query, start, target)


def test_the_replaced_word_runs_to_the_end_of_the_key_under_the_cursor() -> None:
    ctx = completion_context("See @loraXYZ and", 10)
    assert ctx is not None and (ctx.query, ctx.start, ctx.end) == ("lora", 6, 13)


def _finding(line: int, col: int, end: int, applicability: str = "safe") -> Finding:
    fix = Fix(f"fix {line}:{col}", (Edit(Span(line, col, line, end), "X"),), applicability)  # type: ignore[arg-type]
    return Finding("n.md", Span(line, col, line, end), "VK107", "unknown-tag", "warning", "m", True, None, fix)


def test_code_actions_quick_fixes_in_range_and_fix_all() -> None:
    lines = ["abcdef", "ghijkl"]
    findings = [_finding(1, 1, 3), _finding(1, 2, 4), _finding(2, 1, 2, "unsafe"),
                Finding("n.md", Span(2, 3, 2, 4), "VK201", "dangling-citekey", "error", "m")]
    everything = types.Range(types.Position(0, 0), types.Position(1, 6))
    asked: list[int] = []

    def fix_all() -> tuple[str, int]:
        asked.append(1)
        return "fixed\n", 2

    actions = code_actions(Codec(), lambda p: "file:///v/" + p, findings, lines, everything, None, "{code}", fix_all)
    quick = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
    assert [a.title for a in quick] == ["fix 1:1", "fix 1:2", "fix 2:1 (unsafe)"]
    assert [a.is_preferred for a in quick] == [True, True, False]
    assert quick[0].edit.changes["file:///v/n.md"][0].new_text == "X"
    fix_all_actions = [a for a in actions if a.kind == "source.fixAll.vaultkit"]
    assert [a.title for a in fix_all_actions] == ["vaultkit: fix all safe problems (2)"]
    (edit,) = fix_all_actions[0].edit.changes["file:///v/n.md"]
    assert (edit.range.start, edit.range.end, edit.new_text) == (
        types.Position(0, 0), types.Position(1, 6), "fixed\n")  # the whole note, replaced

    line_two = types.Range(types.Position(1, 0), types.Position(1, 1))
    only_quick = code_actions(Codec(), lambda p: p, findings, lines, line_two, [types.CodeActionKind.QuickFix], "",
                              fix_all)
    assert [a.title for a in only_quick] == ["fix 2:1 (unsafe)"]
    assert len(asked) == 1  # fix-all is computed only when asked for
    only_all = code_actions(Codec(), lambda p: p, findings, lines, line_two, ["source"], "", fix_all)
    assert [a.kind for a in only_all] == ["source.fixAll.vaultkit"]
    assert code_actions(Codec(), lambda p: p, findings[3:], lines, everything, None, "", fix_all) == []


def test_rule_pages_are_the_docstrings_and_every_diagnostic_links_to_one() -> None:
    from pygls.uris import to_fs_path

    from vaultkit.checks import all_rules
    from vaultkit.lsp import ruledocs

    folder = ruledocs.PAGES
    expected = ruledocs.pages()
    stale = sorted(name for name, text in expected.items()
                   if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text)
    assert not stale, f"docs/rules is out of date ({stale}): run python -m vaultkit.lsp.ruledocs docs/rules"
    assert sorted(p.name for p in folder.glob("*.md")) == sorted(expected)  # no page of a removed rule
    for rule in all_rules():
        assert to_fs_path(ruledocs.href(rule.code)) == str(folder / f"{rule.code}.md")
    assert ruledocs.href("VK999") is None
    assert ruledocs.href("VK201", "https://example.org/{code}/{rule}/{module}") == (
        "https://example.org/VK201/dangling-citekey/vk201_dangling_citekey")
