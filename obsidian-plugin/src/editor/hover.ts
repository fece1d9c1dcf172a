// What the server's hover says, as the Markdown the tooltip renders.  Pure: the node tests
// run it on the real server's answers.
import type { Text } from "@codemirror/state";
import type { Hover, Position } from "vscode-languageserver-protocol";

/** The Markdown of a hover in any of LSP's three shapes (a string, a MarkedString list,
 * MarkupContent); a plain-text part is shown as written, not as Markdown. */
export function hoverMarkdown(contents: Hover["contents"]): string {
	if (typeof contents === "string") return contents;
	if (Array.isArray(contents)) {
		return contents.map((part) => typeof part === "string" ? part : fenced(part.language, part.value)).join("\n\n");
	}
	if ("kind" in contents) return contents.kind === "plaintext" ? escapeMarkdown(contents.value) : contents.value;
	return fenced(contents.language, contents.value);
}

/** The LSP position of a document offset.  CodeMirror counts UTF-16 code units, as LSP does
 * by default, so the character is the offset into the line. */
export function positionAt(doc: Text, offset: number): Position {
	const line = doc.lineAt(Math.min(Math.max(offset, 0), doc.length));
	return { line: line.number - 1, character: offset - line.from };
}

function fenced(language: string, value: string): string {
	const fence = value.includes("```") ? "````" : "```";
	return `${fence}${language}\n${value}\n${fence}`;
}

function escapeMarkdown(text: string): string {
	return text.replace(/([\\`*_{}[\]()#+\-.!|<>~])/g, "\\$1");
}
