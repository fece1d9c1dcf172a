// The plugin's LSP client: starts `vaultkit lsp`, talks JSON-RPC over its stdio, keeps the
// open documents, and restarts the server with backoff when it dies.  Nothing here knows
// Obsidian, so the tests drive it against the real server from plain Node.
// It runs outside any window (Node tests, no popout), so it takes Node's own timers.
import { clearTimeout, setTimeout } from "timers";
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from "child_process";
import {
	createMessageConnection,
	StreamMessageReader,
	StreamMessageWriter,
	type MessageConnection,
} from "vscode-jsonrpc/node";
import type {
	CodeAction,
	Command,
	CompletionItem,
	CompletionList,
	Diagnostic,
	FileEvent,
	Hover,
	InitializeResult,
	Location,
	LocationLink,
	Position,
	WorkDoneProgressBegin,
	WorkDoneProgressEnd,
	WorkDoneProgressReport,
} from "vscode-languageserver-protocol";

export type ClientState = "stopped" | "starting" | "running" | "restarting" | "failed";

export type SpawnFn = (command: string, args: string[], options: SpawnOptions) => ChildProcess;

export interface ClientOptions {
	/** The executable, e.g. `vaultkit` or `/home/me/.local/bin/vaultkit`. */
	command: string;
	/** Arguments before `lsp` is appended: `["-m", "vaultkit"]` when command is a Python. */
	args?: string[];
	/** The vault root: the server's working folder and workspace root. */
	root: string;
	env?: NodeJS.ProcessEnv;
	/** Injected in tests of the Obsidian glue; the real `child_process.spawn` otherwise. */
	spawn?: SpawnFn;
	/** First restart delay; doubles on each crash in a row, up to maxDelayMs. */
	baseDelayMs?: number;
	maxDelayMs?: number;
	/** Crashes in a row (without a successful start lasting stableMs) before giving up. */
	maxRestarts?: number;
	stableMs?: number;
	/** Milliseconds a request may take before it is abandoned (the server keeps running). */
	requestTimeoutMs?: number;
}

export interface ProgressEvent {
	kind: "begin" | "report" | "end";
	title?: string;
	message?: string;
	percentage?: number;
}

type Listener<T> = (value: T) => void;

class Emitter<T> {
	private listeners = new Set<Listener<T>>();
	on(listener: Listener<T>): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}
	emit(value: T): void {
		for (const listener of [...this.listeners]) listener(value);
	}
}

export function pathToUri(path: string): string {
	// Percent-encode each segment as VS Code's URI does; Windows drive letters keep their colon.
	const posix = path.replace(/\\/g, "/");
	const withRoot = posix.startsWith("/") ? posix : `/${posix}`;
	return "file://" + withRoot.split("/").map((s, i) =>
		i === 1 && /^[A-Za-z]:$/.test(s) ? s : encodeURIComponent(s)).join("/");
}

