"""An editor's first note, checked from the rows it needs (``Vault.open_partial``).

The language server opens the vault and checks the note the editor has open before
anything else; reading every stored row first was most of its first diagnostics.  Each
result is compared with the same check on a vault without a store; that no vault-wide
read happened is shown by making the store's "every row" read fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vaultkit.store import Store
from vaultkit.vault import Vault
from tests.conftest import write_vault
from tests.probe import PRELUDE
from tests.engine.test_few_paths import TARGET, _files, backdate, no_full_read, rows  # noqa: F401

EDITED = "the paper [@nobody2020] and [[other#Gone]]"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = write_vault(tmp_path / "v", _files())
    backdate(root)
    rows(root, [])  # fills the store
    return root


def typed(root: Path) -> bytes:
    return (root / TARGET).read_text(encoding="utf-8").replace("the paper", EDITED).encode()


def found(vault: Vault, path: str) -> list[tuple]:
    return [(f.path, f.span.line, f.span.column, f.code, f.message) for f in vault.findings(path)]


def test_the_open_note_is_checked_without_reading_every_row(vault: Path, no_full_read: None) -> None:
    live = Vault.load(vault)
    assert live.open_partial()
    live.update(TARGET, typed(vault))
    got = found(live, TARGET)
    assert {code for *_, code, _ in got} == {"VK201", "VK203"}
    bare = Vault.load(vault, use_cache=False)
    bare.update(TARGET, typed(vault))
    assert got == found(bare, TARGET)
    assert len(live.checker.rows) < len(live.files.documents) // 2  # only the rows it needed


def test_a_whole_lint_after_it_reads_everything_and_agrees(vault: Path) -> None:
    live = Vault.load(vault)
    assert live.open_partial()
    live.update(TARGET, typed(vault))
    found(live, TARGET)
    whole = [(f.path, f.span.line, f.code) for f in live.lint_targets(live.targets())]
    bare = Vault.load(vault, use_cache=False)
    bare.update(TARGET, typed(vault))
    assert whole == [(f.path, f.span.line, f.code) for f in bare.lint_targets(bare.targets())]
    assert live.checker.refreshed  # complete now


def test_not_partial_while_most_notes_are_not_stored(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", _files())
    live = Vault.load(root)
    assert not live.open_partial()
    assert live.checker.refreshed is False and live.checker._complete


def test_a_note_check_never_plans_the_index(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """VK301 selected: a keystroke's check runs no whole-vault rule, so it has no use for
    the stale index notes -- with unsaved text in the vault they would be planned anew."""
    (vault / ".vaultkit.yaml").write_text("extend-select: [VK301]\n", encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the index was planned")

    monkeypatch.setattr("vaultkit.index.plan", refuse)
    monkeypatch.setattr("vaultkit.index.stale_index", refuse)
    live = Vault.load(vault)
    live.update(TARGET, typed(vault))
    assert {f.code for f in live.findings(TARGET)} == {"VK201", "VK203"}
    # the caller that knows the stale notes (from the files on disk) hands them over
    whole = live.lint_targets(live.targets(), stale_index=("other.md",))
    assert [(f.path, f.code) for f in whole if f.code == "VK301"] == [("other.md", "VK301")]


PROBE = PRELUDE + """
import json, sys
from vaultkit.vault import Vault
live = Vault.load(sys.argv[1])
live.open_partial()
path = sys.argv[2]
data = (live.root / path).read_bytes().replace(b"the paper", b"the paper, typed")
live.update(path, data)
codes = [f.code for f in live.findings(path)]
print(json.dumps({"codes": codes, "jsonschema": "jsonschema" in new_modules()}))
"""


def test_the_stored_verdicts_spare_the_first_check_its_frontmatter_validation(vault: Path) -> None:
    """The open note's row holds VK108's verdict on its frontmatter: an edit below it
    validates nothing again, so the first check does not even import jsonschema."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parents[2]), os.environ.get("PYTHONPATH", "")])}
    # a lint in a fresh process, as an earlier run would: its config and schema checks
    # are remembered too (an in-process one may run with the memo's files turned off)
    subprocess.run([sys.executable, "-c", "import sys; from vaultkit.vault import Vault; "
                    "Vault.load(sys.argv[1]).lint()", str(vault)], env=env, check=True, timeout=60)
    out = subprocess.run([sys.executable, "-c", PROBE, str(vault), TARGET], capture_output=True,
                         text=True, env=env, check=True, timeout=60)
    assert json.loads(out.stdout) == {"codes": [], "jsonschema": False}
    # the frontmatter edited: validated (and jsonschema imported) as it must be
    edited = PROBE.replace('replace(b"the paper", b"the paper, typed")', 'replace(b"type: session", b"type: 7")')
    out = subprocess.run([sys.executable, "-c", edited, str(vault), TARGET], capture_output=True,
                         text=True, env=env, check=True, timeout=60)
    assert json.loads(out.stdout)["jsonschema"] is True


def test_a_next_vault_shares_the_bibliography_only_while_its_files_are_as_read(vault: Path) -> None:
    live = Vault.load(vault)
    read = live.full_bibliography
    fast = live.bibliography
    following = Vault.load(vault)
    following.share_bibliography(live)
    assert following.full_bibliography is read and following.bibliography is fast
    # the .bib edited on disk behind the live vault's back: the next vault reads it anew
    bib = vault / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "@article{late2024, title = {L}}\n", encoding="utf-8")
    backdate(vault)  # old news, so its stat is trusted (and a bibliography is stored)
    after = Vault.load(vault)
    after.share_bibliography(live)
    assert after.full_bibliography is not read and "late2024" in after.full_bibliography
    assert "late2024" in after.bibliography and "late2024" not in live.bibliography
