// The hover glue without a server: every shape of LSP hover content, and positions
// after characters outside the Basic Multilingual Plane.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Text } from "@codemirror/state";
import { hoverMarkdown, positionAt } from "../src/editor/hover";

describe("hoverMarkdown", () => {
	it("passes Markdown through and escapes plain text", () => {
		assert.equal(hoverMarkdown({ kind: "markdown", value: "**LoRA** (2021)" }), "**LoRA** (2021)");
		assert.equal(hoverMarkdown({ kind: "plaintext", value: "a *b* [c]" }), "a \\*b\\* \\[c\\]");
	});

	it("joins MarkedString lists and fences code", () => {
		assert.equal(hoverMarkdown(["one", { language: "bibtex", value: "@misc{k," }]),
			"one\n\n```bibtex\n@misc{k,\n```");
		assert.equal(hoverMarkdown({ language: "md", value: "has ``` inside" }), "````md\nhas ``` inside\n````");
		assert.equal(hoverMarkdown("plain string"), "plain string");
	});
});

describe("positionAt", () => {
	it("counts UTF-16 code units, as LSP does by default", () => {
		const doc = Text.of(["first", "😀 @key"]);
		const offset = doc.line(2).from + "😀 @".length;  // the emoji is two code units
		assert.deepEqual(positionAt(doc, offset), { line: 1, character: 4 });
		assert.deepEqual(positionAt(doc, 0), { line: 0, character: 0 });
	});
});
