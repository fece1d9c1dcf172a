"""``vaultkit lsp``: the language server (pygls 2 + lsprotocol, stdio).

The event loop never waits on a vault-wide job: the vault opens in a worker thread (with
``$/progress``) without parsing a note, the whole-vault check (``vaultkit lint``'s, served
from the store for unchanged files) runs in a thread, and so does ``vaultkit.index``; a
buffer changed meanwhile is checked when it is done.  Requests that come before the vault is ready get
what is known so far (the per-note rules; empty completion lists).

Diagnostics for an open note follow the buffer: a change after a pause is checked at
once, a burst of changes once, ``debounceMs`` after its last change, and only the newest
version is published.  Clients that pull (``textDocument/diagnostic``) get a result id
and "unchanged" when nothing changed; the others get ``publishDiagnostics``.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import os
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Sequence

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from vaultkit.digest import hasher
from vaultkit import __version__
from vaultkit.lsp import papers
from vaultkit.lsp.completion import KeyIndex, complete
from vaultkit.lsp.convert import Codec
from vaultkit.lsp.navigate import Navigator
from vaultkit.lsp.symbols import code_actions, document_symbols, workspace_symbols
from vaultkit.lsp.workspace import LOAD_JOBS, ChangeKind, LiveVault
from vaultkit.model import Finding

log = logging.getLogger("vaultkit.lsp")

COMMAND_INDEX = "vaultkit.index"
COMMAND_PAPER = "vaultkit.paper"
COMMAND_LINT = "vaultkit.lint"
FAULT_ENV = "VAULTKIT_LSP_FAULT"
"""Names a method whose handler then raises: how the tests prove a crash is contained."""
SLOW_LOAD_ENV = "VAULTKIT_LSP_SLOW_LOAD"
"""Seconds to wait before the full load: how the tests see the server before it is ready."""
_CHANGE = {types.FileChangeType.Created: "created", types.FileChangeType.Changed: "changed",
           types.FileChangeType.Deleted: "deleted"}


class Folder:
    """One vault of the workspace and what the server knows of it."""

    def __init__(self, lv: LiveVault) -> None:
        self.lv = lv
        self.keys = KeyIndex()
        self.doc_results: dict[str, tuple[int, list[Finding], str]] = {}
        """path -> (generation, findings, result id) of the last check of that note."""
        self.vault_results: dict[str, list[Finding]] = {}
        self.published: set[str] = set()
        self.vault_pass: asyncio.Task | None = None
        self.vault_pass_wanted = False
        self.pass_generation = -1
        """The live vault's generation the last vault-wide pass started from."""

    def uri_of(self, path: str) -> str:
        return from_fs_path(str(self.lv.root / path)) or ""


