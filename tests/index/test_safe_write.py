"""How `vaultkit index` writes: compare-and-swap, bytes kept, collisions, failures, temps.

Each test names the item of the bug report it guards.  Vaults are built inline: sessions
whose Log cites papers of a small bibliography.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import vaultkit.index as index_module
from vaultkit import fsutil
from tests.conftest import write_vault
from vaultkit.cli import main

BIB = "".join(f"@article{{{k},\n  title = {{Paper {k}}},\n  year = {{2020}},\n}}\n\n"
              for k in ("alpha2020", "beta2020", "gamma2020"))
BEGIN, END = "%% vaultkit:begin index %%", "%% vaultkit:end index %%"


def session(*keys: str, day: int = 1) -> str:
    return "## Log\n" + "".join(f"- [read(@{k})]\n  - notes on {k}\n" for k in keys)


def vault(tmp_path: Path, files: dict[str, str | bytes] | None = None, bib: str = BIB) -> Path:
    base: dict[str, str | bytes] = {
        "references.bib": bib,
        "sessions/2024-01-01.md": session("alpha2020", "beta2020"),
        "sessions/2024-01-02.md": session("gamma2020", "alpha2020"),
    }
    return write_vault(tmp_path / "vault", {**base, **(files or {})})


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["index", "--vault", str(root), "--no-cache", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".obsidian" not in p.parts}


def mtimes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def edit_after_planning(monkeypatch: pytest.MonkeyPatch, edit, path: str = "papers/@alpha2020.md") -> None:
    """Run ``edit`` once ``path`` is planned and before it is written: the user saved
    while vaultkit was planning (each note is written as soon as it is planned)."""
    real_plan_file = index_module._plan_file
    edited: list[str] = []

    def plan_then_edit(vault, planned: str, *args, **kwargs):
        change = real_plan_file(vault, planned, *args, **kwargs)
        if planned == path and not edited:
            edited.append(planned)
            edit()
        return change

    monkeypatch.setattr(index_module, "_plan_file", plan_then_edit)


# -- 1. compare-and-swap -----------------------------------------------------------------

def test_an_edit_saved_between_plan_and_apply_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = vault(tmp_path)
    assert run(root)[0] == 0
    note = root / "papers" / "@alpha2020.md"
    (root / "sessions" / "2024-01-03.md").write_text(session("alpha2020"), encoding="utf-8")

    def user_edit() -> None:
        with open(note, "ab") as handle:
            handle.write(b"\nMy own thought, typed while the index ran.\n")

    edit_after_planning(monkeypatch, user_edit)
    code, out, err = run(root)
    assert code == 0, err
    text = note.read_text(encoding="utf-8")
    assert text.endswith("\nMy own thought, typed while the index ran.\n")  # the edit survived
    assert "2024-01-03" in text  # and the region was planned again from the new bytes
    assert "2 updated" in out  # the note and the overview


def test_a_save_written_into_a_replaced_note_late_is_put_back_and_reported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer that opened the index note before vaultkit replaced it, and wrote only
    after safe_write's own look (a loaded machine), is found by the run's sweep."""
    root = vault(tmp_path)
    assert run(root)[0] == 0
    note = root / "papers" / "@alpha2020.md"
    (root / "sessions" / "2024-01-03.md").write_text(session("alpha2020"), encoding="utf-8")
    before = note.read_bytes()
    slow: list = []
    edit_after_planning(monkeypatch, lambda: slow.append(open(note, "ab")))
    real_sweep = fsutil.LateWrites.sweep

    def late_save_then_sweep(self, grace: float = 0.02):
        slow[0].write(b"typed late\n")  # into the replaced file: no name points to it
        slow[0].close()
        return real_sweep(self, grace)

    monkeypatch.setattr(fsutil.LateWrites, "sweep", late_save_then_sweep)
    code, out, err = run(root)
    assert note.read_bytes() == before + b"typed late\n"  # put back, not lost
    assert code == 1
    assert "papers/@alpha2020.md" in out + err and "changed while indexing" in out + err
    monkeypatch.undo()
    assert run(root)[0] == 0  # the next run indexes it, keeping the save
    text = note.read_text(encoding="utf-8")
    assert "typed late\n" in text and "2024-01-03" in text


def test_a_note_created_by_hand_meanwhile_is_not_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = vault(tmp_path)
    note = root / "papers" / "@beta2020.md"
    edit_after_planning(monkeypatch, lambda: (note.parent.mkdir(exist_ok=True),
                                              note.write_bytes(b"# Beta, my notes\n")), "papers/@beta2020.md")
    code, _, err = run(root)
    assert code == 0, err
    data = note.read_bytes()
    assert data.startswith(b"# Beta, my notes\n\n" + BEGIN.encode())


