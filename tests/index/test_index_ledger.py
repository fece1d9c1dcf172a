"""`vaultkit index` after a change plans only the pages the change touches (the ledger),
and writes exactly what a run without any store writes.

Every scenario indexes a vault, settles it, makes one change and indexes again, then
compares every index note with a ``--no-cache`` run on a copy.  Where the change is one
a ledger can answer, the test also checks that it did, and which notes it planned again:
the saving is real, and a page it skips is one that did not change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import vaultkit.index.ledger as ledger_module
from tests.index.test_index_incremental import age, generated, index, parsed, same_as_no_cache  # noqa: F401
from tests.conftest import write_vault
from tests.index.test_index_notes import bib, session

BIB = bib("a2020", "b2021", "c2022", "d2023")
VAULT: dict[str, str | bytes] = {
    "references.bib": BIB,
    "sessions/2023-01-01.md": session("- [read(@a2020)]\n  - [question -> why a?]\n  - compared with @c2022\n"
                                      "- [skim(@b2021)]", context="- see @c2022"),
    "sessions/2023-01-02.md": session("- [deep-read(@a2020)]\n  - [eureka -> it scales]",
                                      learned="- [question -> a loose one?]"),
    "sessions/2023-02-03.md": session("- [skim(@c2022)]\n- [read(@b2021)]\n  - ![fig](img.png)"),
    "sessions/2023-03-04.md": session("- [skim(@d2023)]\n  - [hypothesize -> d beats c]"),
    "sessions/img.png": b"\x89PNG\r\n\x1a\n",
}
ALL = {"papers/@a2020.md", "papers/@b2021.md", "papers/@c2022.md", "papers/@d2023.md", "Papers.md",
       "Questions.md"}


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """What each run's ledger answered: the notes it planned again, or None (a full plan)."""
    seen: list[object] = []
    real = ledger_module.incremental

    def recording(*args, **kwargs):  # type: ignore[no-untyped-def]
        got = real(*args, **kwargs)
        seen.append(None if got is None else set(got.replanned))
        return got

    monkeypatch.setattr(ledger_module, "incremental", recording)
    return seen


def settled(tmp_path: Path, spy: list[object], files: dict[str, str | bytes] = VAULT) -> Path:
    root = write_vault(tmp_path / "vault", files)
    age(root)
    assert index(root)[0] == 0
    age(root)
    assert "0 created, 0 updated" in index(root)[1]
    spy.clear()
    return root


def edit(root: Path, path: str, old: str, new: str) -> None:
    note = root / path
    text = note.read_text(encoding="utf-8")
    assert old in text, text
    note.write_text(text.replace(old, new, 1), encoding="utf-8")


def again(root: Path, tmp_path: Path) -> str:
    age(root)
    code, out = index(root)
    assert code == 0, out
    same_as_no_cache(root, tmp_path)
    age(root)
    assert "0 created, 0 updated" in index(root)[1]  # and it settles
    return out


# (what changes, the edit, the notes the ledger plans again)
SESSION_EDITS = {
    "new citation": (lambda r: edit(r, "sessions/2023-03-04.md", "d beats c]", "d beats c]\n  - unlike @b2021"),
                     {"papers/@d2023.md", "papers/@b2021.md", "Papers.md"}),  # b2021's sessions
    "removed citation": (lambda r: edit(r, "sessions/2023-01-01.md", "  - compared with @c2022\n", ""),
                         # the session still mentions c2022 elsewhere: Papers.md is the same
                         {"papers/@a2020.md", "papers/@b2021.md", "papers/@c2022.md"}),
    "changed thought": (lambda r: edit(r, "sessions/2023-01-02.md", "it scales", "it does not scale"),
                        {"papers/@a2020.md", "Questions.md"}),  # an eureka is an open question
    "new question": (lambda r: edit(r, "sessions/2023-02-03.md", "- [skim(@c2022)]",
                                    "- [skim(@c2022)]\n  - [question -> is c fair?]"),
                     {"papers/@c2022.md", "papers/@b2021.md", "Questions.md"}),
    "changed bullet": (lambda r: edit(r, "sessions/2023-03-04.md", "d beats c]", "d beats c]\n  - a bullet"),
                       {"papers/@d2023.md"}),  # what the overview and the questions show is the same
    "renamed session": (lambda r: (r / "sessions/2023-03-04.md").rename(r / "sessions/2023-03-05.md"),
                        {"papers/@d2023.md", "Papers.md", "Questions.md"}),
    "deleted session": (lambda r: (r / "sessions/2023-02-03.md").unlink(),
                        {"papers/@b2021.md", "papers/@c2022.md", "Papers.md", "Questions.md"}),
    "new session": (lambda r: (r / "sessions/2023-04-01.md").write_text(session("- [read(@d2023)]"),
                                                                         encoding="utf-8"),
                    {"papers/@d2023.md", "Papers.md", "Questions.md"}),
}


