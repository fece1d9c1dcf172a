"""Completion, hover, navigation, rename, symbols and commands of ``vaultkit lsp``, end to end."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.lsp.support import (
    CROSS_VAULT_NOTE, copy_vault, diagnostics, open_note, ready, replace_text, session, two_vaults, uri,
)

pytestmark = pytest.mark.asyncio
HU = "huLoRALowRankAdaptation2021"


def pos(line: int, character: int) -> types.Position:
    """A 1-based line and a 0-based character, as the tests read the notes."""
    return types.Position(line - 1, character)


async def complete_at(lsp, doc: str, line: int, character: int) -> types.CompletionList:
    result = await lsp.text_document_completion_async(types.CompletionParams(
        types.TextDocumentIdentifier(doc), pos(line, character)))
    assert isinstance(result, types.CompletionList)
    return result


async def test_completion_of_keys_links_headings_blocks_embeds_tags_and_verbs(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    (root / "sessions/2023-02-13.md").write_text(
        (root / "sessions/2023-02-13.md").read_text(encoding="utf-8") + "\nA claim worth linking. ^claim-1\n",
        encoding="utf-8")
    rel = "sessions/2023-05-03.md"
    base = (root / rel).read_text(encoding="utf-8")
    lines = ["See @lora", "Back to [[2023-02-", "As in [[2023-02-20#Lo", "The claim [[2023-02-13#^cl",
             "![[lora_r", "A thought [solil", "- [dee"]
    async with session(root) as (lsp, _):
        doc = open_note(lsp, root, rel, base)
        await ready(lsp, root)
        replace_text(lsp, doc, base.rstrip("\n") + "\n" + "\n".join(lines) + "\n", 2)
        first = len(base.rstrip("\n").split("\n")) + 1
        await asyncio.sleep(0.2)

        keys = await complete_at(lsp, doc, first, len(lines[0]))
        assert keys.is_incomplete
        assert keys.items[0].label == HU
        assert keys.items[0].detail == "Hu et al. 2021 — LoRA: Low-Rank Adaptation of Large Language Models"
        edit = keys.items[0].text_edit
        assert isinstance(edit, types.TextEdit) and edit.new_text == HU
        assert (edit.range.start.character, edit.range.end.character) == (5, 9)  # replaces "lora"

        notes = await complete_at(lsp, doc, first + 1, len(lines[1]))
        labels = [i.label for i in notes.items]
        assert labels == ["2023-02-08", "2023-02-13", "2023-02-20", "2023-02-24"]
        assert "lora_rank.png" not in labels

        headings = await complete_at(lsp, doc, first + 2, len(lines[2]))
        assert [i.label for i in headings.items] == ["Log"]

        blocks = await complete_at(lsp, doc, first + 3, len(lines[3]))
        assert [i.label for i in blocks.items] == ["claim-1"]

        embeds = await complete_at(lsp, doc, first + 4, len(lines[4]))
        assert embeds.items[0].label == "lora_rank.png"

        tags = await complete_at(lsp, doc, first + 5, len(lines[5]))
        assert [i.label for i in tags.items] == ["soliloquy"]
        assert "thought of your own" in tags.items[0].documentation.value  # from the schema

        verbs = await complete_at(lsp, doc, first + 6, len(lines[6]))
        assert verbs.items[0].label == "deep-read"
        assert verbs.items[0].text_edit.new_text == "deep-read(@"

        # a key by a word of its title or a co-author's name (neither in the key); an
        # e-mail address is not a citation
        replace_text(lsp, doc, base + "\nmail jane@exam\nby @shazeer\nall you @need\n", 3)
        n = len(base.split("\n"))
        assert await lsp.text_document_completion_async(types.CompletionParams(
            types.TextDocumentIdentifier(doc), pos(n + 1, len("mail jane@exam")))) is None
        by_author = await complete_at(lsp, doc, n + 2, len("by @shazeer"))
        # Noam Shazeer co-wrote both
        assert [i.label for i in by_author.items] == ["raffelExploringLimitsTransfer2020",
                                                      "vaswaniAttentionAllYou2017"]
        assert by_author.items[0].filter_text.startswith("shazeer")  # the client's filter lets it pass
        by_title = await complete_at(lsp, doc, n + 3, len("all you @need"))
        assert "vaswaniAttentionAllYou2017" in [i.label for i in by_title.items]


async def test_hover_shows_the_entry_and_the_reading_history(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    # a session that names the paper by its arXiv address, not its key: the index credits
    # it to the entry with that eprint, and so does the hover's history
    (root / "sessions" / "2023-05-10.md").write_text(
        "## tl;dr\nLoRA again, from the arXiv page.\n\n## Context\n- Back to adapters.\n\n"
        "## Done\n- Reread the method.\n\n## Learned\n- Rank 4 is enough.\n\n## Next?\n- Try it.\n\n"
        "## Log\n- [skim([LoRA on arXiv](https://arxiv.org/abs/2106.09685))]\n", encoding="utf-8")
    async with session(root) as (lsp, _):
        doc = open_note(lsp, root, "sessions/2023-02-20.md")
        await ready(lsp, root)
        hover = await lsp.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(doc), pos(9, 16)))
        text = hover.contents.value
        assert "**LoRA: Low-Rank Adaptation of Large Language Models**" in text
        assert "Edward J. Hu" in text and "2021" in text
        assert "DOI [10.48550/arxiv.2106.09685](https://doi.org/10.48550/arxiv.2106.09685)" in text and "· arXiv" in text
        assert "**deep-read** in 3 sessions, 2023-02-13 to 2023-05-10" in text
        assert "- 2023-05-10: skim" in text
        assert (hover.range.start.line, hover.range.start.character) == (8, 15)

        link = await lsp.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(doc), pos(5, 34)))
        assert link.contents.value.startswith("`sessions/2023-02-13.md`")
        assert "## tl;dr" in link.contents.value

        nothing = await lsp.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(doc), pos(10, 3)))
        assert nothing is None


async def test_definition_and_references(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    async with session(root) as (lsp, _):
        doc = open_note(lsp, root, "sessions/2023-02-20.md")
        await ready(lsp, root)
        ident = types.TextDocumentIdentifier(doc)

        paper = await lsp.text_document_definition_async(types.DefinitionParams(ident, pos(9, 20)))
        assert [loc.uri for loc in paper] == [uri(root, f"papers/@{HU}.md")]

        # no paper note for DDPM: the bibliography entry's line
        bib = await lsp.text_document_definition_async(types.DefinitionParams(ident, pos(6, 110)))
        assert bib[0].uri == uri(root, "references.bib")
        bib_lines = (root / "references.bib").read_text(encoding="utf-8").split("\n")
        assert "hoDenoisingDiffusionProbabilistic2020" in bib_lines[bib[0].range.start.line]

        other = open_note(lsp, root, "sessions/2023-02-24.md")
        heading = await lsp.text_document_definition_async(types.DefinitionParams(
            types.TextDocumentIdentifier(other), pos(5, 45)))
        assert heading[0].uri == uri(root, "sessions/2023-02-20.md")
        assert heading[0].range.start.line == 27  # "## Log"

        image = await lsp.text_document_definition_async(types.DefinitionParams(ident, pos(30, 8)))
        assert image[0].uri == uri(root, "asset/lora_rank.png")

        refs = await lsp.text_document_references_async(types.ReferenceParams(
            text_document=ident, position=pos(9, 20), context=types.ReferenceContext(include_declaration=False)))
        where = sorted((r.uri.rsplit("/", 1)[1], r.range.start.line + 1) for r in refs)
        assert ("2023-02-20.md", 9) in where and ("2023-02-20.md", 29) in where
        assert ("2023-02-13.md", 6) in where
        assert all(r.uri != uri(root, f"papers/@{HU}.md") for r in refs)

        backlinks = await lsp.text_document_references_async(types.ReferenceParams(
            text_document=ident, position=pos(2, 0), context=types.ReferenceContext(include_declaration=False)))
        sources = sorted((r.uri.rsplit("/", 1)[1], r.range.start.line + 1, r.range.start.character)
                         for r in backlinks)
        assert ("2023-02-24.md", 5, 41) in sources and ("2023-02-24.md", 33, 27) in sources


async def test_rename_a_citekey_and_a_note(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    async with session(root) as (lsp, _):
        doc = open_note(lsp, root, "sessions/2023-02-20.md")
        await ready(lsp, root)
        ident = types.TextDocumentIdentifier(doc)
        prepared = await lsp.text_document_prepare_rename_async(types.PrepareRenameParams(ident, pos(9, 20)))
        assert prepared.placeholder == HU
        assert (prepared.range.start.character, prepared.range.end.character) == (16, 16 + len(HU))

        edit = await lsp.text_document_rename_async(types.RenameParams(ident, pos(9, 20), "huLoRA2021"))
        text_edits = {unquote(c.text_document.uri.rsplit("/", 1)[1]): c.edits for c in edit.document_changes
                      if isinstance(c, types.TextDocumentEdit)}
        renames = [c for c in edit.document_changes if isinstance(c, types.RenameFile)]
        assert set(text_edits) == {"2023-02-13.md", "2023-02-20.md", f"@{HU}.md", "references.bib"}
        assert all(e.new_text == "huLoRA2021" for edits in text_edits.values() for e in edits)
        # the .bib entry's key follows (as Better BibTeX writes it after a change in Zotero)
        bib_line = (root / "references.bib").read_text(encoding="utf-8").split("\n").index(f"@misc{{{HU},")
        [bib_edit] = text_edits["references.bib"]
        assert (bib_edit.range.start.line, bib_edit.range.start.character, bib_edit.range.end.character) == (
            bib_line, len("@misc{"), len("@misc{") + len(HU))
        assert len(text_edits["2023-02-20.md"]) == 2
        assert [(r.old_uri, r.new_uri) for r in renames] == [
            (uri(root, f"papers/@{HU}.md"), uri(root, "papers/@huLoRA2021.md"))]
        # the paper note's `citekey:` property follows
        assert text_edits[f"@{HU}.md"][0].range.start.line == 1

        note_edit = await lsp.text_document_rename_async(types.RenameParams(ident, pos(5, 34), "2023-02-13-prompts"))
        changes = note_edit.document_changes
        links = {c.text_document.uri.rsplit("/", 1)[1]: [e.new_text for e in c.edits]
                 for c in changes if isinstance(c, types.TextDocumentEdit)}
        assert links["2023-02-20.md"] == ["2023-02-13-prompts"]
        assert [(c.old_uri, c.new_uri) for c in changes if isinstance(c, types.RenameFile)] == [
            (uri(root, "sessions/2023-02-13.md"), uri(root, "sessions/2023-02-13-prompts.md"))]

        nothing = await lsp.text_document_prepare_rename_async(types.PrepareRenameParams(ident, pos(10, 3)))
        assert nothing is None


async def test_rename_leaves_the_bibliography_alone_when_asked(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    async with session(root, options={"renameInBibliography": False}) as (lsp, _):
        doc = open_note(lsp, root, "sessions/2023-02-20.md")
        await ready(lsp, root)
        edit = await lsp.text_document_rename_async(types.RenameParams(
            types.TextDocumentIdentifier(doc), pos(9, 20), "huLoRA2021"))
        touched = {unquote(c.text_document.uri.rsplit("/", 1)[1]) for c in edit.document_changes
                   if isinstance(c, types.TextDocumentEdit)}
        assert touched == {"2023-02-13.md", "2023-02-20.md", f"@{HU}.md"}


async def test_symbols(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    async with session(root) as (lsp, _):
        doc = open_note(lsp, root, "sessions/2023-02-20.md")
        await ready(lsp, root)
        symbols = await lsp.text_document_document_symbol_async(
            types.DocumentSymbolParams(types.TextDocumentIdentifier(doc)))
        assert [s.name for s in symbols] == ["tl;dr", "Context", "Done", "Learned", "Next?", "Log"]
        log = symbols[-1]
        assert [c.name for c in log.children] == [f"deep-read @{HU}", "skim @hoDenoisingDiffusionProbabilistic2020"]
        assert log.children[0].range.start.line == 28

        papers = await lsp.workspace_symbol_async(types.WorkspaceSymbolParams(query="low-rank"))
        assert [p.name for p in papers] == [f"@{HU}"]
        assert papers[0].location.uri == uri(root, f"papers/@{HU}.md")


async def test_commands_paper_lint_and_index(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    async with session(root) as (lsp, _):
        await ready(lsp, root)
        facts = await lsp.workspace_execute_command_async(types.ExecuteCommandParams(
            "vaultkit.paper", [HU]))
        assert facts["title"] == "LoRA: Low-Rank Adaptation of Large Language Models"
        assert facts["paperNote"] == f"papers/@{HU}.md"
        assert facts["status"] == "deep-read"
        assert [(s["date"], [a["verb"] for a in s["actions"]]) for s in facts["sessions"]][:2] == [
            ("2023-02-13", ["skim"]), ("2023-02-20", ["deep-read"])]
        assert facts["first"] == "2023-02-13"
        assert facts["bibliography"]["path"] == "references.bib"

        with pytest.raises(JsonRpcException):
            await lsp.workspace_execute_command_async(types.ExecuteCommandParams("vaultkit.paper", []))

        findings = await lsp.workspace_execute_command_async(types.ExecuteCommandParams("vaultkit.lint", []))
        assert sorted((f["code"], f["path"], f["line"]) for f in findings) == sorted([
            ("VK201", "sessions/2023-04-05.md", 7), ("VK201", "sessions/2023-02-24.md", 26),
            ("VK202", "sessions/2023-03-02.md", 32), ("VK203", "sessions/2023-02-08.md", 5),
            ("VK106", "sessions/2023-03-07.md", 25), ("VK107", "sessions/2023-03-22.md", 27),
            ("VK101", "sessions/2023-04-19.md", 14), ("VK105", "sessions/2023-03-10.md", 1),
            ("VK211", "sessions/2023-02-24.md", 22)])

        summary = await lsp.workspace_execute_command_async(types.ExecuteCommandParams(
            "vaultkit.index", [{"workDoneToken": "index-1"}]))
        assert summary["created"] > 0 and summary["problems"] == []
        assert (root / "Papers.md").is_file()
        assert "vaultkit:begin index" in (root / f"papers/@{HU}.md").read_text(encoding="utf-8")
        kinds = [type(v).__name__ for v in lsp.progress_reports["index-1"]]
        assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"
        again = await lsp.workspace_execute_command_async(types.ExecuteCommandParams("vaultkit.index", []))
        assert again["created"] == 0 and again["updated"] == 0


@pytest.mark.parametrize("encoding, expected", [("utf-16", 9), ("utf-8", 15), ("utf-32", 8)])
async def test_positions_in_the_negotiated_encoding(tmp_path: Path, encoding: str, expected: int) -> None:
    root = copy_vault(tmp_path)
    text = "## tl;dr\n漢字😀 see @nosuchKey2020 ok\n"
    async with session(root, encodings=[encoding]) as (lsp, result):
        assert result.capabilities.position_encoding == encoding
        doc = open_note(lsp, root, "sessions/2023-06-01.md", text)
        await ready(lsp, root)
        for _ in range(200):
            diags = [d for d in lsp.diagnostics.get(doc, []) if d.code == "VK201"]
            if diags:
                break
            await asyncio.sleep(0.05)
        # 漢 字 are one UTF-16 unit and 3 UTF-8 bytes each; 😀 is 2 units, 4 bytes
        assert diags[0].range.start.character == expected
        hover = await lsp.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(doc), types.Position(1, expected + 2)))
        assert "nosuchKey2020" in hover.contents.value


async def test_a_crashing_handler_answers_an_error_and_the_server_lives(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    async with session(root, env={"VAULTKIT_LSP_FAULT": "textDocument/hover"}) as (lsp, _):
        doc = open_note(lsp, root, "sessions/2023-02-20.md")
        await ready(lsp, root)
        with pytest.raises(JsonRpcException, match="fault injected"):
            await lsp.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(doc), pos(9, 20)))
        assert any("textDocument/hover failed" in m.message for m in lsp.log_messages)
        alive = await lsp.text_document_definition_async(types.DefinitionParams(
            types.TextDocumentIdentifier(doc), pos(9, 20)))
        assert alive[0].uri == uri(root, f"papers/@{HU}.md")


async def test_code_action_applies_a_rules_fix(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    rel = "sessions/2023-03-22.md"  # README row 6: [solilquy -> ...] on line 27, a typo of soliloquy
    async with session(root) as (lsp, _):
        doc = open_note(lsp, root, rel)
        await ready(lsp, root)
        diags = await diagnostics(lsp, doc, lambda d: any(x.code == "VK107" for x in d))
        vk107 = next(d for d in diags if d.code == "VK107")
        if not vk107.data.get("fixable"):
            pytest.skip("VK107 offers no fix in this version")
        actions = await lsp.text_document_code_action_async(types.CodeActionParams(
            types.TextDocumentIdentifier(doc), vk107.range, types.CodeActionContext(diagnostics=[vk107])))
        quick = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
        assert quick and "soliloquy" in quick[0].title
        text = (root / rel).read_text(encoding="utf-8")
        lines = text.split("\n")
        for edit in sorted(quick[0].edit.changes[doc], key=lambda e: (e.range.start.line, e.range.start.character),
                           reverse=True):
            line = lines[edit.range.start.line]
            assert edit.range.start.line == edit.range.end.line
            lines[edit.range.start.line] = (line[: edit.range.start.character] + edit.new_text
                                            + line[edit.range.end.character :])
        fixed = "\n".join(lines)
        assert "[soliloquy ->" in fixed.split("\n")[26]
        replace_text(lsp, doc, fixed, 2)
        await diagnostics(lsp, doc, lambda d: not any(x.code == "VK107" for x in d))
        # nothing left to fix: no fix-all offered
        none_left = await lsp.text_document_code_action_async(types.CodeActionParams(
            types.TextDocumentIdentifier(doc), types.Range(types.Position(0, 0), types.Position(0, 0)),
            types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll])))
        assert not none_left


async def test_fix_all_equals_lint_fix(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    other = copy_vault(tmp_path / "cli")
    rel = "sessions/2023-04-19.md"  # README row 7: no ## Learned (VK101 inserts it)
    text = (root / rel).read_text(encoding="utf-8")
    async with session(root) as (lsp, _):
        doc = open_note(lsp, root, rel)
        await ready(lsp, root)
        diags = await diagnostics(lsp, doc, lambda d: any(x.code == "VK101" for x in d))
        if not any(d.data.get("fixable") for d in diags):
            pytest.skip("no rule offers a fix in this version")
        actions = await lsp.text_document_code_action_async(types.CodeActionParams(
            types.TextDocumentIdentifier(doc), types.Range(types.Position(0, 0), types.Position(0, 0)),
            types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll])))
        (action,) = actions
        (edit,) = action.edit.changes[doc]
        assert (edit.range.start.line, edit.range.start.character) == (0, 0)
        assert edit.range.end.line == len(text.split("\n")) - 1
    subprocess.run([sys.executable, "-m", "vaultkit", "lint", "--fix", str(other / rel)],
                   capture_output=True, cwd=other)
    assert edit.new_text == (other / rel).read_text(encoding="utf-8") != text
    assert (root / rel).read_text(encoding="utf-8") == text  # a code action writes nothing


async def test_every_workspace_folder_is_a_vault_and_a_note_goes_to_its_own(tmp_path: Path) -> None:
    """Two vaults in one workspace (and a third added later): each note is checked, completed
    and followed against the vault that holds it, never the first folder's."""
    first, second = two_vaults(tmp_path)
    third = copy_vault(tmp_path / "c")
    text = CROSS_VAULT_NOTE
    for root in (first, second):
        (root / "sessions" / "2024-06-01.md").write_text(text, encoding="utf-8")
    async with session(first, folders=[first, second]) as (lsp, result):
        assert result.capabilities.workspace.workspace_folders.supported
        in_first = open_note(lsp, first, "sessions/2024-06-01.md")
        in_second = open_note(lsp, second, "sessions/2024-06-01.md")
        one = await diagnostics(lsp, in_first, lambda d: any(x.code == "VK201" for x in d))
        two = await diagnostics(lsp, in_second, lambda d: any(x.code == "VK203" for x in d))
        assert [x.code for x in one if "onlyInSecondVault2024" in x.message] == ["VK201"]
        assert not any(x.code == "VK203" for x in one)  # [[only-here]] is in the first vault
        assert not any(x.code == "VK201" for x in two)  # the second vault's .bib knows the key
        assert [x.code for x in two if "only-here" in x.message] == ["VK203"]
        # the whole-vault pass of each vault publishes its own planted finding
        for root in (first, second):
            await diagnostics(lsp, uri(root, "sessions/2023-02-24.md"), lambda d: any(x.code == "VK201" for x in d))
        # completion after @ offers the second vault's key only in the second vault
        await lsp.text_document_completion_async(types.CompletionParams(  # warm the key index
            types.TextDocumentIdentifier(in_second), types.Position(1, 6)))
        got = {}
        for name, doc in (("first", in_first), ("second", in_second)):
            items = await lsp.text_document_completion_async(types.CompletionParams(
                types.TextDocumentIdentifier(doc), types.Position(1, len("See @onlyIn"))))
            got[name] = [i.label for i in items.items]
        assert got == {"first": [], "second": ["onlyInSecondVault2024"]}
        # go to definition of @huLoRA… lands in the paper note of the note's own vault
        for root, doc in ((first, in_first), (second, in_second)):
            found = await lsp.text_document_definition_async(types.DefinitionParams(
                types.TextDocumentIdentifier(doc), types.Position(8, 12)))
            targets = [loc.uri for loc in (found if isinstance(found, list) else [found])]
            assert targets[0] == uri(root, "papers/@huLoRALowRankAdaptation2021.md")
        # a folder added to the workspace is served too; a removed one is not
        lsp.workspace_did_change_workspace_folders(types.DidChangeWorkspaceFoldersParams(
            types.WorkspaceFoldersChangeEvent(
                added=[types.WorkspaceFolder(uri(third, ""), "c")],
                removed=[types.WorkspaceFolder(uri(second, ""), "b")])))
        await diagnostics(lsp, uri(third, "sessions/2023-02-24.md"), lambda d: any(x.code == "VK201" for x in d))
        in_third = open_note(lsp, third, "sessions/2023-04-05.md")
        await diagnostics(lsp, in_third, lambda d: any(x.code == "VK201" for x in d))
        await diagnostics(lsp, uri(second, "sessions/2023-02-24.md"), lambda d: d == [])  # cleared
