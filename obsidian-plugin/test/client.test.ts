// The plugin's client module against the real `vaultkit lsp` on a copy of example-vault.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Text } from "@codemirror/state";
import { hoverMarkdown, positionAt } from "../src/editor/hover";
import { pathToUri, VaultkitClient } from "../src/lsp/client";
import { copyVault, serverUnavailable, startClient, waitFor } from "./support";

const unavailable = serverUnavailable();

describe("VaultkitClient with the real server", { skip: unavailable ?? false }, () => {
	let root = "";
	let client: VaultkitClient;

	before(async () => {
		root = copyVault();
		client = await startClient(root);
	});
	after(async () => { await client?.stop(); });

	it("receives a dangling citekey's diagnostic at its exact range", async () => {
		const uri = pathToUri(join(root, "sessions/2023-04-05.md"));
		const text = readFileSync(join(root, "sessions/2023-04-05.md"), "utf8");
		const arrived = waitFor(client.onDiagnostics.on.bind(client.onDiagnostics),
			(e) => e.uri === uri && e.diagnostics.some((d) => d.code === "VK201"), 30000, "VK201");
		client.openDocument(uri, text);
		const { diagnostics } = await arrived;
		const d = diagnostics.find((x) => x.code === "VK201")!;
		// line 7, column 69 in code points (README of example-vault); an em dash is one UTF-16 unit
		assert.deepEqual(d.range.start, { line: 6, character: 68 });
		const line = text.split("\n")[6]!;
		assert.equal(line.slice(d.range.start.character, d.range.end.character), "@smithNonexistentPaper2021");
		assert.equal(d.severity, 1);
	});

	it("follows unsaved text: a typed dangling key is reported, and fixed text clears it", async () => {
		const uri = pathToUri(join(root, "sessions/2023-05-03.md"));
		const text = readFileSync(join(root, "sessions/2023-05-03.md"), "utf8");
		client.openDocument(uri, text);
		const typed = text.replace("## Context\n", "## Context\nSee @notARealKey1999 here.\n");
		const flagged = waitFor(client.onDiagnostics.on.bind(client.onDiagnostics),
			(e) => e.uri === uri && e.diagnostics.some((d) => d.code === "VK201" && String(d.message).includes("notARealKey1999")),
			30000, "VK201 on typed text");
		client.changeDocument(uri, typed);
		await flagged;
		const cleared = waitFor(client.onDiagnostics.on.bind(client.onDiagnostics),
			(e) => e.uri === uri && !e.diagnostics.some((d) => String(d.message).includes("notARealKey1999")), 30000, "cleared");
		client.changeDocument(uri, text);
		await cleared;
	});

	it("completes a known citekey after @", async () => {
		const uri = pathToUri(join(root, "sessions/2023-05-03.md"));
		const text = readFileSync(join(root, "sessions/2023-05-03.md"), "utf8") + "\nmore on @lora";
		client.changeDocument(uri, text);
		const lines = text.split("\n");
		const items = await client.completion(uri, { line: lines.length - 1, character: lines.at(-1)!.length });
		const labels = items.map((i) => i.label);
		assert.ok(labels.includes("huLoRALowRankAdaptation2021"), `got ${labels.slice(0, 10).join(", ")}`);
	});

	it("hovers a citekey with the paper's title, authors and reading history", async () => {
		const path = "sessions/2023-02-20.md";
		const uri = pathToUri(join(root, path));
		const text = readFileSync(join(root, path), "utf8");
		client.openDocument(uri, text);
		const at = text.indexOf("@huLoRALowRankAdaptation2021") + 5;  // inside the key
		const hover = await client.hover(uri, positionAt(Text.of(text.split("\n")), at));
		assert.ok(hover, "no hover on @huLoRALowRankAdaptation2021");
		const markdown = hoverMarkdown(hover.contents);
		assert.match(markdown, /LoRA: Low-Rank Adaptation of Large Language Models/);
		assert.match(markdown, /Hu/);
		assert.match(markdown, /2021/);
		assert.match(markdown, /2023-02-13/);  // an earlier session that read it
		const prose = text.indexOf("## Context") + 3;  // a heading: nothing to say
		assert.equal(await client.hover(uri, positionAt(Text.of(text.split("\n")), prose)), null);
	});

	it("regenerates the paper index with the server's command", async () => {
		const summary = await client.executeCommand<Record<string, unknown>>("vaultkit.index");
		assert.ok(summary && typeof summary === "object");
		const note = join(root, "papers/@huLoRALowRankAdaptation2021.md");
		assert.match(readFileSync(note, "utf8"), /%% vaultkit:begin index %%/);
		assert.ok(existsSync(join(root, "Papers.md")));
	});

	it("restarts a killed server and serves again", async () => {
		const pid = client.pid!;
		const restarted = waitFor(client.onState.on.bind(client.onState), (s) => s.state === "running", 30000, "restart");
		process.kill(pid, "SIGKILL");
		await restarted;
		assert.notEqual(client.pid, pid);
		// the open documents were opened again: diagnostics come back for them
		const uri = pathToUri(join(root, "sessions/2023-04-05.md"));
		const again = waitFor(client.onDiagnostics.on.bind(client.onDiagnostics),
			(e) => e.uri === uri && e.diagnostics.some((d) => d.code === "VK201"), 30000, "diagnostics after restart");
		client.saveDocument(uri);
		await again;
	});
});

describe("VaultkitClient without a server", () => {
	it("fails with a reason naming the path when the executable does not exist", async () => {
		const client = new VaultkitClient({ command: "/nonexistent/vaultkit", root: "/tmp", maxRestarts: 0 });
		await client.start();
		assert.equal(client.state, "failed");
		assert.match(client.detail, /'\/nonexistent\/vaultkit' was not found/);
	});

	it("gives up after the configured restarts with backoff", async () => {
		const states: string[] = [];
		const client = new VaultkitClient({ command: "false", root: "/tmp", maxRestarts: 2, baseDelayMs: 10 });
		client.onState.on((s) => states.push(s.state));
		void client.start();
		await waitFor(client.onState.on.bind(client.onState), (s) => s.state === "failed", 10000, "failure");
		assert.ok(states.filter((s) => s === "restarting").length >= 2, states.join(","));
		assert.match(client.detail, /restarts failed/);
	});
});