@pytest.mark.parametrize("name", sorted(SESSION_EDITS))
def test_a_session_change_replans_the_pages_it_touches(tmp_path: Path, spy: list[object], name: str) -> None:
    change, replanned = SESSION_EDITS[name]
    root = settled(tmp_path, spy)
    before = generated(root)
    change(root)
    again(root, tmp_path)
    assert spy[0] == replanned
    assert set(before) == ALL and generated(root) != before


def test_a_tick_replans_questions_only(tmp_path: Path, spy: list[object]) -> None:
    root = settled(tmp_path, spy)
    edit(root, "Questions.md", "- [ ] **question** why a?", "- [x] **question** why a?")
    out = again(root, tmp_path)
    assert "0 created, 1 updated" in out, out
    assert spy[0] == {"Questions.md"}
    closed = (root / "Questions.md").read_text(encoding="utf-8").split("## Closed", 1)[1]
    assert "- [x] **question** why a?" in closed


def test_a_hand_edit_of_an_index_note_is_repaired(tmp_path: Path, spy: list[object]) -> None:
    root = settled(tmp_path, spy)
    fresh = generated(root)
    edit(root, "papers/@c2022.md", "**Status:**", "**Status?**")  # inside the region: undone
    edit(root, "papers/@b2021.md", "# Title of b2021\n", "# Title of b2021\n\nMy own words.\n")  # kept
    out = again(root, tmp_path)
    assert spy[0] == {"papers/@b2021.md", "papers/@c2022.md"}
    assert "0 created, 1 updated" in out, out
    assert generated(root)["papers/@c2022.md"] == fresh["papers/@c2022.md"]
    assert "My own words." in (root / "papers/@b2021.md").read_text(encoding="utf-8")


def test_a_hand_edit_with_a_session_change_is_repaired_too(tmp_path: Path, spy: list[object]) -> None:
    root = settled(tmp_path, spy)
    fresh = generated(root)
    edit(root, "papers/@c2022.md", "**Status:**", "**Status?**")
    edit(root, "sessions/2023-03-04.md", "d beats c]", "d beats c]\n  - a bullet")
    again(root, tmp_path)
    assert spy[0] == {"papers/@c2022.md", "papers/@d2023.md"}
    assert generated(root)["papers/@c2022.md"] == fresh["papers/@c2022.md"]


@pytest.mark.parametrize("gone", ["papers/@a2020.md", "Papers.md", "Questions.md"])
def test_an_index_note_deleted_by_hand_is_written_again(tmp_path: Path, spy: list[object], gone: str) -> None:
    root = settled(tmp_path, spy)
    fresh = generated(root)
    (root / gone).unlink()
    out = again(root, tmp_path)
    assert "1 created, 0 updated" in out, out
    assert generated(root) == fresh


