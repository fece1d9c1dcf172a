// The Obsidian-facing glue (src/main.ts and friends) against a fake of the Obsidian API;
// where a server is needed it is the real `vaultkit lsp`.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as fake from "obsidian";
import VaultkitPlugin from "../src/main";
import { type ClientOptions, VaultkitClient } from "../src/lsp/client";
import { completionTrigger } from "../src/obsidian/suggest";
import { groupByNote, type Finding } from "../src/obsidian/problems-view";
import { testExecutable } from "../src/obsidian/settings";
import { copyVault, PYTHON, serverOptions, serverUnavailable, waitFor } from "./support";

const F = fake as unknown as typeof import("./fake-obsidian");
const unavailable = serverUnavailable();

class TestPlugin extends VaultkitPlugin {
	constructor(app: unknown, private readonly extra: Partial<ClientOptions> = {}) {
		super(app as never, {} as never);
	}
	protected makeClient(options: ClientOptions): VaultkitClient {
		return new VaultkitClient({ ...serverOptions(options.root), ...this.extra });
	}
}

function statusText(plugin: VaultkitPlugin): string {
	return (plugin as unknown as { statusBar: Array<{ text: string }> }).statusBar[0]!.text;
}

describe("completion triggers", () => {
	it("finds the citekey being typed after @, not an e-mail address", () => {
		assert.deepEqual(completionTrigger("see @hu"), { kind: "citekey", start: 5, query: "hu" });
		assert.deepEqual(completionTrigger("@"), { kind: "citekey", start: 1, query: "" });
		assert.equal(completionTrigger("mail me at a@b"), null);
		assert.equal(completionTrigger("plain text"), null);
	});
	it("finds a Log verb after '- ['", () => {
		assert.deepEqual(completionTrigger("- [sk"), { kind: "verb", start: 3, query: "sk" });
		assert.deepEqual(completionTrigger("    * ["), { kind: "verb", start: 7, query: "" });
		assert.equal(completionTrigger("text - [sk"), null);
	});
});

describe("vault problems view", () => {
	it("groups findings by note, sorted by position", () => {
		const f = (path: string, line: number, column: number): Finding => ({
			path, line, column, end_line: line, end_column: column + 1, code: "VK201",
			rule: "dangling-citekey", severity: "error", message: "m", fixable: false,
		});
		const groups = groupByNote([f("b.md", 3, 1), f("a.md", 9, 2), f("b.md", 1, 5)]);
		assert.deepEqual(groups.map(([p, l]) => [p, l.map((x) => x.line)]), [["a.md", [9]], ["b.md", [1, 3]]]);
	});
});

describe("settings 'Test' button", () => {
	it("explains a wrong path", async () => {
		const outcome = await testExecutable({ executable: "/no/such/vaultkit", args: "", statusBarCount: true }, "/tmp");
		assert.equal(outcome.ok, false);
		assert.match(outcome.message, /was not found/);
	});
	it("says when the program is not vaultkit", async () => {
		const outcome = await testExecutable({ executable: "echo", args: "", statusBarCount: true }, "/tmp");
		assert.equal(outcome.ok, false);
		assert.match(outcome.message, /is not vaultkit/);
	});
	it("shows the version of a working vaultkit", { skip: unavailable ?? false }, async () => {
		const outcome = await testExecutable({ executable: PYTHON, args: "-m vaultkit", statusBarCount: true }, "/tmp");
		assert.equal(outcome.ok, true, outcome.message);
		assert.match(outcome.message, /vaultkit/);
	});
});

