"""Lint and fix one inline note with the per-note rules, no vault needed."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from vaultkit.config import Config
from vaultkit.engine import active_rules, run_note_rules
from vaultkit.fix import fix_bytes
from vaultkit.model import Finding
from vaultkit.parse.note import parse_note
from vaultkit.schema import applicable, load_schemas

REPO = Path(__file__).resolve().parents[2]
PATH = "sessions/2023-03-14.md"

FULL = """\
## tl;dr
Read LoRA.

## Context

## Done

## Learned

## Next?

## Log
- [read(@huLoRALowRankAdaptation2021)]
"""


@lru_cache(maxsize=1)
def _schemas() -> tuple:
    return load_schemas(Config(), REPO)


def lint_bytes(data: bytes, select: tuple[str, ...] = ("VK0", "VK1"),
               path: str = PATH) -> list[Finding]:
    config = Config(select=select)
    note = parse_note(path, data)
    found = run_note_rules(note, config, active_rules(config), applicable(_schemas(), note))
    return sorted(found, key=lambda f: f.sort_key)


def note_findings(source: str, select: tuple[str, ...] = ("VK0", "VK1")) -> list[Finding]:
    return lint_bytes(source.encode("utf-8"), select)


def fix_note(source: str, select: tuple[str, ...] = ("VK0", "VK1"), unsafe: bool = False) -> str:
    data = source.encode("utf-8")
    outcome = fix_bytes(PATH, data, lambda b: lint_bytes(b, select), unsafe=unsafe)
    return outcome.after.decode("utf-8")
