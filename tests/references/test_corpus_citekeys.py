"""VK201 on the real notes: silent with a complete bibliography; one key removed,
exactly that key's occurrences are reported, at the ``@``."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, SHARED, write_vault
from vaultkit.config import Config
from vaultkit.vault import Vault

BIB = REPO / "tests" / "fixtures" / "corpus" / "references.bib"
NOTES = {
    "sessions/reading-session.md": SHARED / "seed" / "reading-session.md",
    "sessions/palm-e-session.md": SHARED / "corpus" / "real-sessions" / "palm-e-session.md",
    "sessions/toolformer-session.md": SHARED / "corpus" / "real-sessions" / "toolformer-session.md",
}


@pytest.fixture
def corpus_vault(tmp_path: Path) -> Path:
    if not all(p.exists() for p in NOTES.values()):
        pytest.skip("../shared/corpus is not present")
    root = write_vault(tmp_path / "vault", {})
    for rel, source in NOTES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, root / rel)
    shutil.copyfile(BIB, root / "references.bib")
    return root


def dangling(root: Path) -> list[tuple[str, int, int, str]]:
    vault = Vault.load(root, Config(select=("VK201",)), use_cache=False)
    return [(f.path, f.span.line, f.span.column, f.message) for f in vault.lint()]


def test_silent_with_the_full_bibliography(corpus_vault: Path) -> None:
    assert dangling(corpus_vault) == []


def test_removing_a_key_reports_exactly_its_occurrences(corpus_vault: Path) -> None:
    key = "merulloLinearlyMappingImage2022"
    bib = corpus_vault / "references.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(re.sub(r"@misc\{" + key + r",.*?\n\}\n", "", text, flags=re.S), encoding="utf-8")

    expected = []
    for rel in NOTES:
        for number, line in enumerate((corpus_vault / rel).read_text(encoding="utf-8").splitlines(), 1):
            for m in re.finditer("@" + key, line):
                expected.append((rel, number, m.start() + 1))
    assert len(expected) == 2  # the seed's [skim(@…)] and palm-e's prose

    found = dangling(corpus_vault)
    assert [(p, line, col) for p, line, col, _ in found] == sorted(expected)
    for path, line, col, message in found:
        source = (corpus_vault / path).read_text(encoding="utf-8").splitlines()[line - 1]
        assert source[col - 1 :].startswith("@" + key)
        assert f"unknown citekey @{key}" in message
