// Bundles src/main.ts into main.js, as Obsidian loads it.  Obsidian provides `obsidian`,
// `electron` and CodeMirror at run time, so they stay external (one CodeMirror in the app).
import esbuild from "esbuild";
import { builtinModules } from "node:module";

const production = process.argv[2] === "production";

export const EXTERNAL = [
	"obsidian", "electron",
	"@codemirror/autocomplete", "@codemirror/collab", "@codemirror/commands", "@codemirror/language",
	"@codemirror/lint", "@codemirror/search", "@codemirror/state", "@codemirror/view",
	"@lezer/common", "@lezer/highlight", "@lezer/lr",
	...builtinModules, ...builtinModules.map((m) => `node:${m}`),
];

const context = await esbuild.context({
	banner: { js: "/* vaultkit for Obsidian: bundled by esbuild from src/ (see obsidian-plugin/README) */" },
	entryPoints: ["src/main.ts"],
	bundle: true,
	external: EXTERNAL,
	format: "cjs",
	platform: "node",
	target: "es2018",
	logLevel: "info",
	sourcemap: production ? false : "inline",
	treeShaking: true,
	outfile: "main.js",
	minify: production,
});

if (production) {
	await context.rebuild();
	await context.dispose();
} else {
	await context.watch();
}
