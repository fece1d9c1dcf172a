"""VK303 index-note-collision: cited keys that would share one index note."""

from __future__ import annotations

import pytest

from vaultkit.config import Config
from vaultkit.vault import Vault
from tests.conftest import write_vault

BIB = """@article{Smith2020, title = {A}}
@article{smith2020, title = {B}}
@article{x_y2020, title = {C}}
@article{x:y2020, title = {D}}
@article{jones2021, title = {E}}
"""

CASES = [
    # the loser is reported at its first citation, by path then position
    pytest.param({"sessions/a.md": "Read [@Smith2020].\n",
                  "sessions/b.md": "Text.\n\nAnd [@smith2020] then [@smith2020].\n"},
                 [("sessions/b.md", 3, 6)], id="case-only"),
    pytest.param({"sessions/a.md": "[@x:y2020] and [@x_y2020]\n"},
                 [("sessions/a.md", 1, 2)], id="sanitized-to-one-name"),
    pytest.param({"sessions/b.md": "[@smith2020]\n", "sessions/a.md": "- x\n  - [@smith2020]\n",
                  "sessions/c.md": "[@Smith2020]\n"},
                 [("sessions/a.md", 2, 6)], id="first-path-wins"),
    # what is not a collision
    pytest.param({"sessions/a.md": "[@Smith2020] [@jones2021]\n"}, [], id="only-one-cited"),
    pytest.param({"sessions/a.md": "[@Smith2020]\n", "sessions/b.md": "`[@smith2020]`\n"}, [],
                 id="code-is-not-a-citation"),
    pytest.param({"sessions/a.md": "[@Nobody2020] [@nobody2020]\n"}, [], id="unknown-keys"),
]


@pytest.mark.parametrize(("notes", "expected"), CASES)
def test_vk303(vk2, notes: dict[str, str], expected: list[tuple[str, int, int]]) -> None:
    assert vk2({"references.bib": BIB, **notes}, select=("VK303",)) == [
        (path, line, col, "VK303") for path, line, col in expected]


def test_message_names_the_winner_and_the_note(vk2) -> None:
    files = {"references.bib": BIB, "sessions/a.md": "[@Smith2020] [@smith2020]\n"}
    assert vk2.messages(files, select=("VK303",)) == [
        "@smith2020 and @Smith2020 would share the index note papers/@Smith2020.md; it is "
        "@Smith2020's, and @smith2020 gets none: give the entries distinct keys"]


def test_stored_summaries_give_the_same_findings(tmp_path) -> None:
    """The warm run reads every note's cited keys from the store, not its facts: the
    findings are those of the cold run, and follow a change of one note."""
    root = write_vault(tmp_path / "v", {
        "references.bib": BIB, "sessions/a.md": "[@Smith2020]\n",
        "sessions/b.md": "x\n[@smith2020]\n", "sessions/c.md": "[@jones2021]\n"})
    config = Config(select=("VK303",))

    def lint(use_cache: bool = True) -> list[tuple[str, int, int]]:
        return [(f.path, f.span.line, f.span.column)
                for f in Vault.load(root, config, use_cache=use_cache).lint()]

    assert lint() == lint() == lint(use_cache=False) == [("sessions/b.md", 2, 2)]
    (root / "sessions" / "b.md").write_text("x\ny\n[@jones2021]\n", encoding="utf-8")
    assert lint() == lint(use_cache=False) == []
    (root / "sessions" / "c.md").write_text("[@smith2020]\n", encoding="utf-8")
    assert lint() == lint(use_cache=False) == [("sessions/c.md", 1, 2)]