def test_an_edit_that_breaks_the_markers_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = vault(tmp_path)
    run(root)
    (root / "sessions" / "2024-01-03.md").write_text(session("alpha2020"), encoding="utf-8")
    note = root / "papers" / "@alpha2020.md"
    broken = note.read_bytes().replace(END.encode(), b"(deleted the end marker)")
    edit_after_planning(monkeypatch, lambda: note.write_bytes(broken))
    code, _, err = run(root)
    assert code == 1
    assert note.read_bytes() == broken
    assert "papers/@alpha2020.md:" in err and "VK302" in err


def test_a_note_that_keeps_changing_is_skipped_with_a_finding(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = vault(tmp_path)
    run(root)
    (root / "sessions" / "2024-01-03.md").write_text(session("alpha2020", "beta2020"), encoding="utf-8")
    note = root / "papers" / "@alpha2020.md"
    real_write = index_module.safe_write
    typed: list[bytes] = []

    def write_while_typing(root_: Path, target: Path, data: bytes, *, expected: bytes | None,
                           late=None):
        if target.name == note.name:  # the user saves again before every attempt
            line = f"edit {len(typed)}\n".encode()
            typed.append(line)
            with open(note, "ab") as handle:
                handle.write(line)
        return real_write(root_, target, data, expected=expected, late=late)

    monkeypatch.setattr(index_module, "safe_write", write_while_typing)
    code, out, err = run(root)
    assert code == 1
    assert len(typed) == index_module.ATTEMPTS
    assert note.read_bytes().endswith(b"".join(typed))  # every save is there
    assert "2024-01-03" not in note.read_text(encoding="utf-8")  # vaultkit wrote nothing
    assert re.search(r"papers/@alpha2020\.md:1:1: VK301 changed while indexing.*run 'vaultkit index' again", err)
    assert "1 changed while indexing" in out
    assert "2024-01-03" in (root / "papers" / "@beta2020.md").read_text(encoding="utf-8")  # others written


TYPIST = """
import os, sys, time
notes, stop, log = sys.argv[1:-2], sys.argv[-2], sys.argv[-1]
n = 0
with open(log, "w") as typed:
    while not os.path.exists(stop):
        note = notes[n % len(notes)]
        line = f"edit {n}\\n"
        with open(note, "a") as handle:  # in place, as Obsidian saves
            handle.write(line)
        typed.write(f"{note}\\t{line}")
        n += 1
        time.sleep(0.001)
"""


def test_stress_no_edit_typed_during_index_runs_is_lost(tmp_path: Path) -> None:
    """Another process appends to the index notes while `vaultkit index` runs again and
    again (about three seconds, and at least three runs)."""
    sessions = {f"sessions/2024-02-{d:02d}.md": session("alpha2020", "beta2020", "gamma2020")
                for d in range(1, 21)}
    root = vault(tmp_path, sessions)
    assert run(root)[0] == 0
    notes = [str(root / "papers" / f"@{k}.md") for k in ("alpha2020", "beta2020", "gamma2020")]
    notes.append(str(root / "Papers.md"))
    stop, log = tmp_path / "stop", tmp_path / "typed.log"
    typist = subprocess.Popen([sys.executable, "-c", TYPIST, *notes, str(stop), str(log)])
    runs = 0
    try:
        time.sleep(0.2)
        deadline = time.monotonic() + 3.0
        # at least three runs however loaded the machine is (a slow run once made it two)
        while runs < 3 or time.monotonic() < deadline:
            # a session changes too, so that every run has something to write
            with open(root / "sessions" / "2024-02-01.md", "a", encoding="utf-8") as handle:
                handle.write(f"- [skim(@alpha2020)]\n  - pass {runs}\n")
            run(root)
            runs += 1
    finally:
        stop.touch()
        typist.wait(timeout=10)
    typed = [line.split("\t") for line in log.read_text().splitlines()]
    final = {note: Path(note).read_text(encoding="utf-8") for note in notes}
    lost = [line for note, line in typed if line + "\n" not in final[note]]
    assert runs >= 3 and len(typed) > 100
    assert lost == []
    # once the typing stops, one run brings every note up to date, keeping every edit
    assert run(root)[0] == 0
    assert f"pass {runs - 1}" in Path(notes[0]).read_text(encoding="utf-8")
    assert all(line + "\n" in Path(note).read_text(encoding="utf-8") for note, line in typed)


# -- 2. bytes outside the region ---------------------------------------------------------

def test_bytes_outside_the_region_are_byte_identical(tmp_path: Path) -> None:
    before = (b"\xef\xbb\xbf---\r\ncitekey: alpha2020\r\ntitle: Alpha\r\n---\r\n# caf\xe9\r\n"
              b"latin-1 \xe9 line\rlone CR\nlf line\r\n\r\n")
    after = b"\r\n## Mine \xff\xfe\rtrailer"
    note = before + BEGIN.encode() + b"\r\nold\r\n" + END.encode() + after
    root = vault(tmp_path, {"papers/@alpha2020.md": note})
    code, _, err = run(root)
    data = (root / "papers" / "@alpha2020.md").read_bytes()
    assert data.startswith(before)
    assert data.endswith(END.encode() + after)
    assert b"old" not in data and b"notes on alpha2020" in data
    assert run(root)[0] == code  # and a second run writes nothing
    assert (root / "papers" / "@alpha2020.md").read_bytes() == data


# -- 3. markers only at the top level ----------------------------------------------------

def test_markers_in_frontmatter_and_code_are_not_the_region(tmp_path: Path) -> None:
    note = (f"---\ncitekey: alpha2020\ntitle: Alpha\nexample: |\n  {BEGIN}\n  {END}\n---\n"
            f"# Alpha\n\nHow the markers look:\n\n```markdown\n{BEGIN}\nexample\n{END}\n```\n")
    root = vault(tmp_path, {"papers/@alpha2020.md": note})
    assert run(root)[0] == 0
    text = (root / "papers" / "@alpha2020.md").read_text(encoding="utf-8")
    assert text.startswith(note)  # frontmatter and the example untouched
    assert text[len(note):].startswith(f"\n{BEGIN}\n")
    assert "notes on alpha2020" in text[len(note):]
    before = mtimes(root)
    assert run(root)[0] == 0
    assert mtimes(root) == before


def test_marker_examples_in_a_fence_opened_on_a_list_item_line_are_not_the_region(tmp_path: Path) -> None:
    note = (f"---\ncitekey: alpha2020\ntitle: Alpha\n---\n# Alpha\n\n"
            f"- ```markdown\n  {BEGIN}\n  example\n  {END}\n  ```\n"
            f"1. ~~~\n   {BEGIN}\n   numbered\n   {END}\n   ~~~\n")
    root = vault(tmp_path, {"papers/@alpha2020.md": note})
    assert run(root)[0] == 0
    text = (root / "papers" / "@alpha2020.md").read_text(encoding="utf-8")
    assert text.startswith(note)  # both examples untouched
    assert "notes on alpha2020" in text[len(note):]
    assert run(root)[0] == 0 and (root / "papers" / "@alpha2020.md").read_text(encoding="utf-8") == text


# -- 5. colliding keys -------------------------------------------------------------------

COLLIDING = ("x:y2020", "x/y2020", "x_y2020", "Smith2020", "smith2020")


def test_colliding_keys_settle_and_are_reported_once(tmp_path: Path) -> None:
    bib = "".join(f"@article{{{k},\n  title = {{Paper {k}}},\n}}\n\n" for k in COLLIDING)
    root = vault(tmp_path, {"sessions/2024-01-01.md": session(*COLLIDING),
                            "sessions/2024-01-02.md": session("smith2020")}, bib=bib)
    code, _, err = run(root)
    assert code == 1
    found = [l for l in err.splitlines() if " VK303 " in l]
    assert found == [
        "sessions/2024-01-01.md:10:9: VK303 @smith2020 and @Smith2020 would share the index note "
        "papers/@Smith2020.md; it is @Smith2020's, and @smith2020 gets none: give the entries distinct keys",
        "sessions/2024-01-01.md:2:9: VK303 @x/y2020, @x:y2020 and @x_y2020 would share the index note "
        "papers/@x_y2020.md; it is @x_y2020's, and @x/y2020, @x:y2020 get none: give the entries distinct keys",
    ]
    papers = sorted(p.name for p in (root / "papers").iterdir())
    assert papers == ["@Smith2020.md", "@x_y2020.md"]
    assert "Paper x_y2020" in (root / "papers" / "@x_y2020.md").read_text(encoding="utf-8")
    before = mtimes(root)
    code, out, err2 = run(root)
    assert mtimes(root) == before  # the second run writes nothing
    assert "0 created, 0 updated" in out
    assert err2.count(" VK303 ") == 2
    lint = CliRunner().invoke(main, ["lint", "--vault", str(root), "--no-cache", "--select", "VK303"])
    assert [l.split(": VK303")[0] for l in lint.stdout.splitlines() if "VK303" in l] == [
        "sessions/2024-01-01.md:2:9", "sessions/2024-01-01.md:10:9"]


# -- 6. stale temp files -----------------------------------------------------------------

def _aged(path: Path, seconds: float) -> Path:
    path.write_bytes(b"half a note")
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_stale_temp_files_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    root = vault(tmp_path)
    run(root)
    stale = _aged(root / "papers" / ".@alpha2020.md.k2x9_a0z.vaultkit-tmp", 3600)
    overview_stale = _aged(root / ".Papers.md.0000abcd.vaultkit-tmp", 3600)
    young = _aged(root / "papers" / ".@beta2020.md.abcdefgh.vaultkit-tmp", 1)
    not_ours = _aged(root / "papers" / ".@alpha2020.md.swp", 3600)
    elsewhere = _aged(root / "sessions" / ".2024-01-01.md.abcdefgh.vaultkit-tmp", 3600)
    assert run(root, "--check")[0] == 0
    assert stale.exists()  # --check writes nothing, removes nothing
    code, _, err = run(root)
    assert code == 0
    assert "Removed 2 stale temp files left by an interrupted run." in err
    assert not stale.exists() and not overview_stale.exists()
    assert young.exists() and not_ours.exists() and elsewhere.exists()


# -- 7. failed writes are counted as failed ----------------------------------------------

def test_a_full_disk_counts_failures_not_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = vault(tmp_path)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    planned = run(root, "--check")[1].count(": would be created")
    code, out, err = run(root)
    assert code == 1
    assert planned >= 4
    assert f"Index: 0 created, 0 updated, 0 unchanged, 0 pruned, {planned} failed." in out
    assert err.count("VK304 not written: No space left on device") == planned
    assert not (root / "Papers.md").exists()
    assert not [p for p in root.rglob("*vaultkit-tmp")]


def test_a_read_only_note_is_failed_the_others_written(tmp_path: Path) -> None:
    root = vault(tmp_path)
    run(root)
    (root / "sessions" / "2024-01-03.md").write_text(session("alpha2020", "beta2020"), encoding="utf-8")
    frozen = root / "papers" / "@alpha2020.md"
    frozen.chmod(0o444)
    before = frozen.read_bytes()
    code, out, err = run(root)
    assert code == 1
    assert re.search(r"Index: 0 created, 2 updated, \d+ unchanged, 0 pruned, 1 failed\.", out)
    assert "papers/@alpha2020.md:1:1: VK304 not written: the file is read-only" in err
    assert frozen.read_bytes() == before


def test_an_immutable_note_is_failed(tmp_path: Path) -> None:
    root = vault(tmp_path)
    run(root)
    (root / "sessions" / "2024-01-03.md").write_text(session("alpha2020"), encoding="utf-8")
    frozen = root / "papers" / "@alpha2020.md"
    before = frozen.read_bytes()
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(frozen)],
                                                        capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available on this file system")
    try:
        code, out, err = run(root)
    finally:
        subprocess.run(["chattr", "-i", str(frozen)], check=True)
    assert code == 1
    assert re.search(r"papers/@alpha2020\.md:1:1: VK304 not written: Operation not permitted", err)
    assert ", 1 failed." in out
    assert frozen.read_bytes() == before
    assert not [p for p in root.rglob("*vaultkit-tmp")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_failed(tmp_path: Path) -> None:
    root = vault(tmp_path)
    (root / "papers").mkdir()
    (root / "papers").chmod(0o555)
    try:
        code, out, _ = run(root)
    finally:
        (root / "papers").chmod(0o755)
    assert code == 1
    assert "Index: 1 created, 0 updated, 0 unchanged, 0 pruned, 3 failed." in out  # Papers.md written


# -- 8. the prune share counts only generated notes --------------------------------------

def test_prune_share_counts_only_generated_notes(tmp_path: Path) -> None:
    hand = {f"papers/@hand{n}.md": f"---\ncitekey: hand{n}\ntitle: Hand {n}\n---\n# Mine\n" for n in range(30)}
    root = vault(tmp_path, hand)
    run(root)
    for path in (root / "sessions").iterdir():
        path.write_text("## Log\n- nothing cited\n", encoding="utf-8")
    code, _, err = run(root, "--prune")
    assert code == 1
    assert "refusing to prune 3 of 3 generated index notes" in err
    assert (root / "papers" / "@alpha2020.md").exists()


# -- 9. --diff exits 1 when notes would change -------------------------------------------

def test_diff_exits_1_when_stale_and_0_when_clean(tmp_path: Path) -> None:
    root = vault(tmp_path)
    code, out, _ = run(root, "--diff")
    assert code == 1 and "+++ b/papers/@alpha2020.md" in out
    assert not (root / "papers").exists()
    run(root)
    assert run(root, "--diff") == (0, "", run(root, "--diff")[2])
