"""`vaultkit index` on the example vault: snapshots, idempotence, --check and --diff."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLE_VAULT
from vaultkit.cli import main
from vaultkit.index import apply, plan
from vaultkit.vault import Vault


@pytest.fixture
def vault_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE_VAULT, tmp_path / "vault"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def mtimes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def test_generated_notes_match_snapshots(vault_copy: Path, file_regression) -> None:
    code, out, _ = run("index", "--vault", str(vault_copy), "--no-cache")
    assert code == 0, out
    generated = sorted(p for p in (vault_copy / "papers").glob("@*.md"))
    assert len(generated) >= 15
    snapshot = []
    for path in [vault_copy / "Papers.md", vault_copy / "Questions.md", *generated]:
        snapshot.append(f"===== {path.relative_to(vault_copy).as_posix()} =====\n")
        snapshot.append(path.read_text(encoding="utf-8"))
    file_regression.check("".join(snapshot), extension=".md")


def test_second_run_writes_nothing(vault_copy: Path) -> None:
    code, out, _ = run("index", "--vault", str(vault_copy))
    assert code == 0 and "created" in out
    before = mtimes(vault_copy)
    code, out, _ = run("index", "--vault", str(vault_copy))
    assert code == 0
    assert "0 created, 0 updated" in out
    assert mtimes(vault_copy) == before


def test_check_is_stale_then_clean(vault_copy: Path) -> None:
    before = mtimes(vault_copy)
    code, out, err = run("index", "--vault", str(vault_copy), "--check")
    assert code == 1
    assert "papers/@vaswaniAttentionAllYou2017.md: would be updated" in out
    assert "run 'vaultkit index'" in err
    assert mtimes(vault_copy) == before  # --check writes nothing
    run("index", "--vault", str(vault_copy))
    code, out, _ = run("index", "--vault", str(vault_copy), "--check")
    assert code == 0, out


def test_diff_prints_and_writes_nothing(vault_copy: Path) -> None:
    before = mtimes(vault_copy)
    code, out, _ = run("index", "--vault", str(vault_copy), "--diff")
    assert code == 1  # notes would change, like --check
    assert "+++ b/papers/@rombachHighResolutionImageSynthesis2022.md" in out
    assert "+%% vaultkit:begin index %%" in out
    assert mtimes(vault_copy) == before


def test_user_text_outside_region_is_kept(vault_copy: Path) -> None:
    note = vault_copy / "papers" / "@vaswaniAttentionAllYou2017.md"
    original = note.read_bytes()
    run("index", "--vault", str(vault_copy))
    updated = note.read_bytes()
    assert updated.startswith(original)  # the region was appended after every user byte
    assert b"%% vaultkit:begin index %%" in updated[len(original):]


def test_stale_index_rule_and_generated_region_quiet(vault_copy: Path) -> None:
    run("index", "--vault", str(vault_copy))
    session = vault_copy / "sessions" / "2023-02-08.md"
    session.write_text(session.read_text(encoding="utf-8") + "- More on @vaswaniAttentionAllYou2017.\n",
                       encoding="utf-8")
    code, out, _ = run("lint", "--vault", str(vault_copy), "--select", "VK301", "--no-cache",
                       str(vault_copy / "papers"))
    assert code == 0  # VK301 is a warning when selected
    assert "papers/@vaswaniAttentionAllYou2017.md:" in out and "VK301" in out
    # the generated region repeats a dangling key from a session: reported once, in the session
    code, out, _ = run("lint", "--vault", str(vault_copy), "--select", "VK201", "--no-cache")
    assert code == 1, out  # the two planted dangling keys are errors
    assert [line.split(": ")[0] for line in out.splitlines() if ": VK201 " in line] == [
        "sessions/2023-02-24.md:26:9", "sessions/2023-04-05.md:7:69"]
    assert "papers/" not in out


def test_prune_only_wholly_generated(vault_copy: Path) -> None:
    run("index", "--vault", str(vault_copy))
    # a paper no longer cited anywhere: drop its sessions' citations
    for session in (vault_copy / "sessions").glob("*.md"):
        text = session.read_text(encoding="utf-8")
        session.write_text(text.replace("@brownLanguageModelsAre2020", "Brown et al."), encoding="utf-8")
    generated = vault_copy / "papers" / "@brownLanguageModelsAre2020.md"
    user_note = vault_copy / "papers" / "@huLoRALowRankAdaptation2021.md"
    assert generated.exists()
    code, out, _ = run("index", "--vault", str(vault_copy), "--prune", "--no-cache")
    assert code == 0, out
    assert "1 pruned" in out
    assert not generated.exists()
    assert user_note.exists()


def test_prune_refuses_a_mass_deletion(vault_copy: Path) -> None:
    run("index", "--vault", str(vault_copy))
    for session in (vault_copy / "sessions").glob("*.md"):
        session.unlink()
    before = mtimes(vault_copy)
    code, _, err = run("index", "--vault", str(vault_copy), "--prune", "--no-cache")
    assert code == 1
    assert "refusing to prune" in err
    assert set(mtimes(vault_copy)) == set(before)


def test_broken_markers_leave_the_note_alone(vault_copy: Path) -> None:
    note = vault_copy / "papers" / "@vaswaniAttentionAllYou2017.md"
    text = note.read_text(encoding="utf-8") + "\n%% vaultkit:begin index %%\nmine\n"
    note.write_text(text, encoding="utf-8")
    code, _, err = run("index", "--vault", str(vault_copy), "--no-cache")
    assert code == 1
    assert "papers/@vaswaniAttentionAllYou2017.md:" in err and "VK302" in err
    assert note.read_text(encoding="utf-8") == text
    code, out, _ = run("lint", "--vault", str(vault_copy), "--no-cache", str(note))
    assert "VK302" in out and code == 1


def test_line_endings_and_bom_are_kept(vault_copy: Path) -> None:
    note = vault_copy / "papers" / "@vaswaniAttentionAllYou2017.md"
    text = note.read_text(encoding="utf-8")
    note.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    vault = Vault.load(vault_copy, use_cache=False)
    apply(vault, plan(vault))
    data = note.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf---\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"%% vaultkit:begin index %%\r\n" in data


def test_never_writes_through_a_symlink(vault_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("# mine\n", encoding="utf-8")
    note = vault_copy / "papers" / "@vaswaniAttentionAllYou2017.md"
    note.unlink()
    os.symlink(outside, note)
    code, _, err = run("index", "--vault", str(vault_copy), "--no-cache")
    assert code == 1 and "symlink" in err
    assert outside.read_text(encoding="utf-8") == "# mine\n"
