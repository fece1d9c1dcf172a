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
import hashlib
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


class VaultServer(LanguageServer):
    """The server's state: the live vault, the negotiated codec and what was published."""

    def __init__(self) -> None:
        super().__init__("vaultkit", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.lv: LiveVault | None = None
        self.codec = Codec()
        self.keys = KeyIndex()
        self.debounce = 0.075
        self.docs_url: str | None = None
        """initializationOptions.rulesDocsUrl: a template of the rules' documentation address."""
        self.mode = "auto"
        self._last_change: dict[str, float] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._applied: dict[str, int] = {}
        """uri -> document version last handed to the live vault."""
        self._doc_results: dict[str, tuple[int, list[Finding], str]] = {}
        """path -> (generation, findings, result id) of the last check of that note."""
        self._vault_results: dict[str, list[Finding]] = {}
        self._published: set[str] = set()
        self._vault_pass: asyncio.Task | None = None
        self._vault_pass_wanted = False
        self._tasks: set[asyncio.Task] = set()
        self._pass_generation = -1
        """The live vault's generation the last vault-wide pass started from."""

    # -- paths ----------------------------------------------------------------------
    def path_of(self, uri: str) -> str | None:
        fs = to_fs_path(uri)
        return self.lv.rel(fs) if fs and self.lv is not None else None

    def uri_of(self, path: str) -> str:
        assert self.lv is not None
        return from_fs_path(str(self.lv.root / path)) or ""

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
    def sync(self, uri: str) -> str | None:
        """Hand the newest buffer of ``uri`` to the live vault; its vault path."""
        path = self.path_of(uri)
        if path is None or self.lv is None:
            return None
        doc = self.workspace.text_documents.get(uri)
        if not path.lower().endswith(".md"):
            return path  # a .bib or an image open in the editor: the file on disk counts
        if doc is not None and self._applied.get(uri) != doc.version:
            self.lv.set_text(path, doc.source)
            self._applied[uri] = doc.version  # type: ignore[assignment]
        return path

    def lines_of(self, uri: str, path: str) -> Sequence[str]:
        """The lines positions are counted on (the synced buffer's for an open note)."""
        assert self.lv is not None
        return self.lv.lines(path)

    # -- diagnostics ---------------------------------------------------------------------
    def findings_of(self, path: str) -> tuple[list[Finding], str]:
        """The findings of one note now, and a result id that changes only with them."""
        assert self.lv is not None
        generation = self.lv.generation
        cached = self._doc_results.get(path)
        if cached is not None and cached[0] == generation:
            return cached[1], cached[2]
        findings = self.lv.note_findings(path)
        whole = [f for f in self._vault_results.get(path, ()) if f.code in self.lv.WHOLE_VAULT_CODES]
        if whole:
            findings = sorted(findings + whole, key=lambda f: f.sort_key)
        rid = _result_id(findings, self.lv.complete)
        self._doc_results[path] = (generation, findings, rid)
        return findings, rid

    def diagnostics(self, path: str, findings: Sequence[Finding]) -> list[types.Diagnostic]:
        assert self.lv is not None
        uri = self.uri_of(path)
        lines = self.lines_of(uri, path)
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
        if self.lv is not None and (self.lv.checking or self.lv.opening):  # soon
            self._timers[uri] = asyncio.get_running_loop().call_later(0.02, self._check_open, uri)
            return
        path = self.sync(uri)
        if self.pulls:
            return  # the client asks (textDocument/diagnostic) when it wants them
        doc = self.workspace.text_documents.get(uri)
        if path is None or doc is None:
            return
        findings, _ = self.findings_of(path)
        self._publish(uri, path, findings, doc.version)

    def _publish(self, uri: str, path: str, findings: Sequence[Finding], version: int | None = None) -> None:
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=self.diagnostics(path, findings), version=version))
        if findings:
            self._published.add(path)
        else:
            self._published.discard(path)

    def _refresh(self) -> None:
        if self._refresh_supported():
            self.workspace_diagnostic_refresh(None)

    def want_vault_pass(self) -> None:
        """Re-check the whole vault soon, in slices (after a save or a change on disk)."""
        self._vault_pass_wanted = True
        if self._vault_pass is None or self._vault_pass.done():
            self._vault_pass = asyncio.get_running_loop().create_task(self._run_vault_passes())

    async def _run_vault_passes(self) -> None:
        while self._vault_pass_wanted and self.lv is not None and self.lv.complete:
            self._vault_pass_wanted = False
            try:
                await self._vault_pass_once()
            except Exception:  # noqa: BLE001 - logged; the server carries on
                self.log_error("vault-wide check failed", traceback.format_exc())

    async def vault_findings(self) -> dict[str, list[Finding]]:
        """Every file's findings, from a vault-wide pass made after the last change."""
        while self._vault_pass is not None and not self._vault_pass.done():
            await asyncio.shield(self._vault_pass)
        if self.lv is not None and self._pass_generation != self.lv.generation:
            await self._vault_pass_once()
        return self._vault_results

    async def _vault_pass_once(self, progress: Callable[[str], None] | None = None) -> None:
        """Check the whole vault in a thread (the store serves what did not change) and
        publish what changed."""
        assert self.lv is not None
        for uri in list(self.workspace.text_documents):
            self.sync(uri)
        lv = self.lv
        self._pass_generation = lv.generation
        results = await asyncio.get_running_loop().run_in_executor(None, lv.check_all, progress)
        if results is None:
            return
        known = set(lv.files())
        for path in [p for p in results if p not in known]:
            for finding in results.pop(path):
                if finding.code == "VK000":  # a whole-vault rule crashed: said on the root
                    self.log_error(finding.message)
        self._vault_results = results
        self._doc_results.clear()
        if self.pulls:
            self._refresh()
            return
        open_paths = {self.path_of(u): u for u in self.workspace.text_documents}
        for path in sorted(set(results) | self._published):
            uri = open_paths.get(path)
            if uri is not None:
                self._check_open(uri)
            else:
                self._publish(self.uri_of(path), path, results.get(path, []))

    def _background(self, job: Any) -> None:
        """Run a coroutine on the loop without waiting; keep a reference so it finishes."""
        task = asyncio.get_running_loop().create_task(job)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def prewarm(self) -> None:
        """Read the full bibliography and index the keys off the loop, before the first
        completion or hover needs them (a 5,000-entry .bib takes a second to read)."""
        lv = self.lv
        if lv is None or not lv.ready:
            return
        try:
            await asyncio.get_running_loop().run_in_executor(None, self.keys.keys, lv)
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
    digest = hashlib.sha1(b"complete" if complete else b"early")
    for f in findings:
        digest.update(repr((f.code, f.span, f.severity, f.message, f.fix is not None)).encode())
    return digest.hexdigest()[:16]


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
        root = _root(params, options)
        server.lv = LiveVault(root)
        server.codec = Codec(server.workspace.position_encoding)  # type: ignore[arg-type]
        if "debounceMs" in options:
            server.debounce = max(0.0, float(options["debounceMs"]) / 1000)
        server.docs_url = str(options.get("rulesDocsUrl") or "") or None
        server.mode = str(options.get("diagnostics", "auto"))

    @feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        _watch_files(server)
        await _load(server)

    # -- documents ---------------------------------------------------------------------
    @feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        server.changed(params.text_document.uri)

    @feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        server.changed(params.text_document.uri)

    @feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        server.sync(params.text_document.uri)
        server.want_vault_pass()

    @feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = server.path_of(uri)
        server._applied.pop(uri, None)
        timer = server._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        if path is not None and server.lv is not None:
            server.lv.close(path)
            if not server.pulls:  # a closed note shows what the vault-wide check said
                server._publish(uri, path, server._vault_results.get(path, []))

    @feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched(params: types.DidChangeWatchedFilesParams) -> None:
        if server.lv is None:
            return
        changes: list[tuple[str, ChangeKind]] = []
        for change in params.changes:
            path = server.path_of(change.uri)
            if path is not None:
                changes.append((path, _CHANGE.get(change.type, "changed")))  # type: ignore[arg-type]
        kinds = server.lv.disk_changed(changes)
        if "config" in kinds:
            server._background(_load(server))
        elif kinds:
            server.want_vault_pass()
            if "bibliography" in kinds:
                server._background(server.prewarm())

    # -- diagnostics (pull) ----------------------------------------------------------------
    @feature(types.TEXT_DOCUMENT_DIAGNOSTIC,
             types.DiagnosticOptions(identifier="vaultkit", inter_file_dependencies=True,
                                     workspace_diagnostics=True))
    def document_diagnostic(params: types.DocumentDiagnosticParams):
        path = server.sync(params.text_document.uri)
        if path is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        findings, rid = server.findings_of(path)
        if params.previous_result_id == rid:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=rid)
        return types.RelatedFullDocumentDiagnosticReport(
            items=server.diagnostics(path, findings), result_id=rid)

    @feature(types.WORKSPACE_DIAGNOSTIC)
    def workspace_diagnostic(params: types.WorkspaceDiagnosticParams):
        previous = {p.uri: p.value for p in params.previous_result_ids}
        items: list = []
        if server.lv is None or not server.lv.ready:
            return types.WorkspaceDiagnosticReport(items=[])
        open_paths = {server.path_of(u) for u in server.workspace.text_documents}
        for path, findings in sorted(server._vault_results.items()):
            if path in open_paths:
                continue  # the document report covers it
            uri = server.uri_of(path)
            rid = _result_id(findings, True)
            if previous.get(uri) == rid:
                items.append(types.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, result_id=rid, version=None))
            else:
                items.append(types.WorkspaceFullDocumentDiagnosticReport(
                    uri=uri, items=server.diagnostics(path, findings), result_id=rid, version=None))
        return types.WorkspaceDiagnosticReport(items=items)

    # -- completion, hover, navigation ---------------------------------------------------
    @feature(types.TEXT_DOCUMENT_COMPLETION,
             types.CompletionOptions(trigger_characters=["@", "[", "#", "^", "!"]))
    def completion(params: types.CompletionParams):
        uri = params.text_document.uri
        path = server.path_of(uri)
        if path is None or server.lv is None:
            return None
        doc = server.workspace.get_text_document(uri)
        return complete(server.lv, server.keys, server.codec, path, split_lines(doc.source), params.position)

    def navigator() -> Navigator:
        assert server.lv is not None
        return Navigator(server.lv, server.codec, server.uri_of)

    @feature(types.TEXT_DOCUMENT_HOVER)
    def hover(params: types.HoverParams):
        path = server.sync(params.text_document.uri)
        return navigator().hover(path, params.position) if path else None

    @feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(params: types.DefinitionParams):
        path = server.sync(params.text_document.uri)
        return navigator().definition(path, params.position) if path else None

    @feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(params: types.ReferenceParams):
        path = server.sync(params.text_document.uri)
        if path is None:
            return None
        return navigator().references(path, params.position, params.context.include_declaration)

    @feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare_rename(params: types.PrepareRenameParams):
        path = server.sync(params.text_document.uri)
        return navigator().prepare_rename(path, params.position) if path else None

    @feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    def rename(params: types.RenameParams):
        path = server.sync(params.text_document.uri)
        if path is None:
            return None
        return navigator().rename(path, params.position, params.new_name, server._document_changes())

    # -- symbols and actions -------------------------------------------------------------
    @feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(params: types.DocumentSymbolParams):
        path = server.sync(params.text_document.uri)
        note = server.lv.note(path) if path and server.lv else None
        return document_symbols(server.lv, server.codec, note) if note is not None and note.readable else []  # type: ignore[arg-type]

    @feature(types.WORKSPACE_SYMBOL)
    def workspace_symbol(params: types.WorkspaceSymbolParams):
        if server.lv is None:
            return []
        return workspace_symbols(server.lv, server.codec, server.uri_of, params.query)

    @feature(types.TEXT_DOCUMENT_CODE_ACTION,
             types.CodeActionOptions(code_action_kinds=[
                 types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll,
                 types.CodeActionKind.SourceFixAll + ".vaultkit"]))
    def code_action(params: types.CodeActionParams):
        uri = params.text_document.uri
        path = server.sync(uri)
        if path is None:
            return []
        findings, _ = server.findings_of(path)
        return code_actions(server.codec, server.uri_of, findings, server.lines_of(uri, path),
                            params.range, params.context.only, server.docs_url,
                            lambda: server.lv.fixed_text(path))  # type: ignore[union-attr]

    # -- commands ------------------------------------------------------------------------
    @command(COMMAND_PAPER)
    def paper_command(*args: Any) -> dict:
        key = _key_argument(args)
        if server.lv is None or not server.lv.complete:
            return {"key": key, "known": False, "loading": True}
        for uri in list(server.workspace.text_documents):
            server.sync(uri)
        return papers.paper(server.lv, key)

    @command(COMMAND_LINT)
    async def lint_command(*args: Any) -> list:
        lv = server.lv
        if lv is None:
            return []
        await asyncio.get_running_loop().run_in_executor(None, lv.wait_loaded, 600)
        if not lv.complete:
            raise ValueError(f"the vault could not be loaded: {lv.error}")
        results = await server.vault_findings()
        return [f.to_json() for path in sorted(results) for f in results[path]]

    @command(COMMAND_INDEX)
    async def index_command(*args: Any) -> dict:
        return await _run_index(server, args)

    return server


