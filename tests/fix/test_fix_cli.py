"""``vaultkit lint --fix / --unsafe-fixes / --diff / --fix-only`` on a copy of example-vault."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from vaultkit.cli import main

LEARNED = "sessions/2023-04-19.md"   # planted VK101: '## Learned' missing (safe fix)
TYPO = "sessions/2023-03-22.md"      # planted VK107: [solilquy -> …] (unsafe fix)


def lint(runner: CliRunner, *args: str):
    return runner.invoke(main, ["lint", *args], catch_exceptions=False)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def codes(runner: CliRunner, vault: Path) -> list[tuple[str, str]]:
    result = lint(runner, str(vault), "--format", "json")
    return [(f["path"], f["code"]) for f in json.loads(result.stdout)]


def test_diff_writes_nothing_and_exits_1(runner, vault):
    before = snapshot(vault)
    result = lint(runner, str(vault), "--diff")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"--- a/{LEARNED}\n+++ b/{LEARNED}\n")
    assert "+## Learned\n" in result.stdout
    assert "soliloquy" not in result.stdout  # unsafe: only with --unsafe-fixes
    assert snapshot(vault) == before
    assert "Would fix 1 finding in 1 note." in result.stderr
    unsafe = lint(runner, str(vault), "--diff", "--unsafe-fixes")
    assert f"+++ b/{TYPO}\n" in unsafe.stdout and "+  - [soliloquy ->" in unsafe.stdout


def test_fix_then_nothing_left_to_fix(runner, vault):
    before = snapshot(vault)
    result = lint(runner, str(vault), "--fix")
    assert result.exit_code == 1  # errors that have no fix remain
    assert "Fixed 1 finding in 1 note." in result.stdout
    after = snapshot(vault)
    assert {p for p in before if before[p] != after[p]} == {LEARNED}
    assert after[LEARNED] == before[LEARNED].replace(b"## Next?", b"## Learned\n\n## Next?")
    assert (LEARNED, "VK101") not in codes(runner, vault)
    again = lint(runner, str(vault), "--diff")
    assert again.exit_code == 0 and again.stdout == ""
    assert snapshot(vault) == after


def test_unsafe_fixes_apply_with_the_flag(runner, vault):
    lint(runner, str(vault), "--fix", "--unsafe-fixes")
    assert b"[soliloquy ->" in (vault / TYPO).read_bytes()
    assert (TYPO, "VK107") not in codes(runner, vault)


def test_fix_only_reports_nothing_and_exits_0(runner, vault):
    result = lint(runner, str(vault), "--fix-only")
    assert result.exit_code == 0
    assert "VK201" not in result.stdout
    assert result.stdout.strip() == "Fixed 1 finding in 1 note."
    assert b"## Learned" in (vault / LEARNED).read_bytes()


def test_fix_keeps_bom_crlf_and_other_bytes(runner, vault):
    note = vault / "sessions" / "2023-05-03.md"
    text = note.read_bytes().replace(b"\n## Log", b"\n### Log").replace(b"\n", b"\r\n")
    note.write_bytes(b"\xef\xbb\xbf" + text)
    result = lint(runner, "--fix", str(note))
    assert "Fixed 1 finding in 1 note." in result.stdout, result.stdout
    assert note.read_bytes() == b"\xef\xbb\xbf" + text.replace(b"### Log", b"## Log")


def test_fix_reports_on_the_given_paths_only(runner, vault):
    before = snapshot(vault)
    lint(runner, str(vault / "sessions" / "2023-03-22.md"), "--fix", "--unsafe-fixes")
    after = snapshot(vault)
    assert {p for p in before if before[p] != after[p]} == {TYPO}


def test_exit_zero_and_quiet(runner, vault):
    result = lint(runner, str(vault), "--exit-zero", "--quiet")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("sessions/")
    assert not any(line.startswith(("Found ", "All clear")) for line in result.stdout.splitlines())
    loud = lint(runner, str(vault))
    assert loud.exit_code == 1
    assert len(loud.stdout.splitlines()) == len(result.stdout.splitlines()) + 1


def test_output_format_is_format(runner, vault):
    a = lint(runner, str(vault), "--output-format", "json")
    b = lint(runner, str(vault), "--format", "json")
    assert a.stdout == b.stdout and json.loads(a.stdout)


def test_a_note_saved_during_the_fix_is_left_alone(runner, vault, monkeypatch):
    """Compare-and-swap: the editor's save wins; vaultkit names the note and writes nothing."""
    import vaultkit.fix as fix

    note = vault / LEARNED
    real = fix.fix_bytes

    def racing(path, data, *args, **kwargs):
        outcome = real(path, data, *args, **kwargs)
        note.write_bytes(data + b"\n- typed in the editor meanwhile\n")
        return outcome

    monkeypatch.setattr(fix, "fix_bytes", racing)
    result = lint(runner, str(vault), "--fix")
    assert f"vaultkit: {LEARNED} changed while it was being fixed; left as it was" in result.stderr
    assert note.read_bytes().endswith(b"- typed in the editor meanwhile\n")
    assert b"## Learned" not in note.read_bytes()
    assert "Fixed 0 findings in 0 notes." in result.stdout