class VaultServer(LanguageServer):
    """The server's state: a live vault per workspace folder, the negotiated codec and
    what was published.  A document belongs to the innermost vault that holds it."""

    def __init__(self) -> None:
        super().__init__("vaultkit", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.folders: list[Folder] = []
        self.codec = Codec()
        self.debounce = 0.075
        self.docs_url: str | None = None
        """initializationOptions.rulesDocsUrl: a template of the rules' documentation address."""
        self.mode = "auto"
        self.rename_in_bibliography = True
        """initializationOptions.renameInBibliography: a citekey rename edits the .bib too."""
        self._last_change: dict[str, float] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._applied: dict[str, int] = {}
        """uri -> document version last handed to the live vault."""
        self._tasks: set[asyncio.Task] = set()

    # -- folders and paths ------------------------------------------------------------
    def add_folder(self, root: Path) -> Folder | None:
        """Serve the vault at ``root`` (once: a second folder inside it is the same vault)."""
        root = root.resolve()
        if any(f.lv.root == root for f in self.folders):
            return None
        folder = Folder(LiveVault(root))
        self.folders.append(folder)
        return folder

    def folder_of(self, uri: str) -> Folder | None:
        """The innermost vault holding the file ``uri``."""
        fs = to_fs_path(uri)
        if not fs:
            return None
        holding = [f for f in self.folders if f.lv.rel(fs) is not None]
        return max(holding, key=lambda f: len(f.lv.root.parts), default=None)

    def locate(self, uri: str) -> tuple[Folder, str] | None:
        """The vault of ``uri`` and its path in it."""
        folder = self.folder_of(uri)
        fs = to_fs_path(uri)
        path = folder.lv.rel(fs) if folder is not None and fs else None
        return (folder, path) if folder is not None and path is not None else None

    def open_in(self, folder: Folder) -> dict[str, str]:
        """Vault path -> uri of the open documents of one vault."""
        out = {}
        for uri in list(self.workspace.text_documents):
            where = self.locate(uri)
            if where is not None and where[0] is folder:
                out[where[1]] = uri
        return out

    # -- capabilities -------------------------------------------------------------------
    @property
    def pulls(self) -> bool:
        if self.mode in ("push", "pull"):
            return self.mode == "pull"
        td = self.client_capabilities.text_document
        return td is not None and td.diagnostic is not None

    def _refresh_supported(self) -> bool:
        ws = self.client_capabilities.workspace
        return bool(ws and ws.diagnostics and ws.diagnostics.refresh_support)

    def _document_changes(self) -> bool:
        ws = self.client_capabilities.workspace
        edit = ws.workspace_edit if ws else None
        ops = (edit.resource_operations or []) if edit else []
        return bool(edit and edit.document_changes and types.ResourceOperationKind.Rename in ops)

    def _progress_supported(self) -> bool:
        window = self.client_capabilities.window
        return bool(window and window.work_done_progress)

    # -- text of open documents ----------------------------------------------------------
    def sync(self, uri: str) -> tuple[Folder, str] | None:
        """Hand the newest buffer of ``uri`` to its live vault; the vault and the path."""
        where = self.locate(uri)
        if where is None:
            return None
        folder, path = where
        doc = self.workspace.text_documents.get(uri)
        if not path.lower().endswith(".md"):
            return where  # a .bib or an image open in the editor: the file on disk counts
        if doc is not None and self._applied.get(uri) != doc.version:
            folder.lv.set_text(path, doc.source)
            self._applied[uri] = doc.version  # type: ignore[assignment]
        return where

    # -- diagnostics ---------------------------------------------------------------------
    def findings_of(self, folder: Folder, path: str) -> tuple[list[Finding], str]:
        """The findings of one note now, and a result id that changes only with them."""
        lv = folder.lv
        generation = lv.generation
        cached = folder.doc_results.get(path)
        if cached is not None and cached[0] == generation:
            return cached[1], cached[2]
        findings = lv.note_findings(path)
        whole = [f for f in folder.vault_results.get(path, ()) if f.code in lv.WHOLE_VAULT_CODES]
        if whole:
            findings = sorted(findings + whole, key=lambda f: f.sort_key)
        rid = _result_id(findings, lv.complete)
        folder.doc_results[path] = (generation, findings, rid)
        return findings, rid

    def diagnostics(self, folder: Folder, path: str, findings: Sequence[Finding]) -> list[types.Diagnostic]:
        lines = folder.lv.lines(path)
        return [self.codec.diagnostic(f, lines, self.docs_url) for f in findings]

    def changed(self, uri: str) -> None:
        """A buffer changed: check it now after a pause, else once the burst settles."""
        now = time.monotonic()
        quiet = now - self._last_change.get(uri, 0.0) > self.debounce
        self._last_change[uri] = now
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        loop = asyncio.get_running_loop()
        self._timers[uri] = loop.call_later(0 if quiet else self.debounce, self._check_open, uri)

    def _check_open(self, uri: str) -> None:
        self._timers.pop(uri, None)
        folder = self.folder_of(uri)
        if folder is not None and folder.lv.opening:  # checked once the vault is open
            self._timers[uri] = asyncio.get_running_loop().call_later(0.02, self._check_open, uri)
            return
        where = self.sync(uri)
        if self.pulls:
            return  # the client asks (textDocument/diagnostic) when it wants them
        doc = self.workspace.text_documents.get(uri)
        if where is None or doc is None:
            return
        findings, _ = self.findings_of(*where)
        self._publish(where[0], uri, where[1], findings, doc.version)

    def _publish(self, folder: Folder, uri: str, path: str, findings: Sequence[Finding],
                 version: int | None = None) -> None:
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=self.diagnostics(folder, path, findings), version=version))
        if findings:
            folder.published.add(path)
        else:
            folder.published.discard(path)

    def _refresh(self) -> None:
        if self._refresh_supported():
            self.workspace_diagnostic_refresh(None)

    def want_vault_pass(self, folder: Folder) -> None:
        """Re-check the whole vault soon (after a save or a change on disk)."""
        folder.vault_pass_wanted = True
        if folder.vault_pass is None or folder.vault_pass.done():
            folder.vault_pass = asyncio.get_running_loop().create_task(self._run_vault_passes(folder))

    async def _run_vault_passes(self, folder: Folder) -> None:
        while folder.vault_pass_wanted and folder.lv.complete and folder in self.folders:
            folder.vault_pass_wanted = False
            try:
                await self._vault_pass_once(folder)
            except Exception:  # noqa: BLE001 - logged; the server carries on
                self.log_error("vault-wide check failed", traceback.format_exc())

    async def vault_findings(self, folder: Folder) -> dict[str, list[Finding]]:
        """Every file's findings, from a vault-wide pass made after the last change."""
        while folder.vault_pass is not None and not folder.vault_pass.done():
            await asyncio.shield(folder.vault_pass)
        if folder.pass_generation != folder.lv.generation:
            await self._vault_pass_once(folder)
        return folder.vault_results

    async def _vault_pass_once(self, folder: Folder, progress: Callable[[str], None] | None = None) -> None:
        """Check the whole vault in a thread (the store serves what did not change) and
        publish what changed."""
        opened = self.open_in(folder)
        for uri in opened.values():
            self.sync(uri)
        lv = folder.lv
        folder.pass_generation = lv.generation
        results = await asyncio.get_running_loop().run_in_executor(None, lv.check_all, progress)
        if results is None:
            return
        folder.pass_generation = lv.checked_generation  # its vault is now the live one
        known = set(lv.files())
        for path in [p for p in results if p not in known]:
            for finding in results.pop(path):
                if finding.code == "VK000":  # a whole-vault rule crashed: said on the root
                    self.log_error(finding.message)
        folder.vault_results = results
        folder.doc_results.clear()
        if self.pulls:
            self._refresh()
            return
        for path in sorted(set(results) | folder.published):
            uri = opened.get(path)
            if uri is not None:
                self._check_open(uri)
            else:
                self._publish(folder, folder.uri_of(path), path, results.get(path, []))

    def _background(self, job: Any) -> None:
        """Run a coroutine on the loop without waiting; keep a reference so it finishes."""
        task = asyncio.get_running_loop().create_task(job)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def prewarm(self, folder: Folder) -> None:
        """Read the full bibliography and index the keys off the loop, before the first
        completion or hover needs them (a 5,000-entry .bib takes a second to read)."""
        if not folder.lv.ready:
            return
        try:
            await asyncio.get_running_loop().run_in_executor(None, folder.keys.keys, folder.lv)
        except Exception:  # noqa: BLE001 - the request that needs it will try again
            self.log_error("reading the bibliography failed", traceback.format_exc())

    # -- logging -------------------------------------------------------------------------
    def log_error(self, message: str, detail: str = "") -> None:
        log.error("%s\n%s", message, detail)
        try:
            self.window_log_message(types.LogMessageParams(
                type=types.MessageType.Error, message=f"vaultkit: {message}\n{detail}".rstrip()))
        except Exception:  # noqa: BLE001 - the client is gone: nothing to tell
            pass


