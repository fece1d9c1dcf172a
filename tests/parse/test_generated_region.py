"""A vaultkit-generated region is not parsed as the user's text (its headings are)."""

from __future__ import annotations

from vaultkit.parse.note import parse_text

NOTE = """\
---
title: x
---
# Title
Mine: @a and [[Mine]]
%% vaultkit:begin index %%
## Reading log
- @b [[Theirs]] ![](fig.png) [question -> q]
%% vaultkit:end index %%
After: @c
"""


def test_region_text_is_skipped_but_headings_and_positions_stay() -> None:
    note = parse_text("papers/@x.md", NOTE)
    assert [c.key for c in note.citations] == ["a", "c"]
    assert [l.target for l in note.links] == ["Mine"]
    assert note.tags == ()
    assert [h.text for h in note.headings] == ["Title", "Reading log"]
    assert note.citations[-1].span[:2] == (10, 8)
    assert note.lines[7] == "- @b [[Theirs]] ![](fig.png) [question -> q]"  # kept as written


def test_broken_markers_parse_everything() -> None:
    broken = NOTE.replace("%% vaultkit:end index %%\n", "")
    note = parse_text("papers/@x.md", broken)
    assert [c.key for c in note.citations] == ["a", "b", "c"]