# changes only a full plan can answer: every page may change
FULL_EDITS = {
    "bibliography title": lambda r: (r / "references.bib").write_text(
        BIB.replace("Title of c2022", "A New Title"), encoding="utf-8"),
    "config": lambda r: (r / ".vaultkit.yaml").write_text("index:\n  log: compact\n", encoding="utf-8"),
    "new paper": lambda r: (edit(r, "sessions/2023-03-04.md", "d beats c]", "d beats c]\n- [skim(@e2024)]"),
                            (r / "references.bib").write_text(BIB + bib("e2024"), encoding="utf-8")),
    # [[2023-01-01]] in the pages of its papers must now say which one: sessions/2023-01-01
    "session named like another session": lambda r: (r / "sessions/old/2023-01-01.md").parent.mkdir()
    or (r / "sessions/old/2023-01-01.md").write_text(session("- [skim(@d2023)]"), encoding="utf-8"),
    "a session named like an image": lambda r: (r / "sessions/img.png.md").write_text(
        session("- [skim(@a2020)]"), encoding="utf-8"),
}


@pytest.mark.parametrize("name", sorted(FULL_EDITS))
def test_other_changes_plan_in_full(tmp_path: Path, spy: list[object], name: str) -> None:
    root = settled(tmp_path, spy)
    before = generated(root)
    FULL_EDITS[name](root)
    again(root, tmp_path)
    assert spy[0] is None
    assert generated(root) != before


def test_a_new_paper_in_a_session_only_is_indexed_and_settles(tmp_path: Path, spy: list[object]) -> None:
    """A key the bibliography lacks gets no note: the indexed papers are unchanged, so
    the ledger answers (the dangling key is the linter's to report)."""
    root = settled(tmp_path, spy)
    edit(root, "sessions/2023-03-04.md", "d beats c]", "d beats c]\n- [skim(@nowhere2024)]")
    again(root, tmp_path)
    assert spy[0] == {"papers/@d2023.md", "Papers.md"}
    assert not (root / "papers/@nowhere2024.md").exists()


# -- Questions.md in pages ----------------------------------------------------------------

import vaultkit.index.pages as pages_module  # noqa: E402

YEARS: dict[str, str | bytes] = {
    "references.bib": bib("a2020", "b2021", "c2022"),
    "sessions/2021-03-01.md": session("- [read(@a2020)]\n  - [question -> an old question?]"),
    "sessions/2022-05-01.md": session("- [skim(@b2021)]\n  - [question -> a question of 2022?]\n"
                                      "  - [hypothesize -> b is a thing]"),
    "sessions/2023-07-01.md": session("- [read(@c2022)]\n  - [question -> the newest question?]"),
}


def test_many_questions_take_one_page_per_year(tmp_path: Path, spy: list[object],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages_module, "QUESTIONS_BUDGET", 150)  # a few questions fill a page
    root = settled(tmp_path, spy, {**YEARS, ".vaultkit.yaml": "link-format: relative\nindex:\n  link-style: markdown\n"})
    listing = (root / "Questions.md").read_text(encoding="utf-8")
    assert "a question of 2022?" not in listing and "· 2 questions" in listing
    pages = sorted(p.relative_to(root).as_posix() for p in (root / "Questions").iterdir())
    assert pages == ["Questions/2021.md", "Questions/2022.md", "Questions/2023.md"]
    assert listing.index("(Questions/2023.md)") < listing.index("(Questions/2022.md)")  # newest first
    page = (root / "Questions/2022.md").read_text(encoding="utf-8")
    assert "a question of 2022?" in page and "b is a" in page and "the newest question" not in page
    assert "](../sessions/2022-05-01.md#Log)" in page and "](../papers/%40b2021.md)" in page  # links resolve
    # a tick on a page: that page alone is written again, and the tick stays
    edit(root, "Questions/2022.md", "- [ ] **question** a question of 2022?", "- [x] **question** a question of 2022?")
    out = again(root, tmp_path)
    assert "0 created, 1 updated" in out, out
    assert spy[0] == {"Questions/2022.md"}  # the other pages are known to be as written
    closed = (root / "Questions/2022.md").read_text(encoding="utf-8").split("## Closed", 1)[1]
    assert "- [x] **question** a question of 2022?" in closed
    # back to one note: the tick made on a page is kept, the pages say where to look
    monkeypatch.setattr(pages_module, "QUESTIONS_BUDGET", 1_000_000)  # (a new vaultkit: a full plan)
    age(root)
    assert index(root, "--no-cache")[0] == 0
    single = (root / "Questions.md").read_text(encoding="utf-8")
    assert "- [x] **question** a question of 2022?" in single.split("## Closed", 1)[1]
    assert "- [ ] **question** the newest question?" in single
    assert "No questions are on this page any more" in (root / "Questions/2023.md").read_text(encoding="utf-8")
    same_as_no_cache(root, tmp_path)


