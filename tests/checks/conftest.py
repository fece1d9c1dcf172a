"""Run rules on inline Markdown: the yamllint style of assertion.

``vk1(source, path=…, select=…)`` parses ``source`` as the note ``path`` (a path under
``sessions/`` makes the session schema apply), loads the shipped schemas, keeps the
applicable ones and runs the selected per-note rules through the engine, returning
``(line, column, code)`` triples sorted by position.

``vk2(files, select=…)`` writes a small vault (vault path -> text or bytes) and lints it
through the Python API, for the rules that need other files (links, assets), returning
``(path, line, column, code)`` sorted by position.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from vaultkit.config import Config
from vaultkit.engine import active_rules, run_note_rules
from vaultkit.model import Finding
from vaultkit.parse.note import parse_text
from vaultkit.schema import Schema, applicable, load_schemas
from vaultkit.vault import Vault
from tests.conftest import write_vault

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared"


@dataclass(frozen=True)
class SchemaRunner:
    schemas: tuple[Schema, ...]

    def findings(self, source: str, path: str = "sessions/2023-03-14.md",
                 select: tuple[str, ...] = ("VK1",)) -> list[Finding]:
        config = Config(select=select)
        note = parse_text(path, source)
        found = run_note_rules(note, config, active_rules(config), applicable(self.schemas, note))
        return sorted(found, key=lambda f: f.sort_key)

    def __call__(self, source: str, path: str = "sessions/2023-03-14.md",
                 select: tuple[str, ...] = ("VK1",)) -> list[tuple[int, int, str]]:
        return [(f.span.line, f.span.column, f.code) for f in self.findings(source, path, select)]

    def messages(self, source: str, path: str = "sessions/2023-03-14.md",
                 select: tuple[str, ...] = ("VK1",)) -> list[str]:
        return [f.message for f in self.findings(source, path, select)]


@dataclass(frozen=True)
class VaultRunner:
    folder: Path

    def findings(self, files: dict[str, str | bytes], select: tuple[str, ...],
                 **config: Any) -> list[Finding]:
        root = write_vault(self.folder / f"vault{len(list(self.folder.iterdir()))}", files)
        found = Vault.load(root, Config(select=select, **config), use_cache=False).lint()
        return sorted(found, key=lambda f: f.sort_key)

    def __call__(self, files: dict[str, str | bytes], select: tuple[str, ...],
                 **config: Any) -> list[tuple[str, int, int, str]]:
        return [(f.path, f.span.line, f.span.column, f.code)
                for f in self.findings(files, select, **config)]

    def messages(self, files: dict[str, str | bytes], select: tuple[str, ...],
                 **config: Any) -> list[str]:
        return [f.message for f in self.findings(files, select, **config)]


@pytest.fixture
def vk2(tmp_path: Path) -> VaultRunner:
    return VaultRunner(tmp_path)


@pytest.fixture(scope="session")
def shipped_schemas() -> tuple[Schema, ...]:
    return load_schemas(Config(), REPO)


@pytest.fixture
def vk1(shipped_schemas: tuple[Schema, ...]) -> SchemaRunner:
    return SchemaRunner(shipped_schemas)


@pytest.fixture
def corpus() -> Path:
    """``../shared`` next to the repository (the seed and the real notes), or skip."""
    if not (SHARED / "corpus" / "real-sessions").is_dir():
        pytest.skip("../shared/corpus is not available")
    return SHARED.resolve()
