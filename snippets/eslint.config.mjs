// ESLint for everything in snippets/: the reference app is held to the linter
// the guide recommends, and the anti-pattern files are linted with the same
// rules so that tests/test_lint.py can assert they show exactly the errors
// they exist to show. `make test` runs it (tests/test_lint.py); by hand:
// `npx eslint .` in snippets/.
//
// Rules:
// - @convex-dev/eslint-plugin's recommended config, as shipped, for every
//   file under a convex/ folder.
// - @convex-dev/no-collect-in-query: on. Every `.collect()` in the app reads
//   a range bounded by design, and each one says so in an eslint-disable
//   comment with the reason, as the rule's own message asks.
// - @convex-dev/require-access-control: on, with the plugin's default name
//   pattern (`require*`, `check*`, `ensure*`, `can*`, `has*`). It looks at
//   functions registered with `query`/`mutation`/`action`, which start with
//   `requireUser`/`requireIdentity`; functions built with `authedQuery` /
//   `authedMutation` (convex-helpers custom functions) resolve the user in
//   the builder, which the rule does not look into. The one public function
//   that answers signed-out callers on purpose (`users:me`) says so in a
//   disable comment.
// - no-restricted-imports (ESLint core) for `api` from `_generated/api` in
//   Convex code: server code schedules and `ctx.run*`-calls `internal.*`
//   functions only, and the best practices suggest exactly this check
//   (https://docs.convex.dev/understanding/best-practices/#only-schedule-and-ctxrun-internal-functions).
//   The Convex plugin has no rule for it.
// - @typescript-eslint/no-explicit-any in Convex code: `ctx: any` switches
//   off every generated type (QueryCtx, Doc, Id), the first fault of the
//   class-based anti-pattern.
// - @convex-dev/import-wrong-runtime stays off, as in the recommended config:
//   the app has no "use node" files, so it has nothing to check.
// - @typescript-eslint/no-floating-promises (type-aware): everywhere. An
//   unawaited `ctx.db.patch` or `ctx.scheduler.runAfter` may never happen.
import convexPlugin from "@convex-dev/eslint-plugin";
import tseslint from "typescript-eslint";

const convexRules = {
  ...Object.fromEntries(convexPlugin.configs.recommended.flatMap((config) => Object.entries(config.rules ?? {}))),
  "@convex-dev/no-collect-in-query": "error",
  "@convex-dev/require-access-control": "error",
  "no-restricted-imports": [
    "error",
    {
      patterns: [
        {
          group: ["**/_generated/api", "**/_generated/api.js"],
          importNames: ["api"],
          message: "Server code schedules and ctx.run*-calls internal.* functions, never api.*: import `internal` instead.",
        },
      ],
    },
  ],
  "@typescript-eslint/no-explicit-any": "error",
};

export default [
  {
    ignores: [
      "node_modules/",
      "**/_generated/",
      // The flawed app of notebook 11 is a review exercise: its flaws are
      // found by measuring it, and a linter would hand out the answers. It
      // has its own tsconfig, outside this project.
      "flawed-app/",
      // What `next dev` writes when `make app` serves app/ (git-ignored).
      ".next/",
      "next-env.d.ts",
    ],
  },
  {
    files: ["**/*.ts", "**/*.tsx", "**/*.mts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin, "@convex-dev": convexPlugin },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: { "@typescript-eslint/no-floating-promises": "error" },
  },
  {
    // The recommended config's own file pattern.
    files: ["**/convex/**/*.ts"],
    rules: convexRules,
  },
  {
    // auth.config.ts is evaluated by the CLI on its own, from the deployment's
    // variables; the Convex auth docs write it with `process.env`, and the
    // typed `env` of _generated/server is for functions.
    files: ["convex/auth.config.ts"],
    rules: { "@convex-dev/no-process-env": "off" },
  },
  {
    // Code the guide criticises: the same rules as the app, so each file's
    // findings are exactly the flaws it exists to show (tests/test_lint.py).
    files: ["antipatterns/**/*.ts"],
    rules: convexRules,
  },
];
