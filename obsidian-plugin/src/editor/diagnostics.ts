// Server diagnostics as CodeMirror 6 lint marks.  Pure CodeMirror: the browser test runs
// this very module in Chromium, and the Obsidian glue hands it the diagnostics of the note
// shown in each editor.
import { setDiagnostics, type Diagnostic as EditorDiagnostic } from "@codemirror/lint";
import type { Text } from "@codemirror/state";
import { ViewPlugin, type EditorView, type PluginValue } from "@codemirror/view";
import type { Diagnostic, Position } from "vscode-languageserver-protocol";

const SEVERITY: Record<number, EditorDiagnostic["severity"]> = {
	1: "error", 2: "warning", 3: "info", 4: "hint",
};

/** An LSP position (line, UTF-16 character) as an offset into the document.
 *
 * CodeMirror documents are JavaScript strings, which count UTF-16 code units exactly as
 * LSP does by default, so no conversion is needed beyond clamping to the line. */
export function offsetOf(doc: Text, position: Position): number {
	if (position.line >= doc.lines) return doc.length;
	const line = doc.line(position.line + 1);
	return line.from + Math.min(Math.max(position.character, 0), line.length);
}

export function toEditorDiagnostics(doc: Text, diagnostics: readonly Diagnostic[]): EditorDiagnostic[] {
	return diagnostics.map((d) => {
		const from = offsetOf(doc, d.range.start);
		const to = Math.max(from, offsetOf(doc, d.range.end));
		const code = d.code === undefined ? "" : ` (${String(d.code)})`;
		return {
			from,
			to,
			severity: SEVERITY[d.severity ?? 1] ?? "error",
			message: (typeof d.message === "string" ? d.message : d.message.value) + code,
			source: d.source ?? "vaultkit",
		};
	});
}

/** Where an editor gets the diagnostics of the note it shows. */
export interface DiagnosticFeed {
	/** Call `update` now and whenever the note's diagnostics change; return an unsubscribe. */
	subscribe(view: EditorView, update: (diagnostics: readonly Diagnostic[]) => void): (() => void) | null;
}

/** The editor extension: lint marks that follow the server's diagnostics. */
export function serverDiagnostics(feed: DiagnosticFeed) {
	return ViewPlugin.define((view): PluginValue => {
		let pending = 0;
		const unsubscribe = feed.subscribe(view, (diagnostics) => {
			// Never dispatch inside another update: defer to the next frame-ish tick.
			window.clearTimeout(pending);
			pending = window.setTimeout(() => {
				view.dispatch(setDiagnostics(view.state, toEditorDiagnostics(view.state.doc, diagnostics)));
			}, 0);
		});
		return {
			destroy() {
				window.clearTimeout(pending);
				unsubscribe?.();
			},
		};
	});
}
