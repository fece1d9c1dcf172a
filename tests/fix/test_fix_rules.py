"""The fixes of the per-note rules: inline note in, fixed note out (yamlfile style)."""

from __future__ import annotations

import pytest

from fix_helpers import FULL, fix_note, note_findings


def fixes(source: str, code: str) -> list[tuple[int, int, str]]:
    return [(f.span.line, f.span.column, f.fix.applicability) for f in note_findings(source)
            if f.code == code and f.fix is not None]


# -- VK101 missing-section ------------------------------------------------------------------
@pytest.mark.parametrize(("source", "expected"), [
    pytest.param(FULL.replace("## Learned\n\n", ""), FULL, id="before-the-next-section"),
    pytest.param(FULL.replace("## Context\n\n## Done\n\n", ""), FULL, id="two-at-one-place-in-order"),
    pytest.param(FULL.replace("## Next?\n\n", "").replace("\n## Log\n- [read(@huLoRALowRankAdaptation2021)]\n", ""),
                 FULL.replace("\n## Log\n- [read(@huLoRALowRankAdaptation2021)]\n", ""),
                 id="at-the-end-after-the-last"),
])
def test_vk101_inserts_the_heading_at_its_place(source: str, expected: str) -> None:
    assert fix_note(source, select=("VK101",)) == expected


def test_vk101_at_the_end_without_final_newline() -> None:
    source = FULL.split("## Next?")[0].rstrip("\n")
    assert fix_note(source, select=("VK101",)) == source + "\n\n## Next?\n"


def test_vk101_unsafe_for_must_fill_sections_and_the_log() -> None:
    found = {f.message.split("'")[1]: f.fix.applicability
             for f in note_findings("Just a line.\n") if f.code == "VK101"}
    assert found == {"## tl;dr": "unsafe", "## Context": "safe", "## Done": "safe",
                     "## Learned": "safe", "## Next?": "safe", "## Log": "unsafe"}
    assert fix_note("Just a line.\n", select=("VK101",)) == (
        "Just a line.\n\n## Context\n\n## Done\n\n## Learned\n\n## Next?\n")
    assert fix_note("Just a line.\n", select=("VK101",), unsafe=True) == (
        "Just a line.\n\n## tl;dr\n\n## Context\n\n## Done\n\n## Learned\n\n## Next?\n\n## Log\n")


def test_vk101_uses_the_schema_level_and_keeps_crlf() -> None:
    source = FULL.replace("## Learned\n\n", "").replace("\n", "\r\n")
    assert fix_note(source, select=("VK101",)) == FULL.replace("\n", "\r\n")


# -- VK109 heading-level --------------------------------------------------------------------
def test_vk109_rewrites_the_level_keeping_the_text() -> None:
    source = FULL.replace("## Log", "### Log").replace("## tl;dr", "# TL;DR")
    assert fixes(source, "VK109") == [(1, 1, "safe"), (12, 1, "safe")]
    assert fix_note(source, select=("VK109",)) == FULL.replace("## tl;dr", "## TL;DR")


def test_vk109_setext_becomes_atx() -> None:
    source = FULL.replace("## Context\n", "Context\n=======\n")
    assert fix_note(source, select=("VK109",)) == FULL


# -- VK102 section-order --------------------------------------------------------------------
def test_vk102_moves_sections_into_order_unsafe_only() -> None:
    source = FULL.replace("## Context\n\n", "") + "\n## Context\nwhere from\n"
    assert fixes(source, "VK102") == [(13, 1, "unsafe")]
    assert fix_note(source, select=("VK102",)) == source  # unsafe: not without the flag
    expected = FULL.replace("## Context\n", "## Context\nwhere from\n")
    assert fix_note(source, select=("VK102",), unsafe=True) == expected


def test_vk102_one_fix_for_every_finding() -> None:
    source = "## Log\n- [read(@a)]\n\n## Next?\n\n## tl;dr\nx\n\n## Context\n\n## Done\n\n## Learned\n"
    found = [f for f in note_findings(source) if f.code == "VK102"]
    assert len(found) >= 2 and len({f.fix for f in found}) == 1
    assert fix_note(source, select=("VK102",), unsafe=True) == (
        "## tl;dr\nx\n\n## Context\n\n## Done\n\n## Learned\n\n## Next?\n\n## Log\n- [read(@a)]\n")


# -- VK107 unknown-tag ----------------------------------------------------------------------
def test_vk107_single_close_match_is_an_unsafe_fix() -> None:
    source = FULL.replace("Read LoRA.", "[solilquy -> hm] and [skimm(@x)] and [frobnicate -> y]")
    assert fixes(source, "VK107") == [(2, 1, "unsafe"), (2, 22, "unsafe")]
    assert fix_note(source, select=("VK107",), unsafe=True) == FULL.replace(
        "Read LoRA.", "[soliloquy -> hm] and [skim(@x)] and [frobnicate -> y]")


# -- VK003 duplicate-property ---------------------------------------------------------------
def test_vk003_deletes_the_earlier_entry_unsafe() -> None:
    source = "---\ntags:\n  - a\n  - b\ndate: 2023-03-14\ntags: [c]\n---\n" + FULL
    assert fixes(source, "VK003") == [(6, 1, "unsafe")]
    assert fix_note(source, select=("VK003",), unsafe=True) == (
        "---\ndate: 2023-03-14\ntags: [c]\n---\n" + FULL)


def test_vk003_last_key_of_the_block() -> None:
    source = "---\ntags: [a]\ntags: [c]\n---\n" + FULL
    assert fix_note(source, select=("VK003",), unsafe=True) == "---\ntags: [c]\n---\n" + FULL