def test_a_paper_moves_to_the_page_of_its_latest_question_with_its_ticks(
        tmp_path: Path, spy: list[object], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages_module, "QUESTIONS_BUDGET", 150)
    root = settled(tmp_path, spy, YEARS)
    edit(root, "Questions/2021.md", "- [ ] **question** an old question?", "- [x] **question** an old question?")
    age(root)
    index(root)
    (root / "sessions/2023-08-01.md").write_text(session("- [read(@a2020)]\n  - [question -> a new one?]"),
                                                 encoding="utf-8")
    again(root, tmp_path)
    page = (root / "Questions/2023.md").read_text(encoding="utf-8")
    assert "- [x] **question** an old question?" in page.split("## Closed", 1)[1]
    assert "a new one?" in page
    assert "an old question" not in (root / "Questions/2021.md").read_text(encoding="utf-8")


def test_no_generated_note_exceeds_the_budget_much(monkeypatch: pytest.MonkeyPatch) -> None:
    from vaultkit.index.collect import Harvest, Session

    def group(key: str, year: int, n: int) -> pages_module.Group:
        return (key, [Harvest(Session(f"sessions/{year}-01-{d:02d}.md", f"{year}-01-{d:02d}"), "question",
                              f"question {key} {d} " + "x" * 80, 1) for d in range(1, n + 1)])

    monkeypatch.setattr(pages_module, "QUESTIONS_BUDGET", 2000)
    spread = pages_module.paginate([group("a", 2020, 10), group("b", 2021, 10), group("c", 2021, 10),
                                    group("d", 2021, 10)])
    assert spread is not None
    assert [label for label, _ in spread] == ["2021", "2021-2", "2021-3", "2020"]
    assert pages_module.paginate([group("a", 2020, 2)]) is None


def test_prune_parses_only_the_notes_it_may_delete(tmp_path: Path, spy: list[object], parsed: list[str]) -> None:
    """Which index notes vaultkit wrote whole is in the store's facts: a prune parses
    only the notes of papers no longer cited, never every index note."""
    root = settled(tmp_path, spy)
    edit(root, "sessions/2023-03-04.md", "- [skim(@d2023)]\n  - [hypothesize -> d beats c]", "- nothing")
    age(root)
    parsed.clear()
    code, out = index(root, "--prune")
    assert code == 0 and "1 pruned" in out, out
    assert not (root / "papers/@d2023.md").exists()
    notes = sorted(p for p in parsed if p.startswith("papers/"))
    assert notes == ["papers/@d2023.md"], parsed
    same_as_no_cache(root, tmp_path)


def test_a_tick_closes_the_same_question_on_another_page(tmp_path: Path, spy: list[object],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """One thought citing two papers is a question of both: shown under each, on the
    page of each paper's latest question; ticked on one page, it is closed on both."""
    monkeypatch.setattr(pages_module, "QUESTIONS_BUDGET", 150)
    root = settled(tmp_path, spy, {**YEARS, "sessions/2021-03-01.md": session(
        "- [read(@a2020)]\n  - [question -> an old question?]",
        learned="- [question -> does @a2020 beat @c2022?]")})
    line = "**question** does @a2020 beat @c2022?"
    assert f"- [ ] {line}" in (root / "Questions/2021.md").read_text(encoding="utf-8")
    assert f"- [ ] {line}" in (root / "Questions/2023.md").read_text(encoding="utf-8")
    edit(root, "Questions/2021.md", f"- [ ] {line}", f"- [x] {line}")
    out = again(root, tmp_path)
    assert "0 created, 2 updated" in out, out
    assert spy[0] == {"Questions/2021.md", "Questions/2023.md"}
    for page in ("Questions/2021.md", "Questions/2023.md"):
        assert f"- [x] {line}" in (root / page).read_text(encoding="utf-8").split("## Closed", 1)[1]
