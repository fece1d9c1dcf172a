// vaultkit for Obsidian: runs `vaultkit lsp` for the open vault and brings its findings,
// completion, hover, paper index and fixes into the editor.
import { hoverTooltip, type EditorView } from "@codemirror/view";
import { execFile } from "child_process";
import {
	Component, Editor, editorInfoField, FileSystemAdapter, MarkdownRenderer, MarkdownView, Notice, Plugin,
	SuggestModal, TAbstractFile, TFile, type App, type EditorPosition, type WorkspaceLeaf,
} from "obsidian";
import type { Diagnostic, FileChangeType, Location, TextEdit, WorkspaceEdit } from "vscode-languageserver-protocol";
import { serverDiagnostics } from "./editor/diagnostics";
import { hoverMarkdown, positionAt } from "./editor/hover";
import { pathToUri, uriToPath, VaultkitClient, type ClientOptions, type ClientState } from "./lsp/client";
import { PROBLEMS_VIEW, ProblemsView, type Finding } from "./obsidian/problems-view";
import { DEFAULT_SETTINGS, splitArgs, VaultkitSettingTab, type VaultkitSettings } from "./obsidian/settings";
import { VaultkitSuggest } from "./obsidian/suggest";

const CHANGE_DEBOUNCE_MS = 150;
const FILE_CREATED: FileChangeType = 1, FILE_CHANGED: FileChangeType = 2, FILE_DELETED: FileChangeType = 3;

export default class VaultkitPlugin extends Plugin {
	settings: VaultkitSettings = { ...DEFAULT_SETTINGS };
	client: VaultkitClient | null = null;
	vaultFindings: Finding[] = [];
	private statusEl: HTMLElement | null = null;
	private listeners = new Map<string, Set<(d: readonly Diagnostic[]) => void>>();
	private changeTimers = new Map<string, number>();

	async onload(): Promise<void> {
		await this.loadSettings();
		this.statusEl = this.addStatusBarItem();
		this.statusEl.addClass("vaultkit-status");
		this.addSettingTab(new VaultkitSettingTab(this.app, this));
		this.registerView(PROBLEMS_VIEW, (leaf: WorkspaceLeaf) => new ProblemsView(leaf, {
			findings: () => this.vaultFindings,
			open: (path, line, column) => this.openAt(path, line - 1, column - 1),
		}));
		this.registerEditorExtension([
			serverDiagnostics({ subscribe: (view, update) => this.subscribe(view, update) }),
			hoverTooltip((view, pos) => this.hover(view, pos)),
		]);
		this.registerEditorSuggest(new VaultkitSuggest(this.app, {
			complete: async (file, text, position) => {
				const client = this.running();
				if (!client) return [];
				const uri = this.uriOf(file.path);
				client.changeDocument(uri, text); // the server completes what is typed, not what is saved
				return client.completion(uri, { line: position.line, character: position.ch });
			},
		}));
		this.addCommands();
		this.registerVaultEvents();
		this.app.workspace.onLayoutReady(() => { void this.startServer(); });
	}

	onunload(): void {
		for (const timer of this.changeTimers.values()) window.clearTimeout(timer);
		void this.client?.stop();
		this.client = null;
	}

	async loadSettings(): Promise<void> {
		this.settings = { ...DEFAULT_SETTINGS, ...((await this.loadData()) as Partial<VaultkitSettings> | null) };
	}

	async saveSettings(): Promise<void> {
		await this.saveData(this.settings);
	}

	vaultRoot(): string {
		const adapter = this.app.vault.adapter;
		return adapter instanceof FileSystemAdapter ? adapter.getBasePath() : "";
	}

	uriOf(path: string): string {
		return pathToUri(`${this.vaultRoot()}/${path}`);
	}

	pathOf(uri: string): string | null {
		const root = this.vaultRoot().replace(/\\/g, "/");
		const path = uriToPath(uri);
		return path.startsWith(root + "/") ? path.slice(root.length + 1) : null;
	}

	/** A client for these options: overridden by the tests of this glue. */
	protected makeClient(options: ClientOptions): VaultkitClient {
		return new VaultkitClient(options);
	}