def _key_argument(args: Sequence[Any]) -> str:
    value = args[0] if args else None
    if isinstance(value, dict):
        value = value.get("key")
    if not isinstance(value, str) or not value.strip():
        raise ValueError("vaultkit.paper needs a citekey: arguments [\"key\"] or [{\"key\": \"key\"}]")
    return value.strip().lstrip("@")


def _root(params: types.InitializeParams, options: dict) -> Path:
    from vaultkit.vault import find_root

    given = options.get("vault")
    if isinstance(given, str) and given:
        return Path(given).expanduser().resolve()
    uri = (params.workspace_folders[0].uri if params.workspace_folders else None) or params.root_uri
    folder = Path(to_fs_path(uri)) if uri else (Path(params.root_path) if params.root_path else Path.cwd())
    try:
        return find_root([folder], None)
    except Exception:  # noqa: BLE001 - a folder that does not exist: serve it anyway
        return folder


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


async def _load(server: VaultServer) -> None:
    """Open the vault (no note parsed: the open notes are checked at once from their
    buffers and the stored facts), then check every note in a thread, with progress."""
    lv = server.lv
    assert lv is not None
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    lv.opening = True  # before a didOpen is handled: it waits for the vault, not parse twice
    opened = loop.run_in_executor(None, lv.load)
    token = await _progress(server, None, "vaultkit: loading the vault")
    await opened
    if not lv.ready:
        if token is not None:
            server.work_done_progress.end(token, types.WorkDoneProgressEnd(message=f"not loaded: {lv.error}"))
        server.log_error(f"cannot load the vault at {lv.root}: {lv.error}")
        server.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Error, message=f"vaultkit: {lv.error}"))
        return
    server._applied.clear()  # the loaded vault has the buffers; check them first
    for uri in list(server.workspace.text_documents):
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
    await server._vault_pass_once(report)
    if token is not None:
        server.work_done_progress.end(token, types.WorkDoneProgressEnd(
            message=f"{len(lv.files())} files in {time.monotonic() - started:.1f} s"))
    await server.prewarm()
    gc.freeze()  # what is loaded now stays: later collections need not walk it


async def _run_index(server: VaultServer, args: Sequence[Any]) -> dict:
    """Regenerate the index from the files on disk, in a thread, with progress.

    Index notes open in the editor with unsaved changes are left alone (the write would
    be refused by the compare-and-swap anyway, or would clobber the buffer): they are
    listed under ``skipped``.
    """
    lv = server.lv
    if lv is None or not lv.complete:
        raise ValueError("the vault is still loading; run vaultkit.index again in a moment")
    options = args[0] if args and isinstance(args[0], dict) else {}
    token = await _progress(server, options.get("workDoneToken"), "vaultkit: regenerating the index")
    dirty = {p for u in server.workspace.text_documents
             if (p := server.path_of(u)) is not None and _unsaved(lv, server, u, p)}

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
        return {**counts, "skipped": skipped,
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
        server.want_vault_pass()
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
