"""Integration tests: real ``pre-commit``, real ``git``, a real ``pip install``.

They run by default (CI runs them); ``-m "not integration"`` leaves them out.
"""

from __future__ import annotations

import shutil

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "integration: slow end-to-end tests (real git, pre-commit, pip); "
                   "deselect with -m 'not integration'")


@pytest.fixture(scope="session")
def git_config(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment variables for a git that ignores the user's and system's config."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    home = tmp_path_factory.mktemp("gitconfig")
    config = home / "gitconfig"
    config.write_text(
        "[user]\n\tname = vaultkit tests\n\temail = tests@vaultkit.invalid\n"
        "[init]\n\tdefaultBranch = main\n"
        "[commit]\n\tgpgsign = false\n"
        "[advice]\n\tdetachedHead = false\n",
        encoding="utf-8",
    )
    return {"GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1"}
