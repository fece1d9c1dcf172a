// "Vault problems": every finding of the vault by note; a click opens the note at the line.
import { ItemView, WorkspaceLeaf } from "obsidian";

export const PROBLEMS_VIEW = "vaultkit-problems";

/** One finding as `vaultkit lint --format json` prints it (the JSON contract). */
export interface Finding {
	path: string;
	line: number;
	column: number;
	end_line: number;
	end_column: number;
	code: string;
	rule: string;
	severity: "error" | "warning" | "info";
	message: string;
	fixable: boolean;
}

export function groupByNote(findings: readonly Finding[]): Array<[string, Finding[]]> {
	const groups = new Map<string, Finding[]>();
	for (const f of findings) {
		const list = groups.get(f.path) ?? [];
		list.push(f);
		groups.set(f.path, list);
	}
	return [...groups.entries()]
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([path, list]) => [path, list.sort((x, y) => x.line - y.line || x.column - y.column)]);
}

export interface ProblemsHost {
	findings(): readonly Finding[];
	open(path: string, line: number, column: number): Promise<void>;
}

export class ProblemsView extends ItemView {
	constructor(leaf: WorkspaceLeaf, private readonly host: ProblemsHost) {
		super(leaf);
	}

	getViewType(): string {
		return PROBLEMS_VIEW;
	}

	getDisplayText(): string {
		return "Vault problems";
	}

	getIcon(): string {
		return "alert-triangle";
	}

	async onOpen(): Promise<void> {
		this.render();
	}

	render(): void {
		const root = this.contentEl;
		root.empty();
		const findings = this.host.findings();
		if (!findings.length) {
			root.createDiv({ cls: "vaultkit-problems-empty", text: "No problems found (run “Lint vault”)." });
			return;
		}
		for (const [path, list] of groupByNote(findings)) {
			const group = root.createDiv({ cls: "vaultkit-problems-note" });
			group.createDiv({ cls: "vaultkit-problems-path", text: `${path} (${list.length})` });
			for (const f of list) {
				const row = group.createDiv({ cls: `vaultkit-problem vaultkit-${f.severity}` });
				row.setText(`${f.line}:${f.column} ${f.code} ${f.message}`);
				row.addEventListener("click", () => { void this.host.open(f.path, f.line, f.column); });
			}
		}
	}
}
