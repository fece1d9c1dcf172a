// Shared by the tests: a copy of the repository's example vault and the real server.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { VaultkitClient, type ClientOptions } from "../src/lsp/client";

const here = dirname(fileURLToPath(import.meta.url));
export const PLUGIN_DIR = resolve(here, "..");
export const EXAMPLE_VAULT = resolve(PLUGIN_DIR, "..", "example-vault");

/** The Python that has vaultkit installed (the pytest wrapper passes its own). */
export const PYTHON = process.env.VAULTKIT_PYTHON ?? "python3";

/** Why the real server cannot be started here, or null when it can. */
export function serverUnavailable(): string | null {
	const probe = spawnSync(PYTHON, ["-m", "vaultkit", "lsp", "--help"], { encoding: "utf8" });
	if (probe.error) return `${PYTHON} not found (set VAULTKIT_PYTHON)`;
	if (probe.status !== 0) return `'${PYTHON} -m vaultkit lsp' is not available: ${probe.stderr.trim().split("\n").pop()}`;
	return null;
}

export function copyVault(): string {
	const root = mkdtempSync(join(tmpdir(), "vaultkit-plugin-"));
	cpSync(EXAMPLE_VAULT, root, { recursive: true });
	return root;
}

export function serverOptions(root: string, extra: Partial<ClientOptions> = {}): ClientOptions {
	return {
		command: PYTHON, args: ["-m", "vaultkit"], root,
		env: { ...process.env, VAULTKIT_CACHE_DIR: join(root, "..", `${root.split("/").pop()}-cache`) },
		baseDelayMs: 100, requestTimeoutMs: 30000, ...extra,
	};
}

export async function startClient(root: string, extra: Partial<ClientOptions> = {}): Promise<VaultkitClient> {
	const client = new VaultkitClient(serverOptions(root, extra));
	await client.start();
	return client;
}

/** Resolves with the first value `predicate` accepts among the client's diagnostics events. */
export function waitFor<T>(subscribe: (cb: (v: T) => void) => () => void, predicate: (v: T) => boolean,
	timeoutMs = 20000, what = "event"): Promise<T> {
	return new Promise((resolvePromise, reject) => {
		const timer = setTimeout(() => { off(); reject(new Error(`timed out waiting for ${what}`)); }, timeoutMs);
		const off = subscribe((value) => {
			if (predicate(value)) { clearTimeout(timer); off(); resolvePromise(value); }
		});
	});
}
