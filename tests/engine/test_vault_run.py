"""The vault-scoped pass after the workers: one context per rule and set of schemas.

In a cold lint this pass runs on every note in the main process, alone; a context (the
rule's options merged with the config's) made per rule and note was a fifth of it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_vault
from vaultkit.engine import VaultRun
from vaultkit.vault import Vault


def test_contexts_are_made_once_per_rule_and_schemas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files: dict[str, str] = {
        ".vaultkit.yaml": "rules: {VK201: {ignore: [ghostPaper2020]}}\n",
        "refs.bib": "@article{realPaper2021, title={T}}\n",
        **{f"notes/n{i}.md": f"# N{i}\n\nsee @ghostPaper2020 and @realPaper2021 and @missing{i}x\n"
           for i in range(6)},
        "other/o.md": "# O\n\nsee @ghostPaper2020\n",
    }
    root = write_vault(tmp_path, files)
    made: list[str] = []
    real = VaultRun.context

    def counting(self: VaultRun, active, schemas=()):  # type: ignore[no-untyped-def]
        made.append(active.rule.code)
        return real(self, active, schemas)

    monkeypatch.setattr(VaultRun, "context", counting)
    found = Vault.load(root, use_cache=False).lint()
    # each rule's own options still reach it: the ignored key is not reported
    dangling = sorted((f.path, f.message.split()[2].rstrip(":")) for f in found if f.code == "VK201")
    assert dangling == [(f"notes/n{i}.md", f"@missing{i}x") for i in range(6)]
    assert len(made) == len(set(made)), made  # seven notes, none with a schema: once each
