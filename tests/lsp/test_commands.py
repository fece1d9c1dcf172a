"""Commands and renames that reach past one note: which vault ``vaultkit.index`` writes
when the workspace holds several, and what a rename says of a bibliography vaultkit
may not edit."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.lsp.support import copy_vault, diagnostics, open_note, ready, session, until, uri

pytestmark = pytest.mark.asyncio

HU = "huLoRALowRankAdaptation2021"


async def index(lsp, *args: dict) -> dict:
    return await lsp.workspace_execute_command_async(types.ExecuteCommandParams("vaultkit.index", list(args)))


async def test_index_writes_the_vault_of_the_document_and_says_which(tmp_path: Path) -> None:
    first = copy_vault(tmp_path / "a")
    second = copy_vault(tmp_path / "b")
    async with session(first, folders=[first, second]) as (lsp, _):
        for root in (first, second):
            await ready(lsp, root)
        # nothing to go by: an error that says how to choose, and nothing written
        with pytest.raises(JsonRpcException, match="several vaults"):
            await index(lsp)
        assert not (first / "Papers.md").exists() and not (second / "Papers.md").exists()

        doc = open_note(lsp, second, "sessions/2023-02-20.md")
        await diagnostics(lsp, doc)
        done = await index(lsp, {"uri": doc})
        assert done["vault"] == str(second.resolve()) and done["created"] > 0
        assert (second / "Papers.md").is_file() and not (first / "Papers.md").exists()

        done = await index(lsp, {"vault": uri(first, "")})
        assert done["vault"] == str(first.resolve()) and (first / "Papers.md").is_file()

        # no argument: the vault of the document edited last
        (second / "Papers.md").unlink()
        done = await index(lsp)
        assert done["vault"] == str(second.resolve()) and done["created"] == 1
        with pytest.raises(JsonRpcException, match="not in a vault"):
            await index(lsp, {"uri": uri(tmp_path, "elsewhere.md")})


async def test_a_single_vault_is_indexed_without_arguments(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    async with session(root) as (lsp, _):
        await ready(lsp, root)
        done = await index(lsp)
        assert done["vault"] == str(root.resolve()) and (root / "Papers.md").is_file()


async def test_renaming_a_key_of_a_bibliography_outside_the_vault_says_it_is_left(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    outside = tmp_path / "zotero" / "My Library.bib"
    outside.parent.mkdir()
    (root / "references.bib").rename(outside)
    (root / ".vaultkit.yaml").write_text(f'bibliography: ["{outside}"]\n', encoding="utf-8")
    before = outside.read_bytes()
    async with session(root) as (lsp, _):
        doc = open_note(lsp, root, "sessions/2023-02-20.md")
        await ready(lsp, root)
        edit = await lsp.text_document_rename_async(types.RenameParams(
            types.TextDocumentIdentifier(doc), types.Position(8, 20), "huLoRA2021"))
        touched = {unquote(c.text_document.uri.rsplit("/", 1)[1]) for c in edit.document_changes
                   if isinstance(c, types.TextDocumentEdit)}
        assert touched == {"2023-02-13.md", "2023-02-20.md", f"@{HU}.md"}  # not the outside file
        shown = await until(lambda: [m for m in lsp.messages if HU in m.message], what="a message")
        [message] = shown
        assert message.type == types.MessageType.Warning
        entry_line = outside.read_text(encoding="utf-8").split("\n").index(f"@misc{{{HU},") + 1
        assert str(outside) in message.message and f"line {entry_line}" in message.message
        assert "huLoRA2021" in message.message and "outside the vault" in message.message
    assert outside.read_bytes() == before


async def test_a_bibliography_changed_since_it_was_read_is_named_too(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    bib = root / "references.bib"
    async with session(root) as (lsp, _):
        doc = open_note(lsp, root, "sessions/2023-02-20.md")
        await ready(lsp, root)
        bib.write_text("% a line added by an export\n" + bib.read_text(encoding="utf-8"), encoding="utf-8")
        edit = await lsp.text_document_rename_async(types.RenameParams(
            types.TextDocumentIdentifier(doc), types.Position(8, 20), "huLoRA2021"))
        touched = {unquote(c.text_document.uri.rsplit("/", 1)[1]) for c in edit.document_changes
                   if isinstance(c, types.TextDocumentEdit)}
        assert "references.bib" not in touched
        [message] = await until(lambda: [m for m in lsp.messages if HU in m.message], what="a message")
        assert "references.bib" in message.message and "changed since" in message.message