def split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _result_id(findings: Sequence[Finding], complete: bool) -> str:
    digest = hasher(16)
    digest.update(b"complete" if complete else b"early")
    for f in findings:
        digest.update(repr((f.code, f.span, f.severity, f.message, f.fix is not None)).encode())
    return digest.hexdigest()


def guarded(server: VaultServer, method: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A crash in a handler is logged and answered with an error; the server carries on."""

    def decorate(handler: Callable[..., Any]) -> Callable[..., Any]:
        def fail(error: Exception) -> None:
            server.log_error(f"{method} failed: {type(error).__name__}: {error}", traceback.format_exc())
            raise JsonRpcInternalError(f"vaultkit: {method} failed: {type(error).__name__}: {error}") from error

        if asyncio.iscoroutinefunction(handler):
            @functools.wraps(handler)
            async def run_async(*args: Any) -> Any:
                try:
                    _fault(method)
                    return await handler(*args)
                except JsonRpcInternalError:
                    raise
                except Exception as error:  # noqa: BLE001
                    fail(error)
            return run_async

        @functools.wraps(handler)
        def run(*args: Any) -> Any:
            try:
                _fault(method)
                return handler(*args)
            except JsonRpcInternalError:
                raise
            except Exception as error:  # noqa: BLE001
                fail(error)
        return run

    return decorate


def _fault(method: str) -> None:
    if os.environ.get(FAULT_ENV) == method:
        raise RuntimeError(f"fault injected into {method} ({FAULT_ENV})")


def build() -> VaultServer:
    server = VaultServer()

    def feature(method: str, options: Any = None):
        def register(handler):
            server.feature(method, options)(guarded(server, method)(handler))
            return handler
        return register

    def command(name: str):
        def register(handler):
            server.command(name)(guarded(server, name)(handler))
            return handler
        return register

    # -- lifecycle -------------------------------------------------------------------
    @feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        for root in _roots(params, options):
            server.add_folder(root)
        server.codec = Codec(server.workspace.position_encoding)  # type: ignore[arg-type]
        if "debounceMs" in options:
            server.debounce = max(0.0, float(options["debounceMs"]) / 1000)
        server.docs_url = str(options.get("rulesDocsUrl") or "") or None
        server.mode = str(options.get("diagnostics", "auto"))
        server.rename_in_bibliography = options.get("renameInBibliography", True) is not False

    @feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        _watch_files(server)
        await asyncio.gather(*(_load(server, f) for f in list(server.folders)))

    @feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def did_change_folders(params: types.DidChangeWorkspaceFoldersParams) -> None:
        for removed in params.event.removed:
            root = _folder_root(removed.uri)
            for folder in [f for f in server.folders if f.lv.root == root]:
                server.folders.remove(folder)
                if not server.pulls:
                    for path in sorted(folder.published):
                        server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                            uri=folder.uri_of(path), diagnostics=[]))
        for added in params.event.added:
            folder = server.add_folder(_folder_root(added.uri))
            if folder is not None:
                server._background(_load(server, folder))

    # -- documents ---------------------------------------------------------------------
    @feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        server.changed(params.text_document.uri)

    @feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        server.changed(params.text_document.uri)

    @feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        where = server.sync(params.text_document.uri)
        if where is not None:
            server.want_vault_pass(where[0])

    @feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        where = server.locate(uri)
        server._applied.pop(uri, None)
        timer = server._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        if where is not None:
            folder, path = where
            folder.lv.close(path)
            if not server.pulls:  # a closed note shows what the vault-wide check said
                server._publish(folder, uri, path, folder.vault_results.get(path, []))

    @feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched(params: types.DidChangeWatchedFilesParams) -> None:
        changes: dict[int, tuple[Folder, list[tuple[str, ChangeKind]]]] = {}
        for change in params.changes:
            where = server.locate(change.uri)
            if where is not None:
                changes.setdefault(id(where[0]), (where[0], []))[1].append(
                    (where[1], _CHANGE.get(change.type, "changed")))  # type: ignore[arg-type]
        for folder, found in changes.values():
            kinds = folder.lv.disk_changed(found)
            if "config" in kinds:
                server._background(_load(server, folder))
            elif kinds:
                server.want_vault_pass(folder)
                if "bibliography" in kinds:
                    server._background(server.prewarm(folder))

    # -- diagnostics (pull) ----------------------------------------------------------------
    @feature(types.TEXT_DOCUMENT_DIAGNOSTIC,
             types.DiagnosticOptions(identifier="vaultkit", inter_file_dependencies=True,
                                     workspace_diagnostics=True))
    def document_diagnostic(params: types.DocumentDiagnosticParams):
        where = server.sync(params.text_document.uri)
        if where is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        findings, rid = server.findings_of(*where)
        if params.previous_result_id == rid:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=rid)
        return types.RelatedFullDocumentDiagnosticReport(
            items=server.diagnostics(*where, findings), result_id=rid)

    @feature(types.WORKSPACE_DIAGNOSTIC)
    def workspace_diagnostic(params: types.WorkspaceDiagnosticParams):
        previous = {p.uri: p.value for p in params.previous_result_ids}
        items: list = []
        for folder in server.folders:
            if not folder.lv.ready:
                continue
            open_paths = server.open_in(folder)
            for path, findings in sorted(folder.vault_results.items()):
                if path in open_paths:
                    continue  # the document report covers it
                uri = folder.uri_of(path)
                rid = _result_id(findings, True)
                if previous.get(uri) == rid:
                    items.append(types.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, result_id=rid, version=None))
                else:
                    items.append(types.WorkspaceFullDocumentDiagnosticReport(
                        uri=uri, items=server.diagnostics(folder, path, findings), result_id=rid, version=None))
        return types.WorkspaceDiagnosticReport(items=items)

    # -- completion, hover, navigation ---------------------------------------------------
    @feature(types.TEXT_DOCUMENT_COMPLETION,
             types.CompletionOptions(trigger_characters=["@", "[", "#", "^", "!"]))
    def completion(params: types.CompletionParams):
        uri = params.text_document.uri
        where = server.locate(uri)
        if where is None:
            return None
        folder, path = where
        doc = server.workspace.get_text_document(uri)
        return complete(folder.lv, folder.keys, server.codec, path, split_lines(doc.source), params.position)

    def navigator(uri: str) -> tuple[Navigator, str] | None:
        where = server.sync(uri)
        if where is None:
            return None
        folder, path = where
        return Navigator(folder.lv, server.codec, folder.uri_of,
                         rename_in_bibliography=server.rename_in_bibliography), path

    @feature(types.TEXT_DOCUMENT_HOVER)
    def hover(params: types.HoverParams):
        found = navigator(params.text_document.uri)
        return found[0].hover(found[1], params.position) if found else None

    @feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(params: types.DefinitionParams):
        found = navigator(params.text_document.uri)
        return found[0].definition(found[1], params.position) if found else None

    @feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(params: types.ReferenceParams):
        found = navigator(params.text_document.uri)
        return found[0].references(found[1], params.position, params.context.include_declaration) if found else None

    @feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare_rename(params: types.PrepareRenameParams):
        found = navigator(params.text_document.uri)
        return found[0].prepare_rename(found[1], params.position) if found else None

    @feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    def rename(params: types.RenameParams):
        found = navigator(params.text_document.uri)
        if found is None:
            return None
        edit = found[0].rename(found[1], params.position, params.new_name, server._document_changes())
        for notice in found[0].notices:  # a file the edit leaves holding the old key
            server.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=notice))
        return edit

    # -- symbols and actions -------------------------------------------------------------
    @feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(params: types.DocumentSymbolParams):
        where = server.sync(params.text_document.uri)
        if where is None:
            return []
        note = where[0].lv.note(where[1])
        return document_symbols(where[0].lv, server.codec, note) if note is not None and note.readable else []

    @feature(types.WORKSPACE_SYMBOL)
    def workspace_symbol(params: types.WorkspaceSymbolParams):
        return [symbol for folder in server.folders
                for symbol in workspace_symbols(folder.lv, server.codec, folder.uri_of, params.query)]

    @feature(types.TEXT_DOCUMENT_CODE_ACTION,
             types.CodeActionOptions(code_action_kinds=[
                 types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll,
                 types.CodeActionKind.SourceFixAll + ".vaultkit"]))
    def code_action(params: types.CodeActionParams):
        where = server.sync(params.text_document.uri)
        if where is None:
            return []
        folder, path = where
        findings, _ = server.findings_of(folder, path)
        return code_actions(server.codec, folder.uri_of, findings, folder.lv.lines(path),
                            params.range, params.context.only, server.docs_url,
                            lambda: folder.lv.fixed_text(path))

    # -- commands ------------------------------------------------------------------------
    @command(COMMAND_PAPER)
    def paper_command(*args: Any) -> dict:
        key = _key_argument(args)
        folder = _chosen(server, args, key)
        if folder is None or not folder.lv.complete:
            return {"key": key, "known": False, "loading": True}
        for uri in server.open_in(folder).values():
            server.sync(uri)
        return papers.paper(folder.lv, key)

    @command(COMMAND_LINT)
    async def lint_command(*args: Any) -> list:
        out: list = []
        many = len(server.folders) > 1
        for folder in list(server.folders):
            lv = folder.lv
            await asyncio.get_running_loop().run_in_executor(None, lv.wait_loaded, 600)
            if not lv.complete:
                raise ValueError(f"the vault at {lv.root} could not be loaded: {lv.error}")
            results = await server.vault_findings(folder)
            for path in sorted(results):
                for f in results[path]:
                    out.append({**f.to_json(), "vault": str(lv.root)} if many else f.to_json())
        return out

    @command(COMMAND_INDEX)
    async def index_command(*args: Any) -> dict:
        folder = _chosen(server, args)
        if folder is None:
            raise ValueError("no vault is open")
        return await _run_index(server, folder, args)

    return server


def _chosen(server: VaultServer, args: Sequence[Any], key: str | None = None) -> Folder | None:
    """The vault a command is for: ``{"vault": uri or path}`` or the vault of
    ``{"uri": document}`` in its arguments, else the first that knows ``key``, else the
    vault of the document edited last, else the only one.  With several vaults and
    nothing to go by, an error says how to choose."""
    options = args[0] if args and isinstance(args[0], dict) else {}
    document = options.get("uri")
    if isinstance(document, str) and document:
        found = server.folder_of(document)
        if found is None:
            raise ValueError(f"{document}: not in a vault of this workspace")
        return found
    given = options.get("vault")
    if isinstance(given, str) and given:
        target = Path(to_fs_path(given) if "://" in given else given).expanduser().resolve()
        found = next((f for f in server.folders if f.lv.root == target), None)
        found = found or server.folder_of(from_fs_path(str(target)) or "")
        if found is None:
            raise ValueError(f"{given}: not in a vault of this workspace")
        return found
    if key is not None:
        for folder in server.folders:
            vault = folder.lv.vault
            if vault is not None and vault.facts.knows_key(key):
                return folder
    if len(server.folders) <= 1:
        return server.folders[0] if server.folders else None
    edited = sorted(server._last_change, key=server._last_change.__getitem__, reverse=True)
    for uri in edited:
        if uri in server.workspace.text_documents and (found := server.folder_of(uri)) is not None:
            return found
    if key is not None:
        return server.folders[0]  # a key no vault knows: the answer is the same in each
    roots = ", ".join(str(f.lv.root) for f in server.folders)
    raise ValueError(f"several vaults are open ({roots}): say which, with "
                     '[{"uri": "<a document in it>"}] or [{"vault": "<its folder>"}]')


def _key_argument(args: Sequence[Any]) -> str:
    value = args[0] if args else None
    if isinstance(value, dict):
        value = value.get("key")
    if not isinstance(value, str) or not value.strip():
        raise ValueError("vaultkit.paper needs a citekey: arguments [\"key\"] or [{\"key\": \"key\"}]")
    return value.strip().lstrip("@")


def _roots(params: types.InitializeParams, options: dict) -> list[Path]:
    """The vaults to serve: ``initializationOptions.vault``, else one per workspace folder,
    else the root URI (each moved up to the folder with ``.vaultkit.yaml`` or ``.obsidian/``)."""
    given = options.get("vault")
    if isinstance(given, str) and given:
        return [Path(given).expanduser().resolve()]
    uris = [f.uri for f in params.workspace_folders or ()] or ([params.root_uri] if params.root_uri else [])
    if not uris:
        return [_vault_root(Path(params.root_path) if params.root_path else Path.cwd())]
    return list(dict.fromkeys(_folder_root(u) for u in uris))


def _folder_root(uri: str) -> Path:
    return _vault_root(Path(to_fs_path(uri) or uri))


def _vault_root(folder: Path) -> Path:
    from vaultkit.vault import find_root

    try:
        return find_root([folder], None).resolve()
    except Exception:  # noqa: BLE001 - a folder that does not exist: serve it anyway
        return folder.resolve()


def _watch_files(server: VaultServer) -> None:
    ws = server.client_capabilities.workspace
    watched = ws.did_change_watched_files if ws else None
    if not (watched and watched.dynamic_registration):
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern="**/*")])
    server.client_register_capability(types.RegistrationParams(registrations=[
        types.Registration(id="vaultkit-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                           register_options=options)]))


async def _progress(server: VaultServer, token: types.ProgressToken | None, title: str):
    """A work-done progress token the client knows, or ``None`` when it has none."""
    if token is None and server._progress_supported():
        token = f"vaultkit-{title}-{time.monotonic_ns()}"
        try:
            await asyncio.wait_for(server.work_done_progress.create_async(token), 5)
        except Exception:  # noqa: BLE001 - no progress bar then
            return None
    if token is not None:
        server.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=title, cancellable=False))
    return token


async def _load(server: VaultServer, folder: Folder) -> None:
    """Open a vault (no note parsed: its open notes are checked at once from their
    buffers and the stored facts), then check every note in a thread, with progress."""
    lv = folder.lv
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    lv.opening = True  # before a didOpen is handled: it waits for the vault, not parse twice
    opened = loop.run_in_executor(None, lv.load)
    title = "vaultkit: loading the vault" + (f" {lv.root.name}" if len(server.folders) > 1 else "")
    token = await _progress(server, None, title)
    await opened
    if not lv.ready:
        if token is not None:
            server.work_done_progress.end(token, types.WorkDoneProgressEnd(message=f"not loaded: {lv.error}"))
        server.log_error(f"cannot load the vault at {lv.root}: {lv.error}")
        server.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Error, message=f"vaultkit: {lv.error}"))
        return
    for uri in server.open_in(folder).values():  # the loaded vault has the buffers
        server._applied.pop(uri, None)
        timer = server._timers.pop(uri, None)
        if timer is not None:  # a didOpen that waited for the vault: checked here
            timer.cancel()
        server._check_open(uri)
    if server.pulls:
        server._refresh()

    def report(message: str) -> None:
        if token is not None:
            loop.call_soon_threadsafe(server.work_done_progress.report, token,
                                      types.WorkDoneProgressReport(message=message))

    await asyncio.sleep(float(os.environ.get(SLOW_LOAD_ENV) or 0))
    await server._vault_pass_once(folder, report)
    if token is not None:
        server.work_done_progress.end(token, types.WorkDoneProgressEnd(
            message=f"{len(lv.files())} files in {time.monotonic() - started:.1f} s"))
    await server.prewarm(folder)
    gc.freeze()  # what is loaded now stays: later collections need not walk it


async def _run_index(server: VaultServer, folder: Folder, args: Sequence[Any]) -> dict:
    """Regenerate the index from the files on disk, in a thread, with progress.

    Index notes open in the editor with unsaved changes are left alone (the write would
    be refused by the compare-and-swap anyway, or would clobber the buffer): they are
    listed under ``skipped``.
    """
    lv = folder.lv
    if not lv.complete:
        raise ValueError("the vault is still loading; run vaultkit.index again in a moment")
    options = args[0] if args and isinstance(args[0], dict) else {}
    title = "vaultkit: regenerating the index" + (f" of {lv.root.name}" if len(server.folders) > 1 else "")
    token = await _progress(server, options.get("workDoneToken"), title)
    dirty = {p for p, u in server.open_in(folder).items() if _unsaved(lv, server, u, p)}

    def job(report: Callable[[str, int], None]) -> dict:
        from vaultkit.index import apply, plan
        from vaultkit.vault import Vault

        report("reading the vault", 10)
        vault = Vault.load(lv.root, jobs=LOAD_JOBS)
        report("planning the index notes", 50)
        result = plan(vault, prune=bool(options.get("prune")))
        skipped = [c.path for c in result.changes if c.path in dirty and c.outcome != "unchanged"]
        result.changes = [c for c in result.changes if c.path not in dirty]
        report("writing", 80)
        apply(vault, result)
        counts = result.counts()
        return {"vault": str(lv.root), **counts, "skipped": skipped,
                "written": [c.path for c in result.changes if c.outcome in ("create", "update", "prune")],
                "problems": [{"path": p.path, "code": p.code, "message": p.message,
                              "line": p.span.line, "column": p.span.column} for p in result.problems],
                "refusedPrune": result.refused_prune}

    loop = asyncio.get_running_loop()

    def report(message: str, percent: int) -> None:
        if token is not None:
            loop.call_soon_threadsafe(server.work_done_progress.report, token,
                                      types.WorkDoneProgressReport(message=message, percentage=percent))

    try:
        summary = await loop.run_in_executor(None, job, report)
    finally:
        if token is not None:
            server.work_done_progress.end(token, types.WorkDoneProgressEnd(message="done"))
    changed = [(p, "changed") for p in summary["written"]]
    if changed and lv.disk_changed(changed):  # type: ignore[arg-type]
        server.want_vault_pass(folder)
    return summary


def _unsaved(lv: LiveVault, server: VaultServer, uri: str, path: str) -> bool:
    doc = server.workspace.text_documents.get(uri)
    if doc is None:
        return False
    try:
        disk = lv.absolute(path).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return True
    return disk.replace("\r\n", "\n") != doc.source.replace("\r\n", "\n")


def serve() -> None:
    """Run the server on stdin/stdout until the client says exit."""
    logging.getLogger("bibtexparser").addHandler(logging.NullHandler())
    logging.getLogger("bibtexparser").propagate = False
    level = os.environ.get("VAULTKIT_LSP_LOG")
    if level:  # stderr is the editor's log of the server; stdout is the protocol
        logging.basicConfig(level=level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    build().start_io()
