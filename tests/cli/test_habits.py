"""The habits of ruff users: --show-files, standard input, colour, --watch, did-you-mean."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from vaultkit.cli import main



def lint(runner: CliRunner, *args: str, **kw):
    return runner.invoke(main, ["lint", *args], catch_exceptions=False, **kw)


def test_show_files_lists_targets_and_sessions(runner, vault):
    result = lint(runner, "--show-files", str(vault))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "sessions/2023-03-14.md  (session)" in lines
    assert "references.bib" in lines
    assert any(line.startswith("papers/@vaswaniAttentionAllYou2017.md") for line in lines)
    sessions = sum(1 for line in lines if line.endswith("(session)"))
    assert sessions == 12
    assert f"{len(lines)} files, " in result.stderr and "12 sessions" in result.stderr
    one = lint(runner, "--show-files", str(vault / "sessions" / "2023-03-14.md"))
    assert one.stdout == "sessions/2023-03-14.md  (session)\n"


def test_stdin_is_linted_as_the_named_note(runner, vault, monkeypatch):
    monkeypatch.chdir(vault)
    text = (vault / "sessions" / "2023-03-14.md").read_text(encoding="utf-8")
    typo = text.replace("@radfordLearningTransferableVisual2021)]", "@radfordLearningTransferableVisual2O21)]")
    result = lint(runner, "-", "--stdin-filename", "sessions/2023-03-14.md", input=typo)
    assert result.exit_code == 1
    assert "sessions/2023-03-14.md:28:9: VK201 unknown citekey @radfordLearningTransferableVisual2O21" in result.stdout
    assert (vault / "sessions" / "2023-03-14.md").read_text(encoding="utf-8") == text  # untouched
    # a note that does not exist yet on disk
    new = lint(runner, "-", "--stdin-filename", "sessions/2099-01-01.md", input=text)
    assert new.exit_code == 0, new.stdout
    missing = lint(runner, "-", input=text)
    assert missing.exit_code == 2 and "--stdin-filename" in missing.stderr


def test_stdin_fix_prints_the_fixed_note(runner, vault, monkeypatch):
    monkeypatch.chdir(vault)
    text = (vault / "sessions" / "2023-04-19.md").read_text(encoding="utf-8")
    result = lint(runner, "-", "--fix", "--stdin-filename", "sessions/2023-04-19.md", input=text)
    assert result.stdout == text.replace("## Next?", "## Learned\n\n## Next?")
    assert (vault / "sessions" / "2023-04-19.md").read_text(encoding="utf-8") == text


def test_colour_flags_and_environment(runner, vault):
    plain = lint(runner, str(vault))
    assert "\x1b[" not in plain.stdout
    forced = lint(runner, "--color", str(vault))
    assert "\x1b[" in forced.stdout  # --color forces colour into a pipe
    env = lint(runner, str(vault), env={"FORCE_COLOR": "1"})
    assert "\x1b[" in env.stdout
    off = lint(runner, str(vault), env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in off.stdout
    flag_wins = lint(runner, "--no-color", str(vault), env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in flag_wins.stdout
    # the contract survives colour: strip the escapes and the line is as in a pipe
    stripped = re.sub(r"\x1b\[[0-9;]*m", "", forced.stdout)
    assert stripped.splitlines()[0] == plain.stdout.splitlines()[0]


@pytest.mark.parametrize(("typo", "hint"), [
    ("VK2O1", "VK201"), ("vk2o1", "VK201"), ("dangling-citekeys", "dangling-citekey"),
    ("unresolved-links", "unresolved-link"), ("VK10", None),
])
def test_did_you_mean_compares_like_for_like(runner, vault, typo, hint):
    result = lint(runner, "--select", typo, str(vault))
    if hint is None:
        assert result.exit_code in (0, 1)  # a prefix: valid
        return
    assert result.exit_code == 2
    assert f"(did you mean {hint}?)" in result.stderr