describe("the plugin in a fake Obsidian with the real server", { skip: unavailable ?? false }, () => {
	let root = "";
	let app: InstanceType<typeof F.App>;
	let plugin: TestPlugin;

	before(async () => {
		root = copyVault();
		app = new F.App(root);
		plugin = new TestPlugin(app);
		await plugin.onload();
		// onLayoutReady starts the server on the next tick; wait until it runs
		const deadline = Date.now() + 30000;
		while (plugin.client?.state !== "running" && Date.now() < deadline) {
			if (plugin.client?.state === "failed") break;
			await new Promise((r) => setTimeout(r, 50));
		}
		assert.equal(plugin.client?.state, "running", plugin.client?.detail);
	});
	after(async () => { plugin?.onunload(); await plugin?.client?.stop(); });

	it("registers its commands, editor extensions and suggester", () => {
		const ids = (plugin as unknown as { commands: Array<{ id: string }> }).commands.map((c) => c.id);
		for (const id of ["lint-vault", "regenerate-index", "fix-note", "open-paper-index", "show-sessions"]) {
			assert.ok(ids.includes(id), `missing command ${id}`);
		}
		assert.equal((plugin as unknown as { editorExtensions: unknown[] }).editorExtensions.length, 1);
		assert.equal((plugin as unknown as { suggests: unknown[] }).suggests.length, 1);
	});

	it("sends unsaved editor text and shows the note's count in the status bar", async () => {
		const path = "sessions/2023-05-03.md";
		const file = new F.TFile(path);
		app.workspace.activeFile = file;
		const text = readFileSync(join(root, path), "utf8").replace("## Context\n", "## Context\n@typoKeyNone2020 here\n");
		const editor = new F.FakeEditor(text);
		const uri = plugin.uriOf(path);
		const arrived = waitFor(plugin.client!.onDiagnostics.on.bind(plugin.client!.onDiagnostics),
			(e) => e.uri === uri && e.diagnostics.some((d) => String(d.message).includes("typoKeyNone2020")), 30000, "diagnostics");
		app.workspace.trigger("editor-change", editor, { file });
		await arrived;
		assert.match(statusText(plugin), /vaultkit: [1-9]\d* ✖/);
	});

	it("turns a vault rename into watched-file events", () => {
		const sent: unknown[] = [];
		const client = plugin.client!;
		const original = client.filesChanged.bind(client);
		client.filesChanged = (changes) => { sent.push(...changes); original(changes); };
		app.vault.trigger("rename", new F.TFile("sessions/renamed.md"), "sessions/2023-02-08.md");
		client.filesChanged = original;
		assert.deepEqual(sent, [
			{ uri: plugin.uriOf("sessions/2023-02-08.md"), type: 3 },
			{ uri: plugin.uriOf("sessions/renamed.md"), type: 1 },
		]);
	});

	it("opens the paper index for the @key under the cursor", async () => {
		const path = "sessions/2023-02-20.md";
		const text = readFileSync(join(root, path), "utf8");
		const lines = text.split("\n");
		const line = lines.findIndex((l) => l.includes("@huLoRALowRankAdaptation2021"));
		const editor = new F.FakeEditor(text);
		editor.setCursor({ line, ch: lines[line]!.indexOf("@hu") + 3 });
		plugin.client!.openDocument(plugin.uriOf(path), text);
		const opened = await plugin.openPaperIndex(editor as never, new F.TFile(path) as never);
		assert.equal(opened, true);
		const leaf = app.workspace.leaves.at(-1)!;
		assert.deepEqual(leaf.opened, ["papers/@huLoRALowRankAdaptation2021.md"]);
	});

	it("lists the sessions that cite the paper under the cursor", async () => {
		const path = "papers/@huLoRALowRankAdaptation2021.md";
		const text = readFileSync(join(root, "sessions/2023-02-20.md"), "utf8");
		const lines = text.split("\n");
		const line = lines.findIndex((l) => l.includes("@huLoRALowRankAdaptation2021"));
		const editor = new F.FakeEditor(text);
		editor.setCursor({ line, ch: lines[line]!.indexOf("@hu") + 3 });
		void path;
		const found = await plugin.showSessions(editor as never, new F.TFile("sessions/2023-02-20.md") as never);
		const sessions = new Set(found.map((l) => plugin.pathOf(l.uri)));
		assert.ok(sessions.has("sessions/2023-02-13.md") && sessions.has("sessions/2023-02-20.md"), [...sessions].join(","));
	});

	it("applies the server's safe fixes to the open note", async () => {
		// 2023-04-19 has no '## Learned' (VK101, a safe fix inserts it before '## Next?')
		const path = "sessions/2023-04-19.md";
		const text = readFileSync(join(root, path), "utf8");
		const editor = new F.FakeEditor(text);
		const uri = plugin.uriOf(path);
		const flagged = waitFor(plugin.client!.onDiagnostics.on.bind(plugin.client!.onDiagnostics),
			(e) => e.uri === uri && e.diagnostics.some((d) => d.code === "VK101"), 30000, "VK101");
		plugin.client!.openDocument(uri, text);
		await flagged;
		const applied = await plugin.fixNote(editor as never, new F.TFile(path) as never);
		assert.ok(applied >= 1, "no fix applied");
		assert.equal(editor.transactions.length, 1, "the fixes should be one undoable edit");
		const fixed = editor.getValue();
		assert.ok(fixed.indexOf("## Learned") !== -1 && fixed.indexOf("## Learned") < fixed.indexOf("## Next?"), fixed);
		// nothing but the insertion changed
		assert.equal(fixed.replace(/## Learned\n+/, ""), text);
	});

	it("lints the vault into the problems view", async () => {
		const findings = await plugin.lintVault();
		const codes = findings.map((f) => `${f.path}:${f.line}:${f.column} ${f.code}`);
		assert.ok(codes.includes("sessions/2023-04-05.md:7:69 VK201"), codes.join("\n"));
		assert.ok(codes.includes("sessions/2023-02-24.md:26:9 VK201"));
	});

	it("regenerates the paper index from the command and reports a summary", async () => {
		const summary = await plugin.regenerateIndex();
		assert.ok(summary, "no summary");
		assert.match(readFileSync(join(root, "Papers.md"), "utf8"), /vaultkit:begin overview/);
		assert.ok(F.notices.some((n) => n.startsWith("vaultkit: index ")), F.notices.join("\n"));
	});
});
