"""`vaultkit index` from stored parts: unchanged sessions are not parsed, a run with
nothing new reads its saved plan, and every change that matters is seen.

Each scenario compares the bytes the incremental run wrote with a run without any
store (``--no-cache``) on a copy of the same vault: results identical to the slow path.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import write_vault
from tests.index.test_index_notes import bib, session
from vaultkit.cli import main


def age(root: Path, seconds: float = 30.0) -> None:
    """Date the files just written back: a file modified in the last two seconds is in
    doubt (git's racy rule) and would keep the store from trusting its stat.  Older
    files keep their stat (a bibliography touched here would change the plan's key)."""
    now = time.time()
    for path in root.rglob("*"):
        if path.is_file() and path.stat().st_mtime > now - 10:
            os.utime(path, (now - seconds, now - seconds))


def index(root: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["index", "--vault", str(root), *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def lint(root: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["lint", "--jobs", "1", *extra, str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the notes parsed (the runs here are small: no worker processes)."""
    import vaultkit.parse.note as note_module

    seen: list[str] = []
    real = note_module.parse_text

    def counting(path: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(note_module, "parse_text", counting)
    return seen


def generated(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in [*root.glob("papers/*.md"), root / "Papers.md", root / "Questions.md",
                      *root.glob("Questions/*.md")] if p.exists()}


def same_as_no_cache(root: Path, tmp_path: Path) -> None:
    """What the stored run left equals what a run without a store writes on a copy."""
    copy = tmp_path / "copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy)
    index(copy, "--no-cache")
    assert generated(root) == generated(copy)


VAULT = {
    "references.bib": bib("a2020", "b2021", "c2022"),
    "sessions/2023-01-01.md": session("- [read(@a2020)]\n  - [question -> why a?]\n- [skim(@b2021)]"),
    "sessions/2023-01-02.md": session("- [deep-read(@a2020)]\n  - see ![fig](img.png)",
                                      context="- compare @c2022"),
    "sessions/img.png": b"\x89PNG\r\n\x1a\n",
    "sessions/2023-01-03.md": session("- [skim(@c2022)]"),
}


def make(tmp_path: Path, files: dict[str, str | bytes] = VAULT) -> Path:
    root = write_vault(tmp_path / "vault", files)
    age(root)
    return root


def test_nothing_new_parses_nothing_and_writes_nothing(tmp_path: Path, parsed: list[str]) -> None:
    root = make(tmp_path)
    assert index(root)[0] == 0
    age(root)
    before = generated(root)
    parsed.clear()
    code, out = index(root)
    assert code == 0 and "0 created, 0 updated, 5 unchanged" in out
    assert parsed == []
    assert generated(root) == before


def test_one_session_changed_parses_that_session_and_what_was_written(tmp_path: Path, parsed: list[str]) -> None:
    root = make(tmp_path)
    index(root)
    age(root)
    index(root)  # settles the index notes' stats
    changed = root / "sessions/2023-01-03.md"
    changed.write_text(changed.read_text() + "  - a new bullet @b2021\n", encoding="utf-8")
    age(root)
    parsed.clear()
    code, out = index(root)
    assert code == 0 and "0 created, 3 updated" in out, out
    sessions = [p for p in parsed if p.startswith("sessions/")]
    assert sessions == ["sessions/2023-01-03.md"]
    # after writing, the notes written are read back once for the store: not the others
    assert sorted(set(parsed) - set(sessions)) == ["Papers.md", "papers/@b2021.md", "papers/@c2022.md"]
    same_as_no_cache(root, tmp_path)


def test_a_change_after_the_first_index_reads_no_index_notes_facts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index notes a run wrote are parsed once for the store; the parts of what was
    parsed are kept too, so the next run knows from their hashes alone that they are no
    sessions (it read every index note's facts to learn it: 2.7 s at 10,000 sessions)."""
    from vaultkit.store import Store

    root = make(tmp_path)
    assert index(root)[0] == 0  # no settling run in between
    changed = root / "sessions/2023-01-03.md"
    changed.write_text(changed.read_text() + "  - a new bullet\n", encoding="utf-8")
    age(root)
    read: list[str] = []
    real = Store.facts

    def facts(self: Store, path: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        read.append(path)
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(Store, "facts", facts)
    code, out = index(root)
    assert code == 0 and "0 created, 1 updated" in out, out
    # (the overview's and questions' own schemas are asked once: index refuses a session there)
    assert [p for p in read if p.startswith("papers/")] == []
    same_as_no_cache(root, tmp_path)


def test_after_writing_only_the_notes_written_are_looked_at_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store learns the notes the run wrote; the others' stats were taken by the
    same run's stat pass and are not taken again (15,000 stats at 10,000 sessions)."""
    from collections import Counter

    import vaultkit.engine as engine

    root = make(tmp_path)
    index(root)
    age(root)
    index(root)
    changed = root / "sessions/2023-01-03.md"
    changed.write_text(changed.read_text() + "  - a new bullet @b2021\n", encoding="utf-8")
    age(root)
    seen: Counter[str] = Counter()
    real = engine._stat

    def stat(absolute: str):  # type: ignore[no-untyped-def]
        seen[Path(absolute).relative_to(root).as_posix()] += 1
        return real(absolute)

    monkeypatch.setattr(engine, "_stat", stat)
    code, out = index(root)
    assert code == 0 and "0 created, 3 updated" in out, out
    twice = sorted(p for p, n in seen.items() if n > 1)
    assert twice == ["Papers.md", "papers/@b2021.md", "papers/@c2022.md"], seen
    assert len(seen) == len(list(root.rglob("*.md")))
    same_as_no_cache(root, tmp_path)


@pytest.mark.parametrize("edit", ["bibliography", "region", "template", "image", "new-session",
                                  "deleted-session"])
def test_every_input_of_the_plan_is_seen(tmp_path: Path, edit: str, parsed: list[str]) -> None:
    files: dict[str, str | bytes] = {**VAULT, ".vaultkit.yaml": "exclude: [layouts/]\nindex:\n  templates: layouts\n",
                                     "layouts/about.txt": "layouts of the index notes"}
    root = make(tmp_path, files)
    assert index(root)[0] == 0
    age(root)
    assert "0 updated" in index(root)[1]
    parsed.clear()
    assert "0 updated" in index(root)[1]
    assert parsed == []  # the saved plan is in use from here on
    if edit == "bibliography":  # a title: only the bibliography says it
        (root / "references.bib").write_text(bib("a2020", "b2021", "c2022").replace(
            "Title of b2021", "A Better Title"), encoding="utf-8")
    elif edit == "region":  # a hand edit inside the generated region is undone
        note = root / "papers/@a2020.md"
        note.write_text(note.read_text().replace("**Status:**", "**Status?**"), encoding="utf-8")
    elif edit == "template":
        (root / "layouts/paper.md").write_text("$status\n\nCustom layout\n", encoding="utf-8")
    elif edit == "image":  # the copied bullet's link follows the image to its new place
        (root / "sessions/img.png").rename(root / "img.png")
    elif edit == "new-session":
        (root / "sessions/2023-01-04.md").write_text(session("- [read(@b2021)]"), encoding="utf-8")
    elif edit == "deleted-session":
        (root / "sessions/2023-01-03.md").unlink()
    age(root)
    code, out = index(root)
    assert code == 0 and "0 updated" not in out, out
    same_as_no_cache(root, tmp_path)
    age(root)
    assert "0 created, 0 updated" in index(root)[1]


def test_stale_index_rule_reads_the_saved_plan(tmp_path: Path, parsed: list[str]) -> None:
    root = make(tmp_path)
    index(root)
    age(root)
    parsed.clear()
    code, out = lint(root, "--select", "VK301")
    assert code == 0 and "no findings" in out, out
    # neither the lint nor the plan parsed a note: the index's run stored the findings of
    # the same rules (VK301 is whole-vault and no part of the cache key) and its parts
    assert parsed == []
    lint(root)
    assert parsed == []  # the plain lint after it: the same rows
    note = root / "sessions/2023-01-03.md"
    note.write_text(note.read_text().replace("skim(@c2022)", "read(@c2022)"), encoding="utf-8")
    age(root)
    code, out = lint(root, "--select", "VK301")
    stale = sorted(line.split(":", 1)[0] for line in out.splitlines() if " VK301 " in line)
    assert stale == ["Papers.md", "papers/@c2022.md"], out
    parsed.clear()
    assert lint(root, "--select", "VK301")[1] == out  # the stale plan is saved too
    assert parsed == []


SOURCED_BIB = """@article{paper2023,
  title = {A Paper},
  doi = {10.1000/xyz}
}
"""


def test_a_link_source_follows_the_bibliography(tmp_path: Path) -> None:
    """A session naming its paper by address: the worker that parses it has no
    bibliography, and the bibliography may change later; the part is checked each run."""
    root = make(tmp_path, {
        "references.bib": SOURCED_BIB,
        "sessions/2023-01-01.md": session("- [read([A Paper](https://doi.org/10.1000/xyz))]\n"
                                          "  - [question -> does it hold?]"),
    })
    assert index(root)[0] == 0
    assert "2023-01-01" in (root / "papers/@paper2023.md").read_text()
    questions = (root / "Questions.md").read_text()
    assert "does it hold?" in questions.split("[[@paper2023")[1]  # grouped under the paper
    same_as_no_cache(root, tmp_path)
    (root / "references.bib").write_text(SOURCED_BIB.replace("10.1000/xyz", "10.1000/other"), encoding="utf-8")
    age(root)
    index(root)
    questions = (root / "Questions.md").read_text()
    assert "[[@paper2023" not in questions  # the address names no paper now: the link
    assert "does it hold?" in questions.split("https://doi.org/10.1000/xyz")[1]
    same_as_no_cache(root, tmp_path)


def test_a_damaged_part_is_made_again(tmp_path: Path) -> None:
    import sqlite3

    from vaultkit.store import Store, _seal

    root = make(tmp_path)
    index(root)
    db = sqlite3.connect(Store(root).path)
    rows = db.execute("SELECT kind, path, hash, cfg FROM parts WHERE path LIKE 'sessions/%'").fetchall()
    assert rows
    for kind, path, hash_, cfg in rows:  # sealed, so only the decoder can tell
        data = b'{"not": "a part"}'
        db.execute("UPDATE parts SET data = ?, seal = ? WHERE kind = ? AND path = ?",
                   (data, _seal(kind, path, hash_, cfg, data), kind, path))
    db.execute("DELETE FROM states")
    db.commit()
    db.close()
    for page in root.glob("papers/*.md"):
        page.unlink()
    assert index(root)[0] == 0
    same_as_no_cache(root, tmp_path)
