// The comparison `make bench` draws (scripts/bench_review.py): every rule of
// @convex-dev/eslint-plugin switched on, on every TypeScript file, so the
// plugin's recall and precision on the planted flaws are measured at its
// most thorough. Not the guide's lint setup (that is eslint.config.mjs).
// By hand, from snippets/: `npx eslint -c tools/eslint.all-convex-rules.mjs flawed-app/convex antipatterns convex`.
import path from "node:path";
import convexPlugin from "@convex-dev/eslint-plugin";
import tseslint from "typescript-eslint";

const everyConvexRule = Object.fromEntries(Object.keys(convexPlugin.rules).map((name) => [`@convex-dev/${name}`, "error"]));

export default [
  { ignores: ["node_modules/", "**/_generated/"] },
  {
    files: ["**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: path.dirname(import.meta.dirname) },
    },
    // typescript-eslint is loaded so that the app's disable comments naming its rules resolve.
    plugins: { "@typescript-eslint": tseslint.plugin, "@convex-dev": convexPlugin },
    linterOptions: { reportUnusedDisableDirectives: "off" },
    rules: everyConvexRule,
  },
];