def test_a_save_written_late_into_the_replaced_note_is_put_back(runner, vault, monkeypatch):
    """A writer that opened the note before the fix replaced it and wrote only after the
    write's own look (a loaded machine) is found by the run's sweep: the save is put
    back, the fix is not counted, the note is named."""
    from vaultkit import fsutil

    note = vault / LEARNED
    before = note.read_bytes()
    slow = open(note, "ab")  # opened by name before the replace, writes only later
    real_sweep = fsutil.LateWrites.sweep

    def late_save_then_sweep(self, grace: float = 0.02):
        slow.write(b"- typed in the editor, late\n")
        slow.close()
        return real_sweep(self, grace)

    monkeypatch.setattr(fsutil.LateWrites, "sweep", late_save_then_sweep)
    result = lint(runner, str(vault), "--fix")
    assert note.read_bytes() == before + b"- typed in the editor, late\n"
    assert f"vaultkit: {LEARNED} changed while it was being fixed; left as it was" in result.stderr
    assert "Fixed 0 findings in 0 notes." in result.stdout
    assert f"{LEARNED}:" in result.stdout  # its finding is still reported, from its bytes now


NOTE = "sessions/2023-05-03.md"  # a clean session of example-vault

# (old text of the note -> planted text, the text --fix must write back, flags)
EACH_FIX = [
    pytest.param("## Log\n", "### Log\n", "## Log\n", (), id="VK109-heading-level"),
    pytest.param("## tl;dr\n", "---\ntags: [a]\ntags: [b]\n---\n## tl;dr\n",
                 "---\ntags: [b]\n---\n## tl;dr\n", ("--unsafe-fixes",), id="VK003-duplicate-key"),
    pytest.param("[[@vaswaniAttentionAllYou2017]]", "[[@vaswaniAtentionAllYou2017]]",
                 "[[@vaswaniAttentionAllYou2017]]", ("--unsafe-fixes",), id="VK203-single-candidate"),
    pytest.param("[[2023-03-10]]", "[[2023-03-10\\]]", "[[2023-03-10]]", (), id="VK203-trailing-backslash"),
    pytest.param("[[@vaswaniAttentionAllYou2017]]", "[[papers/@VASWANIAttentionAllYou2017]]",
                 "[[papers/@vaswaniAttentionAllYou2017]]", ("--extend-select", "VK204"),
                 id="VK204-case"),
    pytest.param("in [[2023-03-10]]", "in [[2023-03-10]] and `vaswaniAttentionAllYou2017`",
                 "in [[2023-03-10]] and @vaswaniAttentionAllYou2017", (), id="VK209-code-span"),
    pytest.param("in [[2023-03-10]]", "in [[2023-03-14#Lerned]]", "in [[2023-03-14#Learned]]",
                 ("--unsafe-fixes",), id="VK203-heading"),
    pytest.param("Skimmed the ViT paper", "[solilquy -> x] Skimmed the ViT paper",
                 "[soliloquy -> x] Skimmed the ViT paper", ("--unsafe-fixes",), id="VK107-tag"),
    pytest.param("@merulloLinearlyMappingImage2022,", "@merulloLinearlyMappingImag2022,",
                 "@merulloLinearlyMappingImage2022,", ("--unsafe-fixes",), id="VK201-citekey"),
]


@pytest.mark.parametrize(("old", "planted", "fixed", "flags"), EACH_FIX)
def test_each_fix_through_the_cli(runner, vault, old, planted, fixed, flags):
    note = vault / NOTE
    original = note.read_text(encoding="utf-8")
    assert original.count(old) == 1
    note.write_text(original.replace(old, planted), encoding="utf-8")
    before = snapshot(vault)
    diff = lint(runner, "--diff", *flags, str(note))
    assert diff.exit_code == 1 and f"+++ b/{NOTE}" in diff.stdout
    assert snapshot(vault) == before  # --diff writes nothing
    result = lint(runner, "--fix", *flags, str(note))
    assert "Fixed 1 finding in 1 note." in result.stdout, result.stdout
    assert note.read_text(encoding="utf-8") == original.replace(old, fixed)
    after = snapshot(vault)
    assert {p for p in before if before[p] != after[p]} == {NOTE}
    assert lint(runner, "--diff", *flags, str(note)).exit_code == 0  # nothing left to fix


def test_two_close_candidates_get_no_fix(runner, vault):
    note = vault / NOTE
    note.write_text(note.read_text(encoding="utf-8").replace("[[2023-03-10]]", "[[2023-03-1O]]"),
                    encoding="utf-8")
    found = json.loads(lint(runner, "--format", "json", str(note)).stdout)
    [vk203] = [f for f in found if f["code"] == "VK203"]
    assert vk203["fix"] is None  # 2023-03-10 and 2023-03-14 are equally close
    assert lint(runner, "--diff", "--unsafe-fixes", str(note)).exit_code == 0
