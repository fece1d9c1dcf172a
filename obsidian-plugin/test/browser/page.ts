// The page the browser test loads: a CodeMirror 6 editor with the plugin's own
// diagnostics extension, fed from the test through window.vaultkitTest.
import { forEachDiagnostic } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import type { Diagnostic } from "vscode-languageserver-protocol";
import { serverDiagnostics } from "../../src/editor/diagnostics";

let view: EditorView | null = null;
let push: ((d: readonly Diagnostic[]) => void) | null = null;

(window as unknown as { vaultkitTest: unknown }).vaultkitTest = {
	mount(text: string) {
		view?.destroy();
		view = new EditorView({
			state: EditorState.create({
				doc: text,
				extensions: [EditorView.lineWrapping, serverDiagnostics({
					subscribe: (_view, update) => { push = update; return () => { push = null; }; },
				})],
			}),
			parent: document.getElementById("editor")!,
		});
	},
	push(diagnostics: Diagnostic[]) {
		push?.(diagnostics);
	},
	/** Each lint mark as the editor holds it: the text it covers. */
	marks(): Array<{ text: string; severity: string; message: string }> {
		const out: Array<{ text: string; severity: string; message: string }> = [];
		if (!view) return out;
		forEachDiagnostic(view.state, (d, from, to) => {
			out.push({ text: view!.state.sliceDoc(from, to), severity: d.severity, message: d.message });
		});
		return out;
	},
};
