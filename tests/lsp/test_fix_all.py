"""The editor's "fix all": every pass of the fix loop reads and updates one vault."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from tests.lsp.support import copy_vault
from vaultkit.lsp.workspace import LiveVault
from vaultkit.vault import Vault

NOTE = "sessions/2023-04-19.md"
"""A session without '## Learned': VK101, whose safe fix inserts it before '## Next?'."""


def _live(root: Path) -> LiveVault:
    lv = LiveVault(root)
    lv.load()
    lv.set_text(NOTE, (root / NOTE).read_text(encoding="utf-8"))
    return lv


def test_fix_all_inserts_the_missing_section_once(tmp_path: Path) -> None:
    lv = _live(copy_vault(tmp_path))
    fixed = lv.fixed_text(NOTE)
    assert fixed is not None
    text, count = fixed
    assert text.count("## Learned") == 1 and text.index("## Learned") < text.index("## Next?")
    assert count >= 1


def test_a_vault_handed_over_while_fix_all_waits_is_the_one_it_uses(tmp_path: Path) -> None:
    """A vault-wide check hands its vault over while "fix all" waits for the lock: the
    loop must not update the old vault and read the new one's findings (each pass would
    then see the section still missing and insert it again)."""
    root = copy_vault(tmp_path)
    lv = _live(root)
    handed = Vault.load(root)
    handed.update(NOTE, lv.text(NOTE).encode("utf-8"))
    result: list[tuple[str, int] | None] = []
    with lv._lock:  # the check holds the lock to hand its vault over
        worker = threading.Thread(target=lambda: result.append(lv.fixed_text(NOTE)))
        worker.start()
        time.sleep(0.5)  # fix all has asked for the lock
        lv.vault = handed
    worker.join(60)
    assert result and result[0] is not None
    text, _ = result[0]
    assert text.count("## Learned") == 1, text
