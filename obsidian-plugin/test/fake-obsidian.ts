// A small fake of the Obsidian API: just what the plugin's glue calls, recording what it
// is asked to do, so the tests can drive events and check the plugin's reactions.
/* The names mirror obsidian.d.ts; only the behaviour the plugin relies on is modelled. */

type Handler = (...args: any[]) => unknown;

export class Events {
	handlers = new Map<string, Handler[]>();
	on(name: string, handler: Handler) {
		const list = this.handlers.get(name) ?? [];
		list.push(handler);
		this.handlers.set(name, list);
		return { name, handler };
	}
	trigger(name: string, ...args: unknown[]) {
		for (const h of this.handlers.get(name) ?? []) h(...args);
	}
}

export class FakeElement {
	text = "";
	classes = new Set<string>();
	attrs: Record<string, string> = {};
	children: FakeElement[] = [];
	listeners: Record<string, Handler[]> = {};
	setText(text: string) { this.text = text; }
	addClass(cls: string) { for (const c of cls.split(" ")) this.classes.add(c); }
	toggleClass(cls: string, on: boolean) { if (on) this.classes.add(cls); else this.classes.delete(cls); }
	setAttr(name: string, value: string) { this.attrs[name] = value; }
	empty() { this.children = []; }
	createDiv(options: { cls?: string; text?: string } = {}) {
		const el = new FakeElement();
		if (options.cls) el.addClass(options.cls);
		if (options.text) el.text = options.text;
		this.children.push(el);
		return el;
	}
	addEventListener(name: string, handler: Handler) {
		(this.listeners[name] ??= []).push(handler);
	}
	allText(): string[] {
		return [this.text, ...this.children.flatMap((c) => c.allText())].filter(Boolean);
	}
}

(globalThis as any).createDiv = (options?: { cls?: string; text?: string }) => new FakeElement().createDiv(options);
(globalThis as any).window ??= globalThis;

export const notices: string[] = [];
export class Notice {
	message: string;
	constructor(message: string) { this.message = message; notices.push(message); }
	setMessage(message: string) { this.message = message; notices.push(message); return this; }
	hide() {}
}

export class TAbstractFile { constructor(public path: string) {} }
export class TFile extends TAbstractFile {
	get extension() { return this.path.split(".").pop() ?? ""; }
	get basename() { return this.path.split("/").pop()!.replace(/\.[^.]*$/, ""); }
}

export class FileSystemAdapter {
	constructor(private readonly base: string) {}
	getBasePath() { return this.base; }
	read(path: string) { return import("node:fs/promises").then((fs) => fs.readFile(`${this.base}/${path}`, "utf8")); }
}

export class Vault extends Events {
	constructor(public adapter: FileSystemAdapter) { super(); }
	getAbstractFileByPath(path: string) { return new TFile(path); }
	cachedRead(file: TFile) { return this.adapter.read(file.path); }
}

/** An editor over a string, with Obsidian's (line, ch) positions. */
export class FakeEditor {
	cursor = { line: 0, ch: 0 };
	transactions: unknown[] = [];
	constructor(public text: string) {}
	getValue() { return this.text; }
	setValue(text: string) { this.text = text; }
	getLine(line: number) { return this.text.split("\n")[line] ?? ""; }
	getCursor() { return this.cursor; }
	setCursor(at: { line: number; ch: number }) { this.cursor = at; }
	scrollIntoView() {}
	offset(pos: { line: number; ch: number }) {
		const lines = this.text.split("\n");
		return lines.slice(0, pos.line).reduce((n, l) => n + l.length + 1, 0) + pos.ch;
	}
	replaceRange(text: string, from: { line: number; ch: number }, to = from) {
		this.text = this.text.slice(0, this.offset(from)) + text + this.text.slice(this.offset(to));
	}
	transaction(tx: { changes: Array<{ from: { line: number; ch: number }; to: { line: number; ch: number }; text: string }> }) {
		this.transactions.push(tx);
		// apply from the end so earlier offsets stay valid, as CodeMirror maps them
		const changes = [...tx.changes].sort((a, b) => this.offset(b.from) - this.offset(a.from));
		for (const c of changes) this.replaceRange(c.text, c.from, c.to);
	}
}

export class MarkdownView {
	constructor(public file: TFile | null, public editor: FakeEditor) {}
}

export class WorkspaceLeaf {
	view: unknown = null;
	opened: string[] = [];
	async openFile(file: TFile) { this.opened.push(file.path); this.view = new MarkdownView(file, new FakeEditor("")); }
	async setViewState(state: { type: string }) { this.view = { type: state.type }; }
}

export class Workspace extends Events {
	leaves: WorkspaceLeaf[] = [];
	activeFile: TFile | null = null;
	onLayoutReady(callback: () => void) { setTimeout(callback, 0); }
	iterateAllLeaves(callback: (leaf: WorkspaceLeaf) => void) { this.leaves.forEach(callback); }
	getActiveFile() { return this.activeFile; }
	getLeavesOfType() { return []; }
	getRightLeaf() { return new WorkspaceLeaf(); }
	getLeaf() { const leaf = new WorkspaceLeaf(); this.leaves.push(leaf); return leaf; }
	revealLeaf() {}
}

export class App {
	workspace = new Workspace();
	vault: Vault;
	constructor(base: string) { this.vault = new Vault(new FileSystemAdapter(base)); }
}

export class Component {
	load() {}
	unload() {}
	registerEvent() {}
}

export class Plugin extends Component {
	statusBar: FakeElement[] = [];
	commands: Array<{ id: string; name: string; callback?: Handler; editorCallback?: Handler }> = [];
	editorExtensions: unknown[] = [];
	suggests: unknown[] = [];
	views: Record<string, Handler> = {};
	settingTabs: unknown[] = [];
	data: unknown = null;
	constructor(public app: App, public manifest: unknown = {}) { super(); }
	addStatusBarItem() { const el = new FakeElement(); this.statusBar.push(el); return el; }
	addSettingTab(tab: unknown) { this.settingTabs.push(tab); }
	registerView(type: string, factory: Handler) { this.views[type] = factory; }
	registerEditorExtension(extension: unknown) { this.editorExtensions.push(extension); }
	registerEditorSuggest(suggest: unknown) { this.suggests.push(suggest); }
	addCommand(command: { id: string; name: string }) { this.commands.push(command); return command; }
	async loadData() { return this.data; }
	async saveData(data: unknown) { this.data = data; }
}

export class PluginSettingTab {
	containerEl = new FakeElement();
	constructor(public app: App, public plugin: unknown) {}
}

export class Setting {
	constructor(public containerEl: FakeElement) {}
	setName() { return this; }
	setDesc() { return this; }
	addText() { return this; }
	addButton() { return this; }
	addToggle() { return this; }
}

export class ItemView {
	contentEl = new FakeElement();
	constructor(public leaf: WorkspaceLeaf) {}
}

export class EditorSuggest<T> {
	context: any = null;
	limit = 100;
	constructor(public app: App) {}
	close() {}
	declare _item?: T;
}

export class SuggestModal<T> {
	constructor(public app: App) {}
	setPlaceholder() {}
	open() { modals.push(this); }
	declare _item?: T;
}
export const modals: unknown[] = [];

export const MarkdownRenderer = { render: async () => {} };
export const editorInfoField = { name: "editorInfoField" };
