"""Driving ``vaultkit lsp`` with a real LSP client (pytest-lsp) over stdio."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
from pathlib import Path
from typing import AsyncIterator, Callable

from lsprotocol import types
from pygls.uris import from_fs_path
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

from tests.conftest import EXAMPLE_VAULT

TIMEOUT = 30.0


def copy_vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    shutil.copytree(EXAMPLE_VAULT, root)
    return root


CROSS_VAULT_NOTE = ("## tl;dr\nSee @onlyInSecondVault2024 and [[only-here]].\n\n## Context\n## Done\n"
                    "## Learned\n## Next?\n## Log\n- [skim(@huLoRALowRankAdaptation2021)]\n")
"""A session that is right in neither of :func:`two_vaults`: in the first, its key is
unknown (VK201); in the second, its link leads nowhere (VK203)."""


def two_vaults(tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of the example vault: only the second's .bib knows
    ``onlyInSecondVault2024``, only the first has the note ``only-here``."""
    first = copy_vault(tmp_path / "a")
    second = copy_vault(tmp_path / "b")
    bib = second / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n@article{onlyInSecondVault2024,\n"
                   "  title = {Second Vault Paper},\n  author = {Doe, Jane},\n  year = {2024}\n}\n",
                   encoding="utf-8")
    (first / "sessions" / "only-here.md").write_text("## tl;dr\nA note of the first vault.\n", encoding="utf-8")
    return first, second


def uri(root: Path, rel: str) -> str:
    return from_fs_path(str(root / rel)) or ""


@contextlib.asynccontextmanager
async def session(root: Path, *, client: str = "visual-studio-code", options: dict | None = None,
                  encodings: list[str] | None = None, env: dict[str, str] | None = None,
                  capabilities: types.ClientCapabilities | None = None,
                  folders: list[Path] | None = None,
                  ) -> AsyncIterator[tuple[LanguageClient, types.InitializeResult]]:
    """A server on ``root`` (or on every one of ``folders``, the first being the root
    URI) and an initialized client; shut down cleanly at the end."""
    lsp = make_test_lsp_client()
    await lsp.start_io(sys.executable, "-m", "vaultkit", "lsp", env={**os.environ, **(env or {})})
    caps = capabilities or client_capabilities(client)
    if encodings is not None:
        caps.general = types.GeneralClientCapabilities(position_encodings=encodings)
    params = types.InitializeParams(
        capabilities=caps, root_uri=from_fs_path(str(root)),
        workspace_folders=[types.WorkspaceFolder(from_fs_path(str(f)) or "", f.name)
                           for f in (folders or [root])],
        initialization_options=options)
    try:
        result = await asyncio.wait_for(lsp.initialize_session(params), TIMEOUT)
        yield lsp, result
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(lsp.shutdown_session(), TIMEOUT)
        server = getattr(lsp, "_server", None)
        if server is not None and server.returncode is None:
            server.kill()  # a server that hangs must not hang the test run too
        with contextlib.suppress(Exception):
            await asyncio.wait_for(lsp.stop(), TIMEOUT)


def open_note(lsp: LanguageClient, root: Path, rel: str, text: str | None = None, version: int = 1) -> str:
    doc_uri = uri(root, rel)
    if text is None:
        text = (root / rel).read_text(encoding="utf-8")
    lsp.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=doc_uri, language_id="markdown", version=version, text=text)))
    return doc_uri


def replace_text(lsp: LanguageClient, doc_uri: str, text: str, version: int) -> None:
    lsp.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=doc_uri, version=version),
        [types.TextDocumentContentChangeWholeDocument(text=text)]))


async def until(predicate: Callable[[], object], timeout: float = TIMEOUT, what: str = "condition"):
    """Wait for ``predicate()`` to be truthy (polling: notifications arrive on their own)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def diagnostics(lsp: LanguageClient, doc_uri: str, predicate: Callable[[list], bool] = lambda d: True,
                      timeout: float = TIMEOUT) -> list[types.Diagnostic]:
    """The pushed diagnostics of ``doc_uri`` once they satisfy ``predicate``."""
    found: list[list[types.Diagnostic]] = []

    def check() -> bool:
        current = lsp.diagnostics.get(doc_uri)
        if current is not None and predicate(list(current)):
            found.append(list(current))
            return True
        return False

    await until(check, timeout, f"diagnostics on {doc_uri}")
    return found[-1]


def codes(diags) -> list[tuple[str, int, int]]:
    """(code, 1-based line, 0-based character) of each diagnostic."""
    return sorted((str(d.code), d.range.start.line + 1, d.range.start.character) for d in diags)


async def ready(lsp: LanguageClient, root: Path) -> None:
    """Wait until the vault is loaded: the vault-wide pass has published a known finding."""
    await diagnostics(lsp, uri(root, "sessions/2023-02-24.md"), lambda d: any(x.code == "VK201" for x in d))
