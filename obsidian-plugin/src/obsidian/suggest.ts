// Completion in Obsidian's editor, fed by the server: citekeys after `@` and Log verbs
// after `- [`.  Obsidian's own `[[` suggester already knows notes and headings.
import {
	App, Editor, EditorPosition, EditorSuggest, EditorSuggestContext, EditorSuggestTriggerInfo, TFile,
} from "obsidian";
import type { CompletionItem } from "vscode-languageserver-protocol";

/** What kind of completion the text before the cursor asks for, and where it starts. */
export function completionTrigger(lineBefore: string): { kind: "citekey" | "verb"; start: number; query: string } | null {
	// `@` not preceded by a word character (an e-mail address is not a citation)
	const cite = /(^|[^\w@])@([\w:.#$%&\-+?<>~/]*)$/.exec(lineBefore);
	if (cite) {
		const query = cite[2] ?? "";
		return { kind: "citekey", start: lineBefore.length - query.length, query };
	}
	const verb = /^(\s*[-*+]\s+\[)([\w-]*)$/.exec(lineBefore);
	if (verb) {
		const query = verb[2] ?? "";
		return { kind: "verb", start: lineBefore.length - query.length, query };
	}
	return null;
}

export interface CompletionSource {
	complete(file: TFile, text: string, position: EditorPosition): Promise<CompletionItem[]>;
}

export class VaultkitSuggest extends EditorSuggest<CompletionItem> {
	constructor(app: App, private readonly source: CompletionSource) {
		super(app);
		this.limit = 50;
	}

	onTrigger(cursor: EditorPosition, editor: Editor, file: TFile | null): EditorSuggestTriggerInfo | null {
		if (!file || file.extension !== "md") return null;
		const trigger = completionTrigger(editor.getLine(cursor.line).slice(0, cursor.ch));
		if (!trigger) return null;
		return { start: { line: cursor.line, ch: trigger.start }, end: cursor, query: trigger.query };
	}

	async getSuggestions(context: EditorSuggestContext): Promise<CompletionItem[]> {
		if (!context.file) return [];
		try {
			return await this.source.complete(context.file, context.editor.getValue(), context.end);
		} catch {
			return []; // a server that is (re)starting offers nothing rather than an error
		}
	}

	renderSuggestion(item: CompletionItem, el: HTMLElement): void {
		el.addClass("vaultkit-suggestion");
		el.createDiv({ cls: "vaultkit-suggestion-label", text: item.label });
		if (item.detail) el.createDiv({ cls: "vaultkit-suggestion-detail", text: item.detail });
	}

	selectSuggestion(item: CompletionItem): void {
		const context = this.context;
		if (!context) return;
		const edit = item.textEdit;
		if (edit && "range" in edit) {
			const { start, end } = edit.range;
			context.editor.replaceRange(edit.newText,
				{ line: start.line, ch: start.character }, { line: end.line, ch: end.character });
		} else {
			const text = item.insertText ?? item.label;
			const line = context.editor.getLine(context.start.line);
			// the query starts after `@`; an item that brings its own `@` replaces that too
			const back = text.startsWith("@") && line[context.start.ch - 1] === "@" ? 1 : 0;
			context.editor.replaceRange(text, { line: context.start.line, ch: context.start.ch - back }, context.end);
		}
		this.close();
	}
}
