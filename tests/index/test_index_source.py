"""The index reads a vault through :class:`vaultkit.index.source.IndexedVault` only."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import write_vault
from vaultkit.index.source import IndexedVault
from vaultkit.vault import Vault

INDEX = Path(__file__).resolve().parents[2] / "vaultkit" / "index"


def _members() -> set[str]:
    return set(IndexedVault.__annotations__) | {n for n in vars(IndexedVault) if not n.startswith("_")}


def test_no_index_module_imports_the_facade() -> None:
    """Not even for type checking: the facade calls the index, never the other way."""
    for path in INDEX.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "vaultkit.vault", f"{path.name}:{node.lineno}"
            if isinstance(node, ast.Import):
                assert all(a.name != "vaultkit.vault" for a in node.names), f"{path.name}:{node.lineno}"


def test_the_index_asks_a_vault_only_what_the_protocol_names() -> None:
    used = {name for path in INDEX.glob("*.py")
            for name in re.findall(r"(?<![\w.])vault\.([A-Za-z_]\w*)", path.read_text(encoding="utf-8"))}
    assert used, "the scan found no use at all"
    assert used <= _members(), sorted(used - _members())


def test_the_facade_is_such_a_vault(tmp_path: Path) -> None:
    vault = Vault.load(write_vault(tmp_path / "v", {"n.md": "@k\n", "refs.bib": "@misc{k}\n"}))
    missing = [name for name in sorted(_members()) if not hasattr(vault, name)]
    assert not missing