	// -- the server ------------------------------------------------------------------------
	async startServer(): Promise<void> {
		const root = this.vaultRoot();
		if (!root) {
			this.showState("failed", "vaultkit needs a vault on the local file system (desktop)");
			return;
		}
		const client = this.makeClient({
			command: this.settings.executable, args: splitArgs(this.settings.args), root,
		});
		this.client = client;
		client.onState.on(({ state, detail }) => this.showState(state, detail));
		client.onDiagnostics.on(({ uri, diagnostics }) => {
			const path = this.pathOf(uri);
			if (path === null) return;
			for (const listener of this.listeners.get(path) ?? []) listener(diagnostics);
			this.updateCount();
		});
		client.onLog.on((line) => console.debug(`[vaultkit] ${line.trimEnd()}`));
		await client.start();
		// the notes already open in editors
		this.app.workspace.iterateAllLeaves((leaf) => {
			const view = leaf.view;
			if (view instanceof MarkdownView && view.file) client.openDocument(this.uriOf(view.file.path), view.editor.getValue());
		});
	}

	async restartServer(): Promise<void> {
		await this.client?.stop();
		this.client = null;
		await this.startServer();
	}

	private running(): VaultkitClient | null {
		return this.client && this.client.state === "running" ? this.client : null;
	}

	showState(state: ClientState, detail = ""): void {
		const labels: Record<ClientState, string> = {
			stopped: "vaultkit: stopped", starting: "vaultkit: starting…", running: "vaultkit",
			restarting: "vaultkit: restarting…", failed: "vaultkit: failed",
		};
		this.statusEl?.setText(labels[state]);
		this.statusEl?.setAttr("aria-label", detail || labels[state]);
		this.statusEl?.toggleClass("vaultkit-failed", state === "failed");
		if (state === "failed" && detail) new Notice(`vaultkit: ${detail}`, 10000);
		if (state === "running") this.updateCount();
	}

	/** The open note's error/warning count, next to the server's state. */
	updateCount(): void {
		if (!this.statusEl || !this.settings.statusBarCount || this.client?.state !== "running") return;
		const file = this.app.workspace.getActiveFile();
		const diagnostics = file ? this.client.diagnostics.get(this.uriOf(file.path)) ?? [] : [];
		const errors = diagnostics.filter((d) => (d.severity ?? 1) === 1).length;
		const warnings = diagnostics.filter((d) => d.severity === 2).length;
		this.statusEl.setText(file ? `vaultkit: ${errors} ✖ ${warnings} ⚠` : "vaultkit");
	}

	// -- editors -------------------------------------------------------------------------
	private subscribe(view: EditorView, update: (d: readonly Diagnostic[]) => void): (() => void) | null {
		const file = view.state.field(editorInfoField, false)?.file;
		if (!file) return null;
		const path = file.path;
		const set = this.listeners.get(path) ?? new Set();
		set.add(update);
		this.listeners.set(path, set);
		const known = this.client?.diagnostics.get(this.uriOf(path));
		if (known) update(known);
		return () => set.delete(update);
	}

	private async hover(view: EditorView, pos: number) {
		const file = view.state.field(editorInfoField, false)?.file;
		const client = this.running();
		if (!file || !client) return null;
		const result = await client.hover(this.uriOf(file.path), positionAt(view.state.doc, pos)).catch(() => null);
		if (!result) return null;
		const markdown = hoverMarkdown(result.contents);
		return {
			pos, above: true,
			create: () => {
				const dom = createDiv({ cls: "vaultkit-hover markdown-rendered" });
				// the tooltip's own component: unloaded when the tooltip goes away
				const component = new Component();
				component.load();
				void MarkdownRenderer.render(this.app, markdown, dom, file.path, component);
				return { dom, destroy: () => component.unload() };
			},
		};
	}

	private registerVaultEvents(): void {
		this.registerEvent(this.app.workspace.on("file-open", (file: TFile | null) => {
			if (file && file.extension === "md" && this.client) {
				void this.app.vault.cachedRead(file).then((text) => {
					if (!this.client?.isOpen(this.uriOf(file.path))) this.client?.openDocument(this.uriOf(file.path), text);
				});
			}
			this.updateCount();
		}));
		this.registerEvent(this.app.workspace.on("editor-change", (editor: Editor, info) => {
			const file = info.file;
			if (!file || !this.client) return;
			// Typing sends the unsaved text, so diagnostics follow the keyboard, not the disk.
			const uri = this.uriOf(file.path);
			window.clearTimeout(this.changeTimers.get(uri));
			this.changeTimers.set(uri, window.setTimeout(() => {
				this.changeTimers.delete(uri);
				this.client?.changeDocument(uri, editor.getValue());
			}, CHANGE_DEBOUNCE_MS));
		}));
		const watched = (file: TAbstractFile, type: FileChangeType) => {
			if (!(file instanceof TFile)) return;
			this.client?.filesChanged([{ uri: this.uriOf(file.path), type }]);
		};
		this.registerEvent(this.app.vault.on("create", (file) => watched(file, FILE_CREATED)));
		this.registerEvent(this.app.vault.on("modify", (file) => {
			watched(file, FILE_CHANGED);
			if (file instanceof TFile && this.client?.isOpen(this.uriOf(file.path))) this.client.saveDocument(this.uriOf(file.path));
		}));
		this.registerEvent(this.app.vault.on("delete", (file) => {
			watched(file, FILE_DELETED);
			this.client?.closeDocument(this.uriOf(file.path));
		}));
		this.registerEvent(this.app.vault.on("rename", (file, oldPath: string) => {
			if (!(file instanceof TFile) || !this.client) return;
			this.client.closeDocument(this.uriOf(oldPath));
			this.client.filesChanged([
				{ uri: this.uriOf(oldPath), type: FILE_DELETED },
				{ uri: this.uriOf(file.path), type: FILE_CREATED },
			]);
		}));
	}

