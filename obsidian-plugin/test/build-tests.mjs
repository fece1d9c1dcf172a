// Bundles each test (TypeScript) for node's test runner, with `obsidian` replaced by the
// small fake in test/fake-obsidian.ts, and the CodeMirror page the browser test loads.
import esbuild from "esbuild";
import { readdirSync, rmSync } from "node:fs";

rmSync(".test-build", { recursive: true, force: true });
const tests = readdirSync("test").filter((f) => f.endsWith(".test.ts")).map((f) => `test/${f}`);
await esbuild.build({
	entryPoints: tests,
	outdir: ".test-build",
	outExtension: { ".js": ".mjs" },
	bundle: true,
	platform: "node",
	format: "esm",
	target: "node20",
	packages: "external",
	alias: { obsidian: "./test/fake-obsidian.ts" },
	banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
	logLevel: "warning",
});
// The page of the browser test: CodeMirror and the plugin's own lint extension, bundled once.
await esbuild.build({
	entryPoints: ["test/browser/page.ts"],
	outfile: ".test-build/browser/page.js",
	bundle: true,
	platform: "browser",
	format: "iife",
	target: "es2020",
	logLevel: "warning",
});
