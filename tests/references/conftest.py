"""Lint a small vault written from a dict: ``(path, line, column, code)`` per finding."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Protocol

import pytest

from tests.conftest import write_vault
from vaultkit.config import load_config
from vaultkit.model import Finding
from vaultkit.vault import Vault

Row = tuple[str, int, int, str]


class Linter(Protocol):
    def __call__(self, files: dict[str, str | bytes], select: tuple[str, ...] = ...,
                 extend: tuple[str, ...] = ...) -> list[Row]: ...


def lint_findings(root: Path, select: tuple[str, ...] = ("VK2",),
                  extend: tuple[str, ...] = ()) -> list[Finding]:
    config = load_config(None, root).with_cli(select=select, extend_select=extend)
    return Vault.load(root, config, use_cache=False).lint()


@pytest.fixture
def lint(tmp_path: Path) -> Callable[..., list[Row]]:
    """``lint(files, select=("VK2",))`` -> sorted ``(path, line, col, code)`` rows."""
    count = [0]

    def run(files: dict[str, str | bytes], select: tuple[str, ...] = ("VK2",),
            extend: tuple[str, ...] = ()) -> list[Row]:
        count[0] += 1
        root = write_vault(tmp_path / f"vault{count[0]}", files)
        return [(f.path, f.span.line, f.span.column, f.code)
                for f in lint_findings(root, select, extend)]

    return run
