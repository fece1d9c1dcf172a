"""The link rules share the last note's resolved links: never an answer from before a change.

``checks/_links.resolved_links`` keeps the links of the note the rules asked about last.
A live vault keeps the same facts object of a note while another note changes: the kept
answer must go when the resolver forgets (a heading added to the target, a file created).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_vault
from vaultkit.vault import Vault


def codes(vault: Vault, path: str) -> list[tuple[str, int, int]]:
    return [(f.code, f.span.line, f.span.column) for f in vault.findings(path)]


def test_a_heading_added_to_the_target_is_seen(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {"a.md": "# A\n\nsee [[b#Method]] here\n", "b.md": "# B\n"})
    vault = Vault.load(root, use_cache=False, jobs=1)
    assert codes(vault, "a.md") == [("VK203", 3, 5)]
    vault.update("b.md", b"# B\n\n## Method\n")
    assert codes(vault, "a.md") == []
    vault.update("b.md", b"# B\n")
    assert codes(vault, "a.md") == [("VK203", 3, 5)]


def test_a_created_target_is_seen(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {"a.md": "# A\n\nsee [[c]] here\n"})
    vault = Vault.load(root, use_cache=False, jobs=1)
    assert codes(vault, "a.md") == [("VK203", 3, 5)]
    vault.update("c.md", b"# C\n")
    assert codes(vault, "a.md") == []
