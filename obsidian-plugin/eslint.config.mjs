// The Obsidian plugin guidelines as lint rules (eslint-plugin-obsidianmd), on src/ only.
import tseslint from "typescript-eslint";
import obsidianmd from "eslint-plugin-obsidianmd";
import globals from "globals";
import { globalIgnores } from "eslint/config";

export default tseslint.config(
	{
		languageOptions: {
			globals: { ...globals.browser, ...globals.node },
			parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
		},
	},
	...obsidianmd.configs.recommended,
	{
		rules: {
			// the product's name is written in lower case, like ruff's or git's
			"obsidianmd/ui/sentence-case": ["warn", { ignoreRegex: ["\\bvaultkit\\b"] }],
		},
	},
	globalIgnores(["node_modules", "main.js", ".test-build", "test", "esbuild.config.mjs", "eslint.config.mjs"]),
);