	// -- commands --------------------------------------------------------------------------
	private addCommands(): void {
		this.addCommand({ id: "lint-vault", name: "Lint vault", callback: () => { void this.lintVault(); } });
		this.addCommand({ id: "regenerate-index", name: "Regenerate paper index", callback: () => { void this.regenerateIndex(); } });
		this.addCommand({
			id: "fix-note", name: "Fix this note",
			editorCallback: (editor: Editor, view) => { if (view.file) void this.fixNote(editor, view.file); },
		});
		this.addCommand({
			id: "open-paper-index", name: "Open paper index",
			editorCallback: (editor: Editor, view) => { if (view.file) void this.openPaperIndex(editor, view.file); },
		});
		this.addCommand({
			id: "show-sessions", name: "Show sessions that read this paper",
			editorCallback: (editor: Editor, view) => { if (view.file) void this.showSessions(editor, view.file); },
		});
		this.addCommand({ id: "restart-server", name: "Restart the server", callback: () => { void this.restartServer(); } });
	}

	async lintVault(): Promise<Finding[]> {
		const client = this.running();
		const commands = client?.serverInfo?.capabilities.executeCommandProvider?.commands ?? [];
		try {
			this.vaultFindings = client && commands.includes("vaultkit.lint")
				? await client.executeCommand<Finding[]>("vaultkit.lint")
				: await this.lintWithCli();
		} catch (error) {
			new Notice(`vaultkit: lint failed: ${String(error)}`);
			return this.vaultFindings;
		}
		const errors = this.vaultFindings.filter((f) => f.severity === "error").length;
		new Notice(`vaultkit: ${this.vaultFindings.length} findings (${errors} errors)`);
		await this.showProblems();
		return this.vaultFindings;
	}

	/** Without a server command: the CLI's JSON contract gives the same findings. */
	private lintWithCli(): Promise<Finding[]> {
		return new Promise((resolve, reject) => {
			execFile(this.settings.executable, [...splitArgs(this.settings.args), "lint", "--format", "json"],
				{ cwd: this.vaultRoot(), maxBuffer: 64 * 1024 * 1024, windowsHide: true },
				(error, stdout, stderr) => {
					// exit 1 means "findings", which is an answer; 2 is a usage error
					if (error && error.code !== 1) reject(new Error(String(stderr || error.message)));
					else {
						try { resolve(JSON.parse(String(stdout)) as Finding[]); } catch (e) { reject(e instanceof Error ? e : new Error(String(e))); }
					}
				});
		});
	}

	async showProblems(): Promise<void> {
		const leaves = this.app.workspace.getLeavesOfType(PROBLEMS_VIEW);
		const leaf = leaves[0] ?? this.app.workspace.getRightLeaf(false);
		if (!leaf) return;
		await leaf.setViewState({ type: PROBLEMS_VIEW, active: true });
		const view = leaf.view;
		if (view instanceof ProblemsView) view.render();
		void this.app.workspace.revealLeaf(leaf);
	}

	async regenerateIndex(): Promise<unknown> {
		const client = this.running();
		if (!client) {
			new Notice("vaultkit: the server is not running");
			return null;
		}
		const notice = new Notice("vaultkit: regenerating the paper index…", 0);
		try {
			const summary = await client.executeCommand<Record<string, unknown>>("vaultkit.index", [], (p) => {
				if (p.kind !== "end") notice.setMessage(`vaultkit: ${p.title ?? "indexing"} ${p.message ?? ""} ${p.percentage === undefined ? "" : `${p.percentage}%`}`.trim());
			});
			notice.setMessage(`vaultkit: index ${describeSummary(summary)}`);
			window.setTimeout(() => notice.hide(), 5000);
			return summary;
		} catch (error) {
			notice.setMessage(`vaultkit: index failed: ${String(error)}`);
			window.setTimeout(() => notice.hide(), 10000);
			return null;
		}
	}

