"""Identical findings on one line are capped ("and N more on this line"); facts are not."""

from __future__ import annotations

from vaultkit.checks.base import REPEATS_PER_LINE, Hit, cap_repeats
from vaultkit.model import Span

MISSING = "unresolved link 'x': no such note"


def test_a_line_of_repeats_reports_the_first_ones_and_counts_the_rest(vk2) -> None:
    found = vk2.findings({"a.md": "[[x]] " * 25 + "\n"}, select=("VK203",))
    assert [(f.span.line, f.span.column) for f in found] == [(1, 1 + 6 * i) for i in range(REPEATS_PER_LINE)]
    assert [f.message for f in found] == [MISSING] * (REPEATS_PER_LINE - 1) + [
        f"{MISSING} (and {25 - REPEATS_PER_LINE} more on this line)"]


def test_other_lines_and_other_messages_are_not_capped(vk2) -> None:
    line = "[[x]] " * REPEATS_PER_LINE + "[[y]]\n"
    found = vk2.findings({"a.md": line * 2}, select=("VK203",))
    assert len(found) == 2 * (REPEATS_PER_LINE + 1)
    assert not any("more on this line" in f.message for f in found)


def test_the_cap_does_not_change_what_is_suppressed(vk2) -> None:
    source = "[[x]] " * 30 + "%% vaultkit-disable-line VK203 %%\n" + "[[x]] " * 12 + "\n"
    found = vk2.findings({"a.md": source}, select=("VK203",))
    assert {f.span.line for f in found} == {2}
    assert found[-1].message == f"{MISSING} (and 2 more on this line)"


def test_the_index_still_sees_every_citation(tmp_path) -> None:
    from tests.conftest import write_vault
    from vaultkit.vault import Vault

    root = write_vault(tmp_path / "v", {"sessions/2023-03-14.md": "## Log\n- [skim(@k)]\n- " + "@gone " * 40 + "\n",
                                        "refs.bib": "@article{k, title={T}}\n"})
    vault = Vault.load(root, use_cache=False, jobs=1)
    found = [f for f in vault.lint() if f.code == "VK201"]
    assert len(found) == REPEATS_PER_LINE and found[-1].message.endswith(f"(and {40 - REPEATS_PER_LINE} more on this line)")
    note = vault.notes["sessions/2023-03-14.md"]
    assert sum(c.key == "gone" for c in note.citations) == 40


def test_cap_repeats_keys_on_file_line_and_message() -> None:
    hits = [Hit(Span(1, c, 1, c + 1), "m") for c in range(1, 5)] + [
        Hit(Span(1, 9, 1, 10), "m", path="refs.bib"), Hit(Span(2, 1, 2, 2), "m"), Hit(Span(1, 20, 1, 21), "n")]
    kept = cap_repeats(hits, limit=2)
    assert [(h.path, h.span.line, h.span.column, h.message) for h in kept] == [
        (None, 1, 1, "m"), (None, 1, 2, "m (and 2 more on this line)"),
        ("refs.bib", 1, 9, "m"), (None, 2, 1, "m"), (None, 1, 20, "n")]


def test_links_equal_but_for_alias_share_the_cap_and_the_count(vk2) -> None:
    # each distinct link is resolved once; [[x]] and [[x|a]] give the same message
    found = vk2.findings({"a.md": "[[x]] " * 12 + "[[x|a]] " * 3 + "\n"}, select=("VK203",))
    assert len(found) == REPEATS_PER_LINE
    assert [f.message for f in found].count(MISSING) == REPEATS_PER_LINE - 1
    assert found[-1].message == f"{MISSING} (and 5 more on this line)"  # 15 in all
    assert len({(f.span.line, f.span.column) for f in found}) == REPEATS_PER_LINE


def test_hits_standing_for_more_add_their_count() -> None:
    hits = [Hit(Span(1, 1, 1, 2), "m", more=7), Hit(Span(1, 5, 1, 6), "m"), Hit(Span(1, 9, 1, 10), "m", more=2)]
    kept = cap_repeats(hits, limit=2)
    assert [(h.span.column, h.message) for h in kept] == [(1, "m"), (5, "m (and 10 more on this line)")]
