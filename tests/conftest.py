"""Shared fixtures: build small vaults from a dict of files."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import shutil

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXAMPLE_VAULT = REPO / "example-vault"


def write_vault(root: Path, files: dict[str, str | bytes]) -> Path:
    (root / ".obsidian").mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_vault(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    def make(files: dict[str, str | bytes]) -> Path:
        return write_vault(tmp_path / "vault", files)

    return make


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the user's note cache from tests."""
    monkeypatch.setenv("VAULTKIT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def _hypothesis_profiles() -> None:
    """Hypothesis in CI is derandomized (the same examples every run, so a red build is
    reproducible and never flaky), bounded, and has no deadline (shared CI machines are
    slow).  ``CI=true`` selects it, as GitHub Actions and most CI services set;
    ``HYPOTHESIS_PROFILE`` picks any profile by name."""
    import os

    from hypothesis import HealthCheck, settings

    settings.register_profile("ci", derandomize=True, max_examples=100, deadline=None,
                              database=None, print_blob=True,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile("dev", max_examples=100, deadline=None)
    settings.register_profile("thorough", max_examples=2_000, deadline=None)
    ci = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if ci else "dev"))


_hypothesis_profiles()


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A copy of example-vault to run the CLI on (the CLI, fix and scaffold tests)."""
    dest = tmp_path / "vault"
    shutil.copytree(EXAMPLE_VAULT, dest)
    return dest


@pytest.fixture
def runner() -> CliRunner:
    """A click runner that keeps stderr apart where click still mixes it in."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()
