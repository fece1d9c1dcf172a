"""The vault view: Papers.md (order, columns, chart, statistics), Questions.md, templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import write_vault
from tests.index.test_index_notes import bib, load, note_text, session
from vaultkit.cli import main
from vaultkit.index import render
from vaultkit.index.collect import Action, PaperFacts, Reading, Session
from vaultkit.index.templates import load_layouts


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_papers_sorted_by_last_activity_with_the_order_stated(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "references.bib": bib("old2020", "new2020", "mid2020", "tie2020", "undated2020"),
        "sessions/2023-01-01.md": session("- [deep-read(@old2020)]\n- [skim(@new2020)]"),
        "sessions/2023-03-01.md": session("- [skim(@old2020)]\n- [read(@mid2020)]\n- [read(@tie2020)]"),
        "sessions/2023-05-01.md": session("- [read(@new2020)]"),
        "sessions/notes.md": session("- [skim(@undated2020)]"),
    })
    text = note_text(vault, "Papers.md")
    assert "Sorted by last activity, newest first" in text.split("| Paper |", 1)[0]
    keys = re.findall(r"^\| \[\[@(\w+)\]\]", text, re.MULTILINE)
    assert keys == ["new2020", "mid2020", "old2020", "tie2020", "undated2020"]
    rows = {k: line for line in text.splitlines() for k in keys if line.startswith(f"| [[@{k}]]")}
    # columns agree: the deepest action, however it was last touched
    assert rows["old2020"].endswith("| deep-read | 2 | 2023-01-01 | 2023-03-01 |")
    assert rows["undated2020"].endswith("| skim | 1 | — | — |")


def facts_for(n: int) -> list[tuple[render.PaperMeta, PaperFacts]]:
    rows = []
    for i in range(n):
        day = f"{2000 + i // 365:04d}-{1 + (i // 28) % 12:02d}-{1 + i % 28:02d}"
        s = Session(f"sessions/{i}.md", day)
        rows.append((render.PaperMeta(f"p{i:04d}"), PaperFacts(f"p{i:04d}", actions=[
            Action(s, "skim", 1, ()), Action(s, "read", 2, ())])))
    return rows


def test_chart_at_5000_papers_shows_the_40_most_recent() -> None:
    rows = render.by_last_activity(facts_for(5000))
    chart = render.chart(rows)
    sections = re.findall(r"^    section (\S+)$", chart, re.MULTILINE)
    newest = [meta.key for meta, _ in rows[:40]]
    assert len(sections) == 40 and set(sections) == set(newest)
    assert "title Reading over time: the 40 most recently active of 5000 papers" in chart
    assert len(chart.splitlines()) == 5 + 40 * 3 + 1  # header, 40 × (section, skim, read), fence
    # the whole overview of 5,000 papers: one table row each, statistics included
    layouts = load_layouts(Path("."), None)
    region = render.overview_region(rows, Reading({}, [s.session for _, f in rows for s in f.actions[:1]], {}),
                                    ("skim", "read", "deep-read"), "Papers.md", lambda k: f"papers/@{k}.md",
                                    render.Linker("wikilink", lambda name: []), layouts["overview"])
    assert region.count("\n| [[@p") == 5000
    assert "| read | 5000 |" in region


def test_statistics(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "references.bib": bib("a2020", "b2020", "c2020"),
        "sessions/2023-01-01.md": session("- [skim(@a2020)]\n- [skim(@b2020)]"),
        "sessions/2023-01-11.md": session("- [read(@a2020)]", context="- see @c2020"),
        "sessions/2023-02-01.md": session("- [deep-read(@b2020)]"),
        "sessions/2023-02-02.md": session("- nothing read", context="- idle"),
    })
    stats = note_text(vault, "Papers.md").split("## Reading statistics", 1)[1]
    assert "| 2023-02 | 2 | 1 | 0 |\n| 2023-01 | 2 | 2 | 3 |" in stats
    assert "| deep-read | 1 |\n| read | 1 |\n| skim | 0 |\n| mentioned | 1 |" in stats
    assert "Median days from first skim to read / deep-read: 20.5 (2 papers)" in stats  # 10 and 31 days


QUESTION_VAULT = {
    "references.bib": bib("a2020", "b2020"),
    "sessions/2023-01-01.md": session("- [read(@a2020)]\n  - [question -> Why GPT-J?]\n  - [eureka -> Ship it.]"),
    "sessions/2023-02-01.md": session("- [read(@b2020)]\n  - [hypothesize -> Linear is enough.]"),
}


def test_a_ticked_question_survives_two_runs(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", QUESTION_VAULT)
    assert run("index", "--vault", str(root))[0] == 0
    questions = root / "Questions.md"
    text = questions.read_text(encoding="utf-8")
    open_part = text.split("## Open", 1)[1]
    # newest first: the February paper's group before January's
    assert open_part.index("Linear is enough") < open_part.index("Why GPT-J?")
    assert "- [ ] **question** Why GPT-J? · 2023-01-01 · [[2023-01-01#Log]]" in open_part
    questions.write_text(text.replace("- [ ] **question** Why GPT-J?", "- [x] **question** Why GPT-J?"),
                         encoding="utf-8")  # what Obsidian does when the box is ticked
    for _ in range(2):
        code, out, _ = run("index", "--vault", str(root))
        assert code == 0, out
        text = questions.read_text(encoding="utf-8")
        open_part, closed = text.split("## Open", 1)[1].split("## Closed", 1)
        assert "Why GPT-J?" not in open_part
        assert "- [x] **question** Why GPT-J? · 2023-01-01 · [[2023-01-01#Log]]" in closed
        assert "2 open questions" in text
    assert "0 created, 0 updated" in out  # the second run writes nothing
    # the question is deleted from its session: it leaves Closed too
    session_note = root / "sessions" / "2023-01-01.md"
    session_note.write_text(session_note.read_text(encoding="utf-8").replace("  - [question -> Why GPT-J?]\n", ""),
                            encoding="utf-8")
    run("index", "--vault", str(root))
    assert "GPT-J" not in questions.read_text(encoding="utf-8")


def test_questions_can_be_switched_off(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", {**QUESTION_VAULT, ".vaultkit.yaml": "index:\n  questions: null\n"})
    assert run("index", "--vault", str(root))[0] == 0
    assert not (root / "Questions.md").exists()


def test_a_vault_template_changes_the_layout(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", {
        **QUESTION_VAULT,
        ".vaultkit.yaml": "index:\n  templates: layouts\n",
        "layouts/paper.md": "$reading_log\n\nCosts $$0. Status: ${status}\n\n$unused_is_fine_if_absent\n",
    })
    code, _, err = run("index", "--vault", str(root))
    assert code == 2
    assert "layouts/paper.md:5:1: unknown placeholder '$unused_is_fine_if_absent'" in err
    (root / "layouts" / "paper.md").write_text("$reading_log\n\nCosts $$0. Status: ${status}\n", encoding="utf-8")
    code, out, err = run("index", "--vault", str(root))
    assert code == 0, out + err
    text = (root / "papers" / "@a2020.md").read_text(encoding="utf-8")
    region = text.split("%% vaultkit:begin index %%\n", 1)[1]
    assert region.startswith("\n## Reading log\n")
    assert "\nCosts $0. Status: **Status:** read" in region
    assert "## Harvest" not in region  # the template left it out
    # the other layouts stay the built-in ones
    assert "## Open" in (root / "Questions.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("template, message", [
    ("$statuz\n", "layouts/paper.md:1:1: unknown placeholder '$statuz' in the paper template (did you mean '$status'?)"),
    ("Price: $5\n", "layouts/paper.md:1:8: '$' must start a placeholder"),
    ("%% vaultkit:end index %%\n", "layouts/paper.md:1:1: a template cannot contain a region marker line"),
])
def test_a_bad_template_is_a_usage_error(tmp_path: Path, template: str, message: str) -> None:
    root = write_vault(tmp_path / "vault", {**QUESTION_VAULT, ".vaultkit.yaml": "index:\n  templates: layouts\n",
                                            "layouts/paper.md": template})
    code, _, err = run("index", "--vault", str(root))
    assert code == 2 and message in err, err


@pytest.mark.parametrize("config, message", [
    ("index:\n  questionz: Q.md\n", "unknown key 'questionz'"),
    ("index:\n  log: short\n", "index.log"),
    ("index:\n  templates: nowhere\n", "index.templates: 'nowhere' is not a folder of the vault"),
    ("index:\n  templates: ../..\n", "index.templates: '../..' is outside the vault"),
])
def test_index_config_is_checked(tmp_path: Path, config: str, message: str) -> None:
    root = write_vault(tmp_path / "vault", {**QUESTION_VAULT, ".vaultkit.yaml": config})
    code, _, err = run("index", "--vault", str(root))
    assert code == 2 and message in err, err


def test_a_tick_made_while_index_plans_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ticks are read from the very bytes the compare-and-swap write checks: a box
    ticked after the pages are built but before Questions.md is read for writing survives."""
    import vaultkit.index as index_module

    root = write_vault(tmp_path / "vault", QUESTION_VAULT)
    assert run("index", "--vault", str(root))[0] == 0
    questions = root / "Questions.md"
    build = index_module._build

    def build_then_tick(*args, **kwargs):  # type: ignore[no-untyped-def]
        built = build(*args, **kwargs)
        text = questions.read_text(encoding="utf-8")
        questions.write_text(text.replace("- [ ] **question** Why GPT-J?", "- [x] **question** Why GPT-J?"),
                             encoding="utf-8")
        return built

    monkeypatch.setattr(index_module, "_build", build_then_tick)
    assert run("index", "--vault", str(root))[0] == 0
    closed = questions.read_text(encoding="utf-8").split("## Closed", 1)[1]
    assert "- [x] **question** Why GPT-J?" in closed