	async fixNote(editor: Editor, file: TFile): Promise<number> {
		const client = this.running();
		if (!client) return 0;
		const uri = this.uriOf(file.path);
		client.changeDocument(uri, editor.getValue());
		const actions = await client.fixAll(uri, client.diagnostics.get(uri) ?? []);
		const edits = actions.flatMap((a) => a.edit ? editsFor(a.edit, uri) : []);
		if (!edits.length) {
			new Notice("vaultkit: nothing to fix in this note");
			return 0;
		}
		// One transaction: the edits are computed on the same text, so they apply together.
		editor.transaction({
			changes: edits.map((e) => ({
				from: { line: e.range.start.line, ch: e.range.start.character },
				to: { line: e.range.end.line, ch: e.range.end.character },
				text: e.newText,
			})),
		});
		new Notice(`vaultkit: applied ${edits.length} fix${edits.length === 1 ? "" : "es"}`);
		return edits.length;
	}

	async openPaperIndex(editor: Editor, file: TFile): Promise<boolean> {
		const client = this.running();
		if (!client) return false;
		const cursor = editor.getCursor();
		const [target] = await client.definition(this.uriOf(file.path), { line: cursor.line, character: cursor.ch });
		if (!target) {
			new Notice("vaultkit: no paper index for the text under the cursor");
			return false;
		}
		return this.openLocation(target);
	}

	async showSessions(editor: Editor, file: TFile): Promise<Location[]> {
		const client = this.running();
		if (!client) return [];
		const cursor = editor.getCursor();
		const locations = await client.references(this.uriOf(file.path), { line: cursor.line, character: cursor.ch });
		if (!locations.length) {
			new Notice("vaultkit: no session cites the paper under the cursor");
			return [];
		}
		new LocationModal(this.app, locations, (loc) => this.pathOf(loc.uri) ?? loc.uri,
			(loc) => { void this.openLocation(loc); }).open();
		return locations;
	}

	private async openLocation(location: Location): Promise<boolean> {
		const path = this.pathOf(location.uri);
		if (path === null) return false;
		await this.openAt(path, location.range.start.line, location.range.start.character);
		return true;
	}

	async openAt(path: string, line: number, ch: number): Promise<void> {
		const file = this.app.vault.getAbstractFileByPath(path);
		if (!(file instanceof TFile)) return;
		const leaf = this.app.workspace.getLeaf(false);
		await leaf.openFile(file);
		const view = leaf.view;
		if (view instanceof MarkdownView) {
			const at: EditorPosition = { line, ch };
			view.editor.setCursor(at);
			view.editor.scrollIntoView({ from: at, to: at }, true);
		}
	}
}

class LocationModal extends SuggestModal<Location> {
	constructor(app: App, private readonly locations: Location[],
		private readonly label: (l: Location) => string, private readonly choose: (l: Location) => void) {
		super(app);
		this.setPlaceholder("Sessions that cite this paper");
	}

	getSuggestions(query: string): Location[] {
		const q = query.toLowerCase();
		return this.locations.filter((l) => this.label(l).toLowerCase().includes(q));
	}

	renderSuggestion(location: Location, el: HTMLElement): void {
		el.setText(`${this.label(location)}:${location.range.start.line + 1}`);
	}

	onChooseSuggestion(location: Location): void {
		this.choose(location);
	}
}

/** The edits of a workspace edit that fall on one document. */
export function editsFor(edit: WorkspaceEdit, uri: string): TextEdit[] {
	const out: TextEdit[] = [...(edit.changes?.[uri] ?? [])];
	for (const change of edit.documentChanges ?? []) {
		if ("textDocument" in change && change.textDocument.uri === uri) {
			out.push(...change.edits.filter((e): e is TextEdit => "range" in e));
		}
	}
	return out;
}

export function describeSummary(summary: Record<string, unknown> | null): string {
	if (!summary) return "done";
	const parts = Object.entries(summary)
		.filter(([, v]) => typeof v === "number")
		.map(([k, v]) => `${String(v)} ${k}`);
	return parts.length ? parts.join(", ") : "done";
}
