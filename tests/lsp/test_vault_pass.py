"""The vault-wide check after a save runs beside the editor, never in front of it.

``VAULTKIT_LSP_SLOW_CHECK`` holds each vault-wide check for some seconds after it has
taken its snapshot of the buffers: a keystroke made then must be answered at once (not
when the check ends), and what changed meanwhile -- the buffer, a file on disk -- must
still be what the vault knows once the check hands its vault over.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from lsprotocol import types

from tests.lsp.support import diagnostics, copy_vault, open_note, ready, replace_text, session, uri

pytestmark = pytest.mark.asyncio

HOLD = 6.0
"""Seconds each vault-wide check is held (the first one too: ``ready`` waits for it)."""


def saved(lsp, doc: str) -> None:
    lsp.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(doc)))


async def test_a_keystroke_during_the_vault_check_is_answered_at_once(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    rel = "sessions/2023-03-14.md"
    text = (root / rel).read_text(encoding="utf-8")
    async with session(root, env={"VAULTKIT_LSP_SLOW_CHECK": str(HOLD)}) as (lsp, _):
        doc = open_note(lsp, root, rel, text)
        await asyncio.wait_for(ready(lsp, root), 60)
        await diagnostics(lsp, doc, lambda d: d == [])
        saved(lsp, doc)  # a vault-wide check starts, and is held
        await asyncio.sleep(0.5)
        typed = text.replace("## Done\n", "## Done\n- see @typedDuringCheck2020 here\n", 1)
        sent = time.monotonic()
        replace_text(lsp, doc, typed, 2)
        diags = await diagnostics(lsp, doc, lambda d: any("typedDuringCheck2020" in x.message for x in d))
        waited = time.monotonic() - sent
        assert waited < HOLD / 2, f"the keystroke waited {waited:.1f} s for the vault-wide check"
        assert [x.code for x in diags] == ["VK201"]

        # once the check hands its vault over, that vault has the buffer as typed
        await asyncio.sleep(HOLD + 3)
        after = lsp.diagnostics[doc]
        assert [x.code for x in after] == ["VK201"] and "typedDuringCheck2020" in after[0].message

        # a note created on disk while a check is held (after it listed the files), and a
        # link to it typed then: the vault handed over knows the note, so the link resolves
        saved(lsp, doc)
        await asyncio.sleep(0.5)
        (root / "sessions" / "made-during-check.md").write_text("## tl;dr\nNew.\n", encoding="utf-8")
        lsp.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams([types.FileEvent(
            uri(root, "sessions/made-during-check.md"), types.FileChangeType.Created)]))
        linking = typed.replace("## Done\n", "## Done\n- after [[made-during-check]]\n", 1)
        replace_text(lsp, doc, linking, 3)
        await diagnostics(lsp, doc, lambda d: [x.code for x in d] == ["VK201"])
        await asyncio.sleep(HOLD + 3)
        assert [x.code for x in lsp.diagnostics[doc]] == ["VK201"]
        replace_text(lsp, doc, linking.replace("[[made-during-check]]", "[[not-made]]"), 4)
        broken = await diagnostics(lsp, doc, lambda d: any(x.code == "VK203" for x in d))
        assert sorted(x.code for x in broken) == ["VK201", "VK203"]


async def test_the_stale_index_is_that_of_the_files_on_disk(tmp_path: Path) -> None:
    """VK301 says the index is not what ``vaultkit index`` would write now; the index reads
    the files on disk, so unsaved text makes no index note stale (planning the index from
    a buffer was also a full plan of every session on each vault-wide check)."""
    root = copy_vault(tmp_path)
    (root / ".vaultkit.yaml").write_text("extend-select: [VK301]\n", encoding="utf-8")
    rel = "sessions/2023-03-14.md"
    text = (root / rel).read_text(encoding="utf-8")
    read_more = text.replace("## Log\n", "## Log\n- [skim(@hoDenoisingDiffusionProbabilistic2020)]\n", 1)
    async with session(root) as (lsp, _):
        await asyncio.wait_for(ready(lsp, root), 60)
        done = await lsp.workspace_execute_command_async(types.ExecuteCommandParams("vaultkit.index", []))
        assert done["created"] > 0

        async def stale() -> list[str]:
            found = await asyncio.wait_for(lsp.workspace_execute_command_async(
                types.ExecuteCommandParams("vaultkit.lint", [])), 60)
            return sorted(f["path"] for f in found if f["code"] == "VK301")

        assert await stale() == []
        doc = open_note(lsp, root, rel, text)
        replace_text(lsp, doc, read_more, 2)  # typed, not saved
        await diagnostics(lsp, doc)
        assert await stale() == []
        (root / rel).write_text(read_more, encoding="utf-8")  # saved: now the index is behind
        saved(lsp, doc)
        assert "papers/@hoDenoisingDiffusionProbabilistic2020.md" in await stale()
