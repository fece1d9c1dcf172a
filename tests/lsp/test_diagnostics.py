"""Diagnostics of ``vaultkit lsp`` over stdio: the CLI's findings, as you type and on disk."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.uris import to_fs_path

from tests.lsp.support import (
    codes, copy_vault, diagnostics, open_note, ready, replace_text, session, until, uri,
)

pytestmark = pytest.mark.asyncio


def cli_findings(root: Path, rel: str) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "vaultkit", "lint", "--format", "json", str(root / rel)],
                         capture_output=True, text=True, cwd=root)
    return json.loads(out.stdout)


async def test_open_note_gets_the_cli_findings(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    rel = "sessions/2023-04-05.md"
    async with session(root, encodings=["utf-16"]) as (lsp, result):
        assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf16
        doc = open_note(lsp, root, rel)
        diags = await diagnostics(lsp, doc, lambda d: any(x.code == "VK201" for x in d))
    expected = cli_findings(root, rel)
    assert [(d.code, d.range.start.line + 1, d.range.start.character + 1, d.message) for d in diags] == [
        (f["code"], f["line"], f["column"], f["message"]) for f in expected]
    vk201 = next(d for d in diags if d.code == "VK201")
    # README row 1: line 7, column 69 (an em dash before it: one UTF-16 unit, like a code point)
    assert (vk201.range.start.line, vk201.range.start.character) == (6, 68)
    assert vk201.severity == types.DiagnosticSeverity.Error
    assert vk201.source == "vaultkit"
    assert vk201.code_description is not None
    # a page that exists: docs/rules/VK201.md of this checkout, the rule's documentation
    page = Path(to_fs_path(vk201.code_description.href) or "")
    assert page.name == "VK201.md" and page.is_file()
    assert page.read_text(encoding="utf-8").startswith("# VK201 dangling-citekey")
    assert "smithNonexistentPaper2021" in vk201.message


async def test_whole_vault_is_published_after_load(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    async with session(root) as (lsp, _):
        await ready(lsp, root)
        diags = await diagnostics(lsp, uri(root, "sessions/2023-03-10.md"))
        assert codes(diags) == [("VK105", 1, 0)]
        assert diags[0].severity == types.DiagnosticSeverity.Warning
        progress = await until(lambda: [v for reports in lsp.progress_reports.values() for v in reports
                                        if isinstance(v, types.WorkDoneProgressEnd)], what="progress end")
        assert progress and "files" in (progress[0].message or "")


async def test_typing_updates_diagnostics_and_suppression_applies(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    rel = "sessions/2023-03-14.md"
    text = (root / rel).read_text(encoding="utf-8")
    async with session(root) as (lsp, _):
        doc = open_note(lsp, root, rel, text)
        await ready(lsp, root)
        assert await diagnostics(lsp, doc, lambda d: d == []) == []
        typed = text.replace("## Done\n", "## Done\n- see @nosuchKey2020 here\n", 1)
        replace_text(lsp, doc, typed, 2)
        diags = await diagnostics(lsp, doc, lambda d: any(x.code == "VK201" for x in d))
        line = typed.split("\n").index("- see @nosuchKey2020 here") + 1
        assert codes(diags) == [("VK201", line, 6)]
        suppressed = typed.replace("- see @nosuchKey2020 here",
                                   "%% vaultkit-disable-next-line VK201 %%\n- see @nosuchKey2020 here")
        replace_text(lsp, doc, suppressed, 3)
        assert await diagnostics(lsp, doc, lambda d: d == []) == []


async def test_a_burst_of_edits_ends_with_the_last(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    rel = "sessions/2023-03-14.md"
    text = (root / rel).read_text(encoding="utf-8")
    published: list[list[str]] = []
    async with session(root, options={"debounceMs": 50}) as (lsp, _):
        doc = open_note(lsp, root, rel, text)
        await ready(lsp, root)
        await diagnostics(lsp, doc, lambda d: d == [])
        lsp.diagnostics.pop(doc, None)
        version = 1
        loop = asyncio.get_running_loop()
        end = loop.time() + 0.1
        n = 0
        while loop.time() < end:  # 100 ms of keystrokes, each a different dangling key
            n += 1
            version += 1
            replace_text(lsp, doc, text + f"\nTyping @burstKey{n}\n", version)
            await asyncio.sleep(0.002)
        assert n >= 3  # however slow the machine, a burst of several edits
        diags = await diagnostics(lsp, doc, lambda d: any(f"@burstKey{n}:" in x.message for x in d))
        await asyncio.sleep(0.5)  # nothing older may arrive after the last
        final = lsp.diagnostics[doc]
        assert [x.message for x in final] == [x.message for x in diags]
        assert sum("burstKey" in x.message for x in final) == 1


async def test_bib_edit_on_disk_updates_every_citing_note(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    target = uri(root, "sessions/2023-04-05.md")
    async with session(root) as (lsp, _):
        await ready(lsp, root)
        await diagnostics(lsp, target, lambda d: any(x.code == "VK201" for x in d))
        # the .bib open in the editor is not a note: no section or tag findings on it
        assert await diagnostics(lsp, open_note(lsp, root, "references.bib")) == []
        bib = root / "references.bib"
        bib.write_text(bib.read_text(encoding="utf-8") + "\n@article{smithNonexistentPaper2021,\n"
                       "  title = {It Exists Now},\n  author = {Smith, Jane},\n  year = {2021}\n}\n",
                       encoding="utf-8")
        lsp.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri(root, "references.bib"), types.FileChangeType.Changed)]))
        await diagnostics(lsp, target, lambda d: not any(x.code == "VK201" for x in d))


async def test_note_renamed_on_disk_breaks_its_links(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    linking = uri(root, "sessions/2023-02-13.md")  # links [[2023-02-08]]
    async with session(root) as (lsp, _):
        await ready(lsp, root)
        (root / "sessions/2023-02-08.md").rename(root / "sessions/2023-02-08-kickoff.md")
        lsp.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams([
            types.FileEvent(uri(root, "sessions/2023-02-08.md"), types.FileChangeType.Deleted),
            types.FileEvent(uri(root, "sessions/2023-02-08-kickoff.md"), types.FileChangeType.Created)]))
        diags = await diagnostics(lsp, linking, lambda d: any(x.code == "VK203" for x in d))
        assert ("VK203", 5, 15) in codes(diags)
        # the renamed note keeps its own finding under its new name
        moved = await diagnostics(lsp, uri(root, "sessions/2023-02-08-kickoff.md"),
                                  lambda d: any(x.code == "VK203" for x in d))
        assert ("VK203", 5, 27) in codes(moved)
        assert not lsp.diagnostics.get(uri(root, "sessions/2023-02-08.md"))


async def test_malformed_note_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    async with session(root) as (lsp, _):
        await ready(lsp, root)
        doc = open_note(lsp, root, "sessions/2023-06-01.md", "---\ntitle: [unclosed\n---\n## tl;dr\n")
        diags = await diagnostics(lsp, doc, lambda d: any(x.code == "VK001" for x in d))
        assert diags[0].severity == types.DiagnosticSeverity.Error
        (root / "sessions/broken.md").write_bytes(b"## tl;dr\n\xff\xfe bad bytes\n")
        lsp.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri(root, "sessions/broken.md"), types.FileChangeType.Created)]))
        broken = await diagnostics(lsp, uri(root, "sessions/broken.md"), lambda d: any(x.code == "VK002" for x in d))
        assert codes(broken)[0][:2] == ("VK002", 2)
        hover = await lsp.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(uri(root, "sessions/broken.md")), types.Position(0, 0)))
        assert hover is None


async def test_pull_diagnostics_answer_unchanged(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    rel = "sessions/2023-02-24.md"
    async with session(root, client="neovim@v0.11.0") as (lsp, result):
        assert result.capabilities.diagnostic_provider is not None
        doc = open_note(lsp, root, rel)
        ident = types.TextDocumentIdentifier(doc)

        async def pull(previous: str | None = None):
            return await lsp.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(ident, previous_result_id=previous))

        early = await pull()  # before or after the load: an answer either way
        assert early.kind == "full"
        await until(lambda: lsp.progress_reports and any(
            isinstance(v, types.WorkDoneProgressEnd) for r in lsp.progress_reports.values() for v in r),
            what="the vault to load")
        report = await pull()
        assert report.kind == "full"
        assert ("VK201", 26, 8) in codes(report.items)
        again = await pull(report.result_id)
        assert again.kind == "unchanged" and again.result_id == report.result_id
        # an edit that changes no finding: still unchanged
        harmless = (root / rel).read_text(encoding="utf-8") + "\nA last harmless line.\n"
        replace_text(lsp, doc, harmless, 2)
        same = await pull(report.result_id)
        assert same.kind == "unchanged"
        text = (root / rel).read_text(encoding="utf-8").replace("@huLoRALowRankAdaption2021",
                                                                "@huLoRALowRankAdaptation2021")
        replace_text(lsp, doc, text, 3)
        fixed = await pull(report.result_id)
        assert fixed.kind == "full" and not any(d.code == "VK201" for d in fixed.items)
        # nothing is pushed to a client that pulls
        assert doc not in lsp.diagnostics


async def test_a_cold_load_of_many_notes_finishes(tmp_path: Path) -> None:
    """More notes than the parser's parallel threshold, nothing cached: the server's
    loader thread must not fork workers (a fork from a thread can deadlock)."""
    from vaultkit.notes import PARALLEL_THRESHOLD

    root = copy_vault(tmp_path)
    for n in range(PARALLEL_THRESHOLD + 50):
        (root / "sessions" / f"2024-01-01-{n:04d}.md").write_text(
            f"## tl;dr\nNote {n}, after [[2023-02-20]].\n\n## Context\n## Done\n## Learned\n## Next?\n"
            f"## Log\n- [skim(@huLoRALowRankAdaptation2021)]\n", encoding="utf-8")
    async with session(root) as (lsp, _):
        await asyncio.wait_for(ready(lsp, root), 120)