export function uriToPath(uri: string): string {
	const rest = decodeURIComponent(uri.replace(/^file:\/\//, ""));
	return /^\/[A-Za-z]:\//.test(rest) ? rest.slice(1) : rest;
}

interface OpenDocument {
	text: string;
	version: number;
}

export class VaultkitClient {
	readonly diagnostics = new Map<string, Diagnostic[]>();
	readonly onDiagnostics = new Emitter<{ uri: string; diagnostics: Diagnostic[] }>();
	readonly onState = new Emitter<{ state: ClientState; detail?: string }>();
	readonly onLog = new Emitter<string>();
	state: ClientState = "stopped";
	detail = "";
	serverInfo: InitializeResult | null = null;

	private child: ChildProcess | null = null;
	private connection: MessageConnection | null = null;
	private documents = new Map<string, OpenDocument>();
	private crashes = 0;
	private restartTimer: ReturnType<typeof setTimeout> | null = null;
	private startedAt = 0;
	private stopping = false;
	private progress = new Map<string | number, Listener<ProgressEvent>>();
	private progressCounter = 0;
	private readyWaiters: Array<() => void> = [];
	private spawnErrors = new WeakMap<ChildProcess, string>();

	constructor(private readonly options: ClientOptions) {}

	get pid(): number | undefined {
		return this.child?.pid;
	}

	/** Start the server (resolves once `initialize` has been answered). */
	async start(): Promise<void> {
		this.stopping = false;
		await this.launch();
	}

	/** Shut the server down politely; kill it if it does not exit within a second. */
	async stop(): Promise<void> {
		this.stopping = true;
		if (this.restartTimer) clearTimeout(this.restartTimer);
		this.restartTimer = null;
		const child = this.child;
		const connection = this.connection;
		if (connection && this.state === "running") {
			try {
				await withTimeout(connection.sendRequest("shutdown"), 1000);
				await connection.sendNotification("exit");
			} catch {
				// a server that does not answer is killed below
			}
		}
		if (child && child.exitCode === null) {
			await new Promise<void>((resolve) => {
				const timer = setTimeout(() => { child.kill("SIGKILL"); resolve(); }, 1000);
				child.once("exit", () => { clearTimeout(timer); resolve(); });
			});
		}
		connection?.dispose();
		this.connection = null;
		this.child = null;
		this.setState("stopped");
	}

	/** Resolves when the server is running (immediately if it is). */
	ready(): Promise<void> {
		if (this.state === "running") return Promise.resolve();
		return new Promise((resolve) => this.readyWaiters.push(resolve));
	}

	// -- documents -------------------------------------------------------------------
	openDocument(uri: string, text: string): void {
		const doc = { text, version: 1 };
		this.documents.set(uri, doc);
		void this.notify("textDocument/didOpen", {
			textDocument: { uri, languageId: "markdown", version: doc.version, text },
		});
	}

	changeDocument(uri: string, text: string): void {
		const doc = this.documents.get(uri);
		if (!doc) return this.openDocument(uri, text);
		if (doc.text === text) return;
		doc.text = text;
		doc.version += 1;
		void this.notify("textDocument/didChange", {
			textDocument: { uri, version: doc.version },
			contentChanges: [{ text }],
		});
	}

	saveDocument(uri: string): void {
		const doc = this.documents.get(uri);
		void this.notify("textDocument/didSave", { textDocument: { uri }, text: doc?.text });
	}

	closeDocument(uri: string): void {
		if (!this.documents.delete(uri)) return;
		void this.notify("textDocument/didClose", { textDocument: { uri } });
	}

	isOpen(uri: string): boolean {
		return this.documents.has(uri);
	}

	filesChanged(changes: FileEvent[]): void {
		if (changes.length) void this.notify("workspace/didChangeWatchedFiles", { changes });
	}

	// -- requests ----------------------------------------------------------------------
	async completion(uri: string, position: Position): Promise<CompletionItem[]> {
		const result = await this.request<CompletionList | CompletionItem[] | null>(
			"textDocument/completion", { textDocument: { uri }, position });
		if (!result) return [];
		return Array.isArray(result) ? result : result.items;
	}

	hover(uri: string, position: Position): Promise<Hover | null> {
		return this.request("textDocument/hover", { textDocument: { uri }, position });
	}

	async definition(uri: string, position: Position): Promise<Location[]> {
		const result = await this.request<Location | Location[] | LocationLink[] | null>(
			"textDocument/definition", { textDocument: { uri }, position });
		return toLocations(result);
	}

	async references(uri: string, position: Position): Promise<Location[]> {
		const result = await this.request<Location[] | null>("textDocument/references", {
			textDocument: { uri }, position, context: { includeDeclaration: false },
		});
		return result ?? [];
	}

	async fixAll(uri: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
		const doc = this.documents.get(uri);
		const lines = doc ? doc.text.split("\n").length : 1;
		const result = await this.request<Array<CodeAction | Command> | null>("textDocument/codeAction", {
			textDocument: { uri },
			range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } },
			context: { diagnostics, only: ["source.fixAll"] },
		});
		return (result ?? []).filter((a): a is CodeAction => typeof a.command !== "string");
	}

	/** `workspace/executeCommand`, with work-done progress reported to `onProgress`. */
	executeCommand<T>(command: string, args: unknown[] = [],
		onProgress?: Listener<ProgressEvent>): Promise<T> {
		const params: Record<string, unknown> = { command, arguments: args };
		let token: string | undefined;
		if (onProgress) {
			token = `vaultkit-plugin-${++this.progressCounter}`;
			this.progress.set(token, onProgress);
			params.workDoneToken = token;
		}
		return this.request<T>("workspace/executeCommand", params, 0).finally(() => {
			if (token) this.progress.delete(token);
		});
	}

	async request<T>(method: string, params: unknown, timeoutMs?: number): Promise<T> {
		await this.ready();
		const connection = this.connection;
		if (!connection) throw new Error("vaultkit server is not running");
		const limit = timeoutMs ?? this.options.requestTimeoutMs ?? 10000;
		const pending = connection.sendRequest<T>(method, params);
		return limit > 0 ? withTimeout(pending, limit) : pending;
	}

	private async notify(method: string, params: unknown): Promise<void> {
		// Before the server runs, documents are remembered and re-sent on start.
		if (this.state !== "running" || !this.connection) return;
		try {
			await this.connection.sendNotification(method, params);
		} catch (error) {
			this.onLog.emit(`failed to send ${method}: ${String(error)}`);
		}
	}

	// -- the process ---------------------------------------------------------------------
	private async launch(): Promise<void> {
		this.setState(this.crashes ? "restarting" : "starting");
		const spawn = this.options.spawn ?? nodeSpawn;
		const args = [...(this.options.args ?? []), "lsp"];
		let child: ChildProcess;
		try {
			child = spawn(this.options.command, args, {
				cwd: this.options.root, env: this.options.env ?? process.env,
				stdio: ["pipe", "pipe", "pipe"],
			});
		} catch (error) {
			this.fail(describeSpawnError(this.options.command, error));
			return;
		}
		this.child = child;
		// A command that cannot be started is a setting to fix, not a crash to retry.
		const spawnFailed = new Promise<string>((resolve) => child.once("error", (error) => {
			this.spawnErrors.set(child, describeSpawnError(this.options.command, error));
			resolve(this.spawnErrors.get(child)!);
		}));
		child.stderr?.on("data", (chunk: Buffer) => this.onLog.emit(chunk.toString()));
		child.once("exit", (code, signal) => this.exited(child, code, signal));
		if (!child.stdout || !child.stdin) {
			this.fail("the server process has no stdio");
			return;
		}
		const connection = createMessageConnection(
			new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
		this.connection = connection;
		connection.onNotification("textDocument/publishDiagnostics",
			(params: { uri: string; diagnostics: Diagnostic[] }) => {
				this.diagnostics.set(params.uri, params.diagnostics);
				this.onDiagnostics.emit(params);
			});
		connection.onNotification("window/logMessage", (p: { message: string }) => this.onLog.emit(p.message));
		connection.onNotification("$/progress", (p: {
			token: string | number;
			value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;
		}) => {
			const listener = this.progress.get(p.token);
			if (listener) listener({ ...p.value });
		});
		// The server may ask to create a progress token or show a message; accept both.
		connection.onRequest("window/workDoneProgress/create", () => null);
		connection.onRequest("window/showMessageRequest", () => null);
		connection.onRequest("workspace/configuration", (p: { items: unknown[] }) => p.items.map(() => null));
		connection.onRequest("client/registerCapability", () => null);
		connection.onRequest("client/unregisterCapability", () => null);
		connection.onError(([error]) => this.onLog.emit(`connection error: ${String(error)}`));
		connection.listen();
		const initialize = connection.sendRequest<InitializeResult>("initialize", {
			processId: process.pid,
			clientInfo: { name: "vaultkit-obsidian", version: "0.1.0" },
			rootUri: pathToUri(this.options.root),
			workspaceFolders: [{ uri: pathToUri(this.options.root), name: "vault" }],
			capabilities: {
				general: { positionEncodings: ["utf-16"] },
				window: { workDoneProgress: true },
				workspace: {
					didChangeWatchedFiles: { dynamicRegistration: false },
					executeCommand: {},
					workspaceEdit: { documentChanges: true },
				},
				textDocument: {
					synchronization: { didSave: true, dynamicRegistration: false },
					publishDiagnostics: { relatedInformation: false, codeDescriptionSupport: true },
					completion: { completionItem: { snippetSupport: false, documentationFormat: ["markdown", "plaintext"] } },
					hover: { contentFormat: ["markdown", "plaintext"] },
					definition: {},
					references: {},
					codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix", "source.fixAll"] } } },
				},
			},
		});
		const outcome = await Promise.race([
			initialize.then((result) => ({ ok: result }), (error: unknown) => ({ error: String(error) })),
			spawnFailed.then((error) => ({ error })),
		]);
		if (this.child !== child) return; // it exited meanwhile: exited() decided what next
		if ("error" in outcome) {
			// a server that cannot initialize is handled like a crash: exited() restarts it
			if (this.spawnErrors.has(child)) this.fail(outcome.error);
			else {
				this.onLog.emit(`initialize failed: ${outcome.error}`);
				child.kill();
			}
			return;
		}
		this.serverInfo = outcome.ok;
		await connection.sendNotification("initialized", {});
		this.startedAt = Date.now();
		this.setState("running");
		for (const [uri, doc] of this.documents) {
			await this.notify("textDocument/didOpen", {
				textDocument: { uri, languageId: "markdown", version: doc.version, text: doc.text },
			});
		}
		for (const resolve of this.readyWaiters.splice(0)) resolve();
	}

	private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
		if (this.child !== child) return;
		this.connection?.dispose();
		this.connection = null;
		this.child = null;
		if (this.stopping) return;
		const spawnError = this.spawnErrors.get(child);
		if (spawnError) {
			this.fail(spawnError);
			return;
		}
		const stable = this.options.stableMs ?? 30000;
		if (this.startedAt && Date.now() - this.startedAt > stable) this.crashes = 0;
		this.crashes += 1;
		const reason = signal ? `killed by ${signal}` : `exited with code ${code}`;
		if (this.crashes > (this.options.maxRestarts ?? 5)) {
			this.fail(`the server ${reason}, ${this.crashes - 1} restarts failed; see the log`);
			return;
		}
		const base = this.options.baseDelayMs ?? 500;
		const delay = Math.min(base * 2 ** (this.crashes - 1), this.options.maxDelayMs ?? 30000);
		this.setState("restarting", `the server ${reason}; restarting in ${Math.round(delay / 100) / 10} s`);
		this.restartTimer = setTimeout(() => {
			this.restartTimer = null;
			void this.launch();
		}, delay);
	}

	private fail(detail: string): void {
		this.child?.kill();
		this.child = null;
		this.connection?.dispose();
		this.connection = null;
		this.setState("failed", detail);
	}

	private setState(state: ClientState, detail = ""): void {
		this.state = state;
		this.detail = detail;
		this.onState.emit({ state, detail });
	}
}

export function describeSpawnError(command: string, error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	if (code === "ENOENT") {
		return `'${command}' was not found. Give the full path to the vaultkit executable ` +
			"(run 'which vaultkit' in a terminal, or the Scripts folder of its Python on Windows).";
	}
	if (code === "EACCES") return `'${command}' is not executable (check its permissions).`;
	return `could not start '${command}': ${String(error)}`;
}

function toLocations(result: Location | Location[] | LocationLink[] | null): Location[] {
	if (!result) return [];
	const list = Array.isArray(result) ? result : [result];
	return list.map((item) => "targetUri" in item
		? { uri: item.targetUri, range: item.targetSelectionRange ?? item.targetRange }
		: item);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
		promise.then((value) => { clearTimeout(timer); resolve(value); },
			(error: unknown) => { clearTimeout(timer); reject(error instanceof Error ? error : new Error(String(error))); });
	});
}
