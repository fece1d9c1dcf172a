// Settings: where the vaultkit executable is, and a "Test" button that says why it fails.
import { execFile } from "child_process";
import { App, PluginSettingTab, Setting } from "obsidian";
import { describeSpawnError } from "../lsp/client";

export interface VaultkitSettings {
	/** `vaultkit`, a full path, or a Python interpreter together with `-m vaultkit` in args. */
	executable: string;
	/** Extra arguments before `lsp` / `--version`, space-separated (e.g. `-m vaultkit`). */
	args: string;
	/** Show findings of the open note in the status bar. */
	statusBarCount: boolean;
}

export const DEFAULT_SETTINGS: VaultkitSettings = {
	executable: "vaultkit",
	args: "",
	statusBarCount: true,
};

export function splitArgs(args: string): string[] {
	return args.split(/\s+/).filter((a) => a.length > 0);
}

/** Run `<executable> [args] --version`: resolves to the version line or a reason it failed. */
export function testExecutable(settings: VaultkitSettings, cwd: string,
	run: typeof execFile = execFile): Promise<{ ok: boolean; message: string }> {
	return new Promise((resolve) => {
		run(settings.executable, [...splitArgs(settings.args), "--version"],
			{ cwd, timeout: 10000, windowsHide: true },
			(error, stdout, stderr) => {
				if (error && (error as NodeJS.ErrnoException).code !== undefined &&
					typeof (error as NodeJS.ErrnoException).code === "string") {
					resolve({ ok: false, message: describeSpawnError(settings.executable, error) });
				} else if (error) {
					const why = String(stderr || error.message).trim().split("\n").slice(-3).join(" ");
					resolve({ ok: false, message: `'${settings.executable}' ran but failed: ${why}` });
				} else {
					const version = String(stdout).trim();
					resolve(/vaultkit/i.test(version)
						? { ok: true, message: version }
						: { ok: false, message: `'${settings.executable}' is not vaultkit (it printed '${version}')` });
				}
			});
	});
}

export interface SettingsHost {
	app: App;
	settings: VaultkitSettings;
	saveSettings(): Promise<void>;
	restartServer(): Promise<void>;
	vaultRoot(): string;
}

export class VaultkitSettingTab extends PluginSettingTab {
	constructor(app: App, private readonly host: SettingsHost & ConstructorParameters<typeof PluginSettingTab>[1]) {
		super(app, host);
	}

	display(): void {
		const { containerEl } = this;
		containerEl.empty();
		new Setting(containerEl)
			.setName("vaultkit executable")
			.setDesc("The vaultkit command, or its full path (run 'which vaultkit' in a terminal).")
			.addText((text) => text
				.setPlaceholder("vaultkit")
				.setValue(this.host.settings.executable)
				.onChange(async (value) => {
					this.host.settings.executable = value.trim() || DEFAULT_SETTINGS.executable;
					await this.host.saveSettings();
				}));
		new Setting(containerEl)
			.setName("Arguments")
			.setDesc("Put before 'lsp', e.g. '-m vaultkit' when the executable is a Python interpreter.")
			.addText((text) => text
				.setValue(this.host.settings.args)
				.onChange(async (value) => {
					this.host.settings.args = value;
					await this.host.saveSettings();
				}));
		const result = containerEl.createDiv({ cls: "vaultkit-test-result" });
		new Setting(containerEl)
			.setName("Test the executable")
			.setDesc("Runs it with --version and restarts the server when it works.")
			.addButton((button) => button.setButtonText("Test").onClick(async () => {
				result.setText("Testing…");
				const outcome = await testExecutable(this.host.settings, this.host.vaultRoot());
				result.setText(outcome.ok ? `OK: ${outcome.message}` : `Failed: ${outcome.message}`);
				result.toggleClass("vaultkit-test-failed", !outcome.ok);
				if (outcome.ok) await this.host.restartServer();
			}));
		new Setting(containerEl)
			.setName("Problem count in the status bar")
			.addToggle((toggle) => toggle
				.setValue(this.host.settings.statusBarCount)
				.onChange(async (value) => {
					this.host.settings.statusBarCount = value;
					await this.host.saveSettings();
				}));
	}
}
