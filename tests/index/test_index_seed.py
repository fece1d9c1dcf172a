"""Issue acceptance: the index of the reference session alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SHARED, write_vault
from vaultkit.index import plan
from vaultkit.vault import Vault

SEED = SHARED / "seed" / "reading-session.md"
BIB = "".join(
    f"@article{{{key},\n  title = {{{title}}},\n  author = {{Doe, Jane}},\n  year = {{2023}}\n}}\n"
    for key, title in [
        ("pfeifferModularDeepLearning2023", "Modular Deep Learning"),
        ("rombachHighResolutionImageSynthesis2022", "High-Resolution Image Synthesis with Latent Diffusion Models"),
        ("liTrainLargeThen2020", "Train Large, Then Compress"),
        ("baiConstitutionalAIHarmlessness2022", "Constitutional AI"),
        ("merulloLinearlyMappingImage2022", "Linearly Mapping from Image to Text Space"),
        ("huangComposerCreativeControllable2023", "Composer"),
    ]
)


@pytest.fixture
def seed_vault(tmp_path: Path) -> Vault:
    if not SEED.exists():
        pytest.skip("../shared/seed is not present")
    root = write_vault(tmp_path / "vault", {
        "sessions/2023-03-14.md": SEED.read_text(encoding="utf-8"),
        "sessions/asset/mdl_conclusion.png": b"\x89PNG\r\n\x1a\n",
        "references.bib": BIB,
    })
    return Vault.load(root, use_cache=False)


def text_of(result, path: str) -> str:
    change = next(c for c in result.changes if c.path == path)
    assert change.new is not None
    return change.new.decode("utf-8")


def test_skim_with_its_four_bullets_and_the_image(seed_vault: Vault) -> None:
    note = text_of(plan(seed_vault), "papers/@pfeifferModularDeepLearning2023.md")
    log = note.split("## Reading log", 1)[1].split("\n## ", 1)[0]
    assert "### 2023-03-14 · skim · [[2023-03-14#Log]]" in log
    bullets = [line for line in log.splitlines() if line.startswith("- ")]
    assert len(bullets) == 4
    # the image resolved from sessions/ is rewritten to resolve from papers/
    assert bullets[0] == "- ![](../sessions/asset/mdl_conclusion.png)"
    assert bullets[1].startswith("- Judged by the abstract")
    assert bullets[3].startswith("- Black box, 1 model")


def test_rombach_is_mentioned_from_context(seed_vault: Vault) -> None:
    note = text_of(plan(seed_vault), "papers/@rombachHighResolutionImageSynthesis2022.md")
    assert "## Reading log" not in note
    mentions = note.split("## Mentions", 1)[1]
    assert "- 2023-03-14 · [[2023-03-14#Context]]: Fresh out of latent diffusion, " \
           "@rombachHighResolutionImageSynthesis2022. Dig deeper." in mentions
    assert "**Status:** mentioned" in note


def test_nested_soliloquy_keeps_its_nesting(seed_vault: Vault) -> None:
    note = text_of(plan(seed_vault), "papers/@merulloLinearlyMappingImage2022.md")
    assert "- [soliloquy ->]\n  - It's not LM learns the model of visual world." in note
