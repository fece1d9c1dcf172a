// The CodeMirror 6 extension in a real browser (headless Chromium via puppeteer-core), fed
// with diagnostics from the real server: the lint marks must sit on the exact text, also
// after CJK and emoji (surrogate pairs) on the same line.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import puppeteer, { type Browser } from "puppeteer-core";
import type { Diagnostic } from "vscode-languageserver-protocol";
import { pathToUri, type VaultkitClient } from "../src/lsp/client";
import { copyVault, PLUGIN_DIR, serverUnavailable, startClient, waitFor } from "./support";

const CHROMIUM = process.env.CHROMIUM_PATH ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find(existsSync);
const skip = serverUnavailable() ?? (CHROMIUM ? false : "no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)");
const ARTIFACTS = join(PLUGIN_DIR, "test-artifacts");

const NOTE = [
	"---", "type: session", "---",
	"## Context",
	"数据集 😀 see @unknownCjkKey2020 and then 🧪🧪 @anotherMissing2021.",
	"Plain line with @huLoRALowRankAdaptation2021, which is known.",
	"A link to [[no such note]] after émigré text 🎉.",
	"",
].join("\n");

describe("lint marks in a real CodeMirror editor", { skip }, () => {
	let browser: Browser;
	let client: VaultkitClient;
	let diagnostics: Diagnostic[] = [];

	before(async () => {
		const root = copyVault();
		writeFileSync(join(root, "notes-cjk.md"), NOTE);
		client = await startClient(root);
		const uri = pathToUri(join(root, "notes-cjk.md"));
		const arrived = waitFor(client.onDiagnostics.on.bind(client.onDiagnostics),
			(e) => e.uri === uri && e.diagnostics.filter((d) => d.code === "VK201").length === 2, 30000, "diagnostics");
		client.openDocument(uri, NOTE);
		diagnostics = (await arrived).diagnostics;
		browser = await puppeteer.launch({
			executablePath: CHROMIUM,
			headless: true,
			args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync"],
		});
	});
	after(async () => { await browser?.close(); await client?.stop(); });

	it("underlines exactly the dangling keys and the unresolved link", async () => {
		const page = await browser.newPage();
		await page.setViewport({ width: 900, height: 300 });
		const script = readFileSync(join(PLUGIN_DIR, ".test-build/browser/page.js"), "utf8");
		await page.setContent(`<!doctype html><meta charset="utf-8"><body><div id="editor"></div></body>`);
		await page.addScriptTag({ content: script });
		await page.evaluate((text) => (window as any).vaultkitTest.mount(text), NOTE);
		await page.evaluate((d) => (window as any).vaultkitTest.push(d), diagnostics);
		await page.waitForSelector(".cm-lintRange-error", { timeout: 10000 });
		const marks = await page.evaluate(() => (window as any).vaultkitTest.marks()) as Array<{ text: string; severity: string; message: string }>;
		const texts = marks.map((m) => m.text).sort();
		assert.ok(texts.includes("@unknownCjkKey2020"), texts.join(" | "));
		assert.ok(texts.includes("@anotherMissing2021"), texts.join(" | "));
		assert.ok(!texts.some((t) => t.includes("huLoRA")), "a known key was marked");
		assert.ok(texts.some((t) => t.includes("[[no such note]]") || t === "no such note"), texts.join(" | "));
		// the marks drawn in the DOM cover the same text
		const drawn = await page.$$eval(".cm-lintRange-error", (els) => els.map((e) => e.textContent));
		assert.ok(drawn.includes("@unknownCjkKey2020") && drawn.includes("@anotherMissing2021"), drawn.join(" | "));
		const error = marks.find((m) => m.text === "@unknownCjkKey2020")!;
		assert.match(error.message, /\(VK201\)$/);
		mkdirSync(ARTIFACTS, { recursive: true });
		await page.screenshot({ path: join(ARTIFACTS, "lint-marks.png") });
	});
});
