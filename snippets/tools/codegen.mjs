#!/usr/bin/env node
// @ts-check
/**
 * Writes `convex/_generated/` the way `npx convex codegen` does, without a
 * deployment.
 *
 *   node tools/codegen.mjs           write the files that differ, delete stale ones
 *   node tools/codegen.mjs --check   change nothing; exit 1 naming every file
 *                                    (and every module in api.d.ts) that is
 *                                    missing or out of date
 *   --app DIR                        the app folder (holding convex/ and maybe
 *                                    convex.json), relative to the current
 *                                    directory; default: snippets/, this
 *                                    script's parent. E.g. `--app flawed-app`.
 *   --functions DIR                  the functions folder itself, when it is
 *                                    not where convex.json says (a component's
 *                                    folder, say)
 *   --out DIR                        write the files into DIR instead of
 *                                    <functions folder>/_generated (the
 *                                    playground uses this to leave an app's
 *                                    folder untouched)
 *   --initial                        write what `npx convex dev` writes before
 *                                    its first push (doInitialComponentCodegen):
 *                                    `api` typed as AnyApi, so it also works for
 *                                    apps with components; all a runtime needs
 *   --component                      with --initial: the folder is a component
 *                                    (TypeScript output, as the CLI writes for
 *                                    components)
 *
 * Why: the CLI's codegen first pushes the app to a deployment, which these
 * machines cannot reach. The generated files do not depend on the deployment,
 * though: in the convex version installed here, `npx convex codegen` for an
 * app without components and without codegen options in convex.json ends in
 * `doFinalComponentCodegen` (node_modules/convex/dist/esm/cli/lib/codegen.js),
 * which writes
 *
 *   dataModel.d.ts  dynamicDataModelDTS()                   (noSchemaDataModelDTS() without a schema)
 *   server.js       serverCodegen({ useTypeScript: false, envVars }).JS
 *   server.d.ts     serverCodegen({ useTypeScript: false, envVars }).DTS
 *   api.d.ts        componentApiDTS(...)   module list from the bundler's entryPoints()
 *   api.js          componentApiJs()       (written by doInitialComponentCodegen)
 *
 * where `envVars` are the environment variables `convex/convex.config.ts`
 * declares (`defineApp({ env: { ... } })`), which the deployment reads from
 * the app definition's `export()` during the push: here that function is
 * called on the app's own convex.config.ts, bundled with esbuild. An app
 * whose convex.config.ts installs components (`app.use`) is refused: their
 * codegen needs the deployment's analysis of each component.
 *
 * Each file is formatted with prettier exactly as the CLI's writeFormattedFile does,
 *
 * With `"codegen": {"fileType": "ts"}` in convex.json it writes api.ts
 * (componentApiTSWithTypes), dataModel.ts and server.ts instead, as the CLI does.
 *
 * each formatted with prettier exactly as the CLI's writeFormattedFile does,
 * and deletes every other entry in _generated/ except `ai`. This script calls
 * those same functions from node_modules/convex, so the output is the CLI's,
 * byte for byte, and the module list follows the CLI's own rules (skip
 * _generated/, schema.ts, dotfiles, files with more than one dot such as
 * `*.test.ts`, paths with spaces, TypeScript files without import/export).
 *
 * The CLI's unbundled sources (dist/esm/cli) import packages that exist only
 * inside the CLI's own bundle (chalk, @sentry/node, commander, ...). So the
 * few modules needed are bundled in memory with esbuild (a dependency of
 * convex) and every third-party import in them is replaced by an inert stub.
 * The functions called here only build strings and walk the file system;
 * the stubs stand in for logging and telemetry. (The CLI's verbose logging
 * would print stubs, so CONVEX_VERBOSE is ignored.)
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// The toolchain: the folder whose node_modules holds convex. Apps given with
// --app (such as flawed-app/) borrow it.
const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CONVEX_PACKAGE = path.join(PROJECT_ROOT, "node_modules", "convex");
const CLI_SOURCES = path.join(CONVEX_PACKAGE, "dist", "esm");
// The CLI keeps this entry of _generated/ when it cleans up (cleanupStaleGeneratedEntries).
const PRESERVED_GENERATED_ENTRIES = new Set(["ai"]);

/**
 * @typedef {{ fs: object, crash: (args: { printedMessage: string | null }) => Promise<never> }} CliContext
 * @typedef {{ isRoot: boolean, path: string, definitionPath: string, isRootWithoutConfig: boolean }} ComponentDirectory
 * @typedef {{
 *   componentApiJs: () => string,
 *   componentApiStubDTS: () => string,
 *   componentApiStubTS: () => string,
 *   componentApiTSWithTypes: (ctx: CliContext, startPush: object, root: ComponentDirectory, dir: ComponentDirectory,
 *                     componentsMap: Map<string, unknown>, opts: { staticApi: boolean, useComponentApiImports: boolean }) => Promise<string>,
 *   dynamicDataModelTS: () => string,
 *   noSchemaDataModelTS: () => string,
 *   componentServerTS: (isRoot: boolean, envVars: undefined) => string,
 *   componentApiDTS: (ctx: CliContext, startPush: object, root: ComponentDirectory, dir: ComponentDirectory,
 *                     componentsMap: Map<string, unknown>, opts: { staticApi: boolean, useComponentApiImports: boolean }) => Promise<string>,
 *   dynamicDataModelDTS: () => string,
 *   noSchemaDataModelDTS: () => string,
 *   serverCodegen: (opts: { useTypeScript: boolean, envVars: unknown[] | undefined }) => { JS: string, DTS: string, TS: string },
 *   entryPoints: (ctx: CliContext, dir: string) => Promise<string[]>,
 *   importPath: (modulePath: string) => string,
 *   compareModulePaths: (a: string, b: string) => number,
 *   isComponentDirectory: (ctx: CliContext, dir: string, isRoot: boolean) =>
 *     { kind: "ok", component: ComponentDirectory } | { kind: "err", why: string },
 *   nodeFs: object,
 * }} CliCodegen
 */

class UsageError extends Error {}

// ---------------------------------------------------------------- loading the CLI's own functions

/**
 * Resolves a package the way convex itself would, from its own folder.
 * @param {string} specifier
 */
function resolveFromConvex(specifier) {
  const require = createRequire(path.join(CONVEX_PACKAGE, "package.json"));
  return pathToFileURL(require.resolve(specifier)).href;
}

/**
 * The names a CLI source file imports from `specifier`, so that its stub can
 * export exactly those (a namespace import contributes the members used).
 * @param {string} source
 * @param {string} specifier
 */
function namesImportedFrom(source, specifier) {
  const names = new Set();
  const quoted = specifier.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const statement = new RegExp(`(?:import|export)\\s+([^;]*?)\\s+from\\s+["']${quoted}["']`, "g");
  for (const [, clause = ""] of source.matchAll(statement)) {
    for (const part of /\{([^}]*)\}/.exec(clause)?.[1]?.split(",") ?? []) {
      const name = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0]?.trim();
      if (name) names.add(name);
    }
    const namespace = /\*\s+as\s+(\w+)/.exec(clause)?.[1];
    if (namespace) {
      for (const [, member] of source.matchAll(new RegExp(`\\b${namespace}\\.(\\w+)`, "g"))) {
        if (member) names.add(member);
      }
    }
  }
  names.delete("default");
  return [...names];
}

/**
 * An inert module: every export is a proxy that accepts any property access,
 * call or `new` and returns itself, so module-level code such as
 * `z.object({...}).passthrough()` or `chalkStderr.yellow("...")` runs.
 * @param {string[]} names
 */
function stubModule(names) {
  return `
    const handler = {
      get(_target, key) {
        if (key === "then") return undefined; // never look like a promise
        if (key === Symbol.toPrimitive) return () => "";
        if (key === Symbol.iterator) return function* () {};
        return stub;
      },
      apply: () => stub,
      construct: () => stub,
    };
    const stub = new Proxy(function () {}, handler);
    export { ${["stub as default", ...names.map((name) => `stub as ${name}`)].join(", ")} };
  `;
}

/** @returns {Promise<CliCodegen>} */
async function loadCliCodegen() {
  if (!existsSync(CLI_SOURCES)) {
    throw new UsageError(`${path.relative(PROJECT_ROOT, CLI_SOURCES)} not found: run \`npm ci\` first`);
  }
  /** @type {typeof import("esbuild")} */
  const esbuild = await import(resolveFromConvex("esbuild"));
  const builtins = new Set(builtinModules);
  const bundle = await esbuild.build({
    stdin: {
      contents: `
        export {
          componentApiDTS, componentApiJs, componentApiStubDTS, componentApiStubTS, componentApiTSWithTypes,
        } from "./cli/codegen_templates/component_api.js";
        export {
          dynamicDataModelDTS, dynamicDataModelTS, noSchemaDataModelDTS, noSchemaDataModelTS,
        } from "./cli/codegen_templates/dataModel.js";
        export { serverCodegen } from "./cli/codegen_templates/server.js";
        export { componentServerTS } from "./cli/codegen_templates/component_server.js";
        export { importPath } from "./cli/codegen_templates/api.js";
        export { compareModulePaths } from "./cli/codegen_templates/common.js";
        export { entryPoints } from "./bundler/index.js";
        export { nodeFs } from "./bundler/fs.js";
        export { isComponentDirectory } from "./cli/lib/components/definition/directoryStructure.js";
      `,
      resolveDir: CLI_SOURCES,
      sourcefile: "convex-cli-codegen.js",
      loader: "js",
    },
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    logLevel: "silent",
    plugins: [
      {
        name: "stub-third-party-packages",
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, (args) => {
            const name = args.path.replace(/^node:/, "");
            if (builtins.has(name) || builtins.has(name.split("/")[0] ?? "")) {
              return { path: args.path, external: true };
            }
            // One stub per importing file, exporting what that file imports.
            return {
              path: `${args.path} imported by ${args.importer}`,
              namespace: "stub",
              pluginData: { specifier: args.path, importer: args.importer },
            };
          });
          build.onLoad({ filter: /.*/, namespace: "stub" }, (args) => {
            const { specifier, importer } = args.pluginData;
            const names = namesImportedFrom(readFileSync(importer, "utf8"), specifier);
            return { contents: stubModule(names), loader: "js" };
          });
        },
      },
    ],
  });
  const source = bundle.outputFiles?.[0]?.text;
  if (source === undefined) {
    throw new Error("esbuild produced no output for the CLI's codegen modules");
  }
  const bundleDir = mkdtempSync(path.join(tmpdir(), "convex-codegen-"));
  let loaded;
  try {
    const bundleFile = path.join(bundleDir, "convex-cli-codegen.mjs");
    writeFileSync(bundleFile, source);
    loaded = await import(pathToFileURL(bundleFile).href);
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
  }
  const expected = [
    "componentApiDTS",
    "componentApiJs",
    "componentApiStubDTS",
    "componentApiStubTS",
    "componentApiTSWithTypes",
    "dynamicDataModelDTS",
    "dynamicDataModelTS",
    "noSchemaDataModelDTS",
    "noSchemaDataModelTS",
    "serverCodegen",
    "componentServerTS",
    "importPath",
    "compareModulePaths",
    "entryPoints",
    "isComponentDirectory",
  ];
  const missing = expected.filter((name) => typeof loaded[name] !== "function");
  if (missing.length > 0) {
    throw new Error(
      `the installed convex CLI no longer exports ${missing.join(", ")}; update tools/codegen.mjs for this convex version`,
    );
  }
  return /** @type {CliCodegen} */ (loaded);
}

// ---------------------------------------------------------------- project configuration

/**
 * The functions folder and codegen file type, as the CLI reads them from
 * convex.json. Options that change what codegen writes are refused rather
 * than silently ignored.
 * @param {string} appRoot
 * @param {string | undefined} functionsOverride
 * @returns {{ functionsDir: string, useTypeScript: boolean }}
 */
function readProjectConfig(appRoot, functionsOverride) {
  const configPath = path.join(appRoot, "convex.json");
  let functions = "convex/";
  let useTypeScript = false;
  if (existsSync(configPath)) {
    const config = JSON.parse(readFileSync(configPath, "utf8"));
    const unsupported = [
      config.generateCommonJSApi ? "generateCommonJSApi" : null,
      ...Object.entries(config.codegen ?? {})
        .filter(([key, value]) => !(key === "fileType" && ["js/dts", "ts"].includes(value)) && value !== false)
        .map(([key]) => `codegen.${key}`),
    ].filter((option) => option !== null);
    if (unsupported.length > 0) {
      throw new UsageError(`convex.json sets ${unsupported.join(", ")}, which this script does not reproduce`);
    }
    functions = config.functions ?? functions;
    useTypeScript = config.codegen?.fileType === "ts";
  }
  const functionsDir = functionsOverride ?? path.resolve(appRoot, functions);
  if (!existsSync(functionsDir)) {
    throw new UsageError(`${functionsDir} does not exist: it is not a Convex functions folder`);
  }
  return { functionsDir, useTypeScript };
}

/**
 * The environment variables the app's convex.config.ts declares, in the form
 * the deployment's analysis hands to codegen: [name, { type: "value", value:
 * <validator JSON>, optional? }]. No convex.config.ts: none.
 * @param {string} functionsDir
 * @returns {Promise<unknown[]>}
 */
async function declaredEnvVars(functionsDir) {
  const configFile = ["convex.config.ts", "convex.config.js"]
    .map((name) => path.join(functionsDir, name))
    .find((file) => existsSync(file));
  if (configFile === undefined) return [];
  const shown = path.relative(process.cwd(), configFile) || configFile;
  /** @type {typeof import("esbuild")} */
  const esbuild = await import(resolveFromConvex("esbuild"));
  let source;
  try {
    // Packages stay imports, resolved from this toolchain's node_modules
    // (where the bundle is written), so `convex/server` is the installed one.
    const bundle = await esbuild.build({
      entryPoints: [configFile],
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      packages: "external",
      logLevel: "silent",
    });
    source = bundle.outputFiles?.[0]?.text;
  } catch (error) {
    throw new UsageError(`${shown} does not compile: ${error instanceof Error ? error.message : error}`);
  }
  if (source === undefined) throw new UsageError(`${shown}: esbuild produced no output`);
  const cacheDir = path.join(PROJECT_ROOT, "node_modules", ".cache");
  mkdirSync(cacheDir, { recursive: true });
  const bundleDir = mkdtempSync(path.join(cacheDir, "convex-config-"));
  let definition;
  try {
    const bundleFile = path.join(bundleDir, "convex.config.mjs");
    writeFileSync(bundleFile, source);
    const app = (await import(pathToFileURL(bundleFile).href)).default;
    if (typeof app?.export !== "function") {
      throw new UsageError(`${shown} must \`export default\` the result of defineApp(...)`);
    }
    definition = app.export();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    // `app.use(component)` throws this outside a push: only the CLI's bundler
    // gives a component definition its path.
    if (message.includes("componentDefinitionPath")) {
      throw new UsageError(`${shown} installs components (app.use): their full codegen needs a deployment; ` +
        "--initial writes the untyped `api` that `npx convex dev` writes before its first push");
    }
    throw new UsageError(`${shown} failed to load: ${message}`);
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
  }
  return definition.envVars ?? [];
}

// ---------------------------------------------------------------- what the CLI would write

/**
 * What doInitialComponentCodegen writes into an empty _generated/: enough to
 * run, with `api` typed as AnyApi. Components always get TypeScript.
 * @param {CliCodegen} cli
 * @param {string} functionsDir
 * @param {{ useTypeScript: boolean, isRoot: boolean }} options
 * @returns {Map<string, string>}
 */
function initialGeneratedFiles(cli, functionsDir, { useTypeScript, isRoot }) {
  const hasSchema = ["schema.ts", "schema.js"].some((name) => existsSync(path.join(functionsDir, name)));
  const typescript = useTypeScript || !isRoot;
  if (!typescript) {
    const server = cli.serverCodegen({ useTypeScript: false, envVars: undefined });
    return new Map([
      ["dataModel.d.ts", hasSchema ? cli.dynamicDataModelDTS() : cli.noSchemaDataModelDTS()],
      ["server.js", server.JS],
      ["server.d.ts", server.DTS],
      ["api.js", cli.componentApiJs()],
      ["api.d.ts", cli.componentApiStubDTS()],
    ]);
  }
  return new Map([
    ["dataModel.ts", hasSchema ? cli.dynamicDataModelTS() : cli.noSchemaDataModelTS()],
    ["server.ts", isRoot ? cli.serverCodegen({ useTypeScript: true, envVars: undefined }).TS : cli.componentServerTS(false, undefined)],
    ["api.ts", cli.componentApiStubTS()],
  ]);
}

/**
 * @param {Map<string, string>} unformatted
 * @returns {Promise<Map<string, string>>}
 */
async function formatLikeTheCli(unformatted) {
  // `require.resolve` finds prettier's CommonJS entry, whose API is its default export.
  /** @type {typeof import("prettier")} */
  const prettier = (await import(resolveFromConvex("prettier"))).default;
  const files = new Map();
  for (const [name, contents] of unformatted) {
    // The same call as the CLI's writeFormattedFile, options included.
    files.set(name, await prettier.format(contents, /** @type {import("prettier").Options} */ ({
      parser: "typescript",
      pluginSearchDirs: false,
    })));
  }
  return files;
}

/**
 * @param {CliCodegen} cli
 * @param {string} functionsDir
 * @param {boolean} useTypeScript
 * @returns {Promise<{ files: Map<string, string>, modules: string[] }>}
 */
async function expectedGeneratedFiles(cli, functionsDir, useTypeScript) {
  /** @type {CliContext} */
  const ctx = {
    fs: cli.nodeFs,
    crash: async ({ printedMessage }) => {
      throw new UsageError(printedMessage ?? "the Convex CLI gave up");
    },
  };
  const root = cli.isComponentDirectory(ctx, functionsDir, true);
  if (root.kind === "err") {
    throw new UsageError(`${functionsDir} is not a Convex functions folder: ${root.why}`);
  }
  const rootComponent = root.component;
  // What doFinalComponentCodegen reads from the deployment's analysis of the
  // root component: no child components, and the declared environment variables.
  const envVars = await declaredEnvVars(functionsDir);
  const startPush = { analysis: { "": { definition: { childComponents: [], envVars } } } };
  const hasSchema = ["schema.ts", "schema.js"].some((name) => existsSync(path.join(functionsDir, name)));
  const server = cli.serverCodegen({ useTypeScript, envVars });
  const apiOptions = { staticApi: false, useComponentApiImports: true };
  const unformatted = useTypeScript
    ? new Map([
      ["api.ts", await cli.componentApiTSWithTypes(ctx, startPush, rootComponent, rootComponent, new Map(), apiOptions)],
      ["dataModel.ts", hasSchema ? cli.dynamicDataModelTS() : cli.noSchemaDataModelTS()],
      ["server.ts", server.TS],
    ])
    : new Map([
      ["api.d.ts", await cli.componentApiDTS(ctx, startPush, rootComponent, rootComponent, new Map(), apiOptions)],
      ["api.js", cli.componentApiJs()],
      ["dataModel.d.ts", hasSchema ? cli.dynamicDataModelDTS() : cli.noSchemaDataModelDTS()],
      ["server.d.ts", server.DTS],
      ["server.js", server.JS],
    ]);
  const files = await formatLikeTheCli(unformatted);

  const modules = (await cli.entryPoints(ctx, functionsDir))
    .map((file) => path.relative(functionsDir, file))
    .sort(cli.compareModulePaths)
    .map((modulePath) => cli.importPath(modulePath));
  return { files, modules };
}

/**
 * The modules an api.d.ts imports, e.g. "messages" or "model/auth".
 * @param {string} apiDts
 */
function modulesListedIn(apiDts) {
  return [...apiDts.matchAll(/^import type \* as \w+ from "\.\.\/(.+)\.js";$/gm)].map((match) => match[1] ?? "");
}

// ---------------------------------------------------------------- write / check

/**
 * @param {string} generatedDir
 * @param {Map<string, string>} files
 * @param {string[]} modules
 * @returns {string[]} one line per problem
 */
function findProblems(generatedDir, files, modules) {
  const problems = [];
  for (const [name, contents] of files) {
    const file = path.join(generatedDir, name);
    if (!existsSync(file)) {
      problems.push(`_generated/${name}: missing`);
      continue;
    }
    const current = readFileSync(file, "utf8");
    if (current === contents) continue;
    problems.push(`_generated/${name}: out of date`);
    if (name === "api.d.ts") {
      const listed = new Set(modulesListedIn(current));
      for (const module of modules) {
        if (!listed.has(module)) problems.push(`  module "${module}" is missing from _generated/api.d.ts`);
      }
      for (const module of listed) {
        if (!modules.includes(module)) problems.push(`  module "${module}" is in _generated/api.d.ts but no longer exists`);
      }
    }
  }
  if (existsSync(generatedDir)) {
    for (const entry of readdirSync(generatedDir)) {
      if (!files.has(entry) && !PRESERVED_GENERATED_ENTRIES.has(entry)) {
        problems.push(`_generated/${entry}: stale (the CLI deletes it)`);
      }
    }
  }
  return problems;
}

/**
 * @param {string} generatedDir
 * @param {Map<string, string>} files
 * @returns {string[]} what changed
 */
function writeFiles(generatedDir, files) {
  mkdirSync(generatedDir, { recursive: true });
  const changes = [];
  for (const [name, contents] of files) {
    const file = path.join(generatedDir, name);
    if (existsSync(file) && readFileSync(file, "utf8") === contents) continue;
    changes.push(`${existsSync(file) ? "updated" : "created"} _generated/${name}`);
    writeFileSync(file, contents);
  }
  for (const entry of readdirSync(generatedDir)) {
    if (!files.has(entry) && !PRESERVED_GENERATED_ENTRIES.has(entry)) {
      rmSync(path.join(generatedDir, entry), { recursive: true, force: true });
      changes.push(`deleted stale _generated/${entry}`);
    }
  }
  return changes;
}

const USAGE = "usage: node tools/codegen.mjs [--check] [--app DIR] [--functions DIR] [--out DIR] [--initial [--component]]";

/**
 * @param {string[]} argv
 * @returns {{ check: boolean, appRoot: string, functions: string | undefined, out: string | undefined,
 *             initial: boolean, component: boolean }}
 */
function parseArguments(argv) {
  let check = false;
  let initial = false;
  let component = false;
  let appRoot = PROJECT_ROOT;
  /** @type {string | undefined} */
  let functions;
  /** @type {string | undefined} */
  let out;
  /** @param {string} option */
  const folderAfter = (option) => {
    const dir = argv[++i];
    if (dir === undefined || dir.startsWith("--")) throw new UsageError(`${option} needs a folder; ${USAGE}`);
    return path.resolve(process.cwd(), dir);
  };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--check") {
      check = true;
    } else if (arg === "--initial") {
      initial = true;
    } else if (arg === "--component") {
      component = true;
    } else if (arg === "--app") {
      appRoot = folderAfter(arg);
    } else if (arg === "--functions") {
      functions = folderAfter(arg);
    } else if (arg === "--out") {
      out = folderAfter(arg);
    } else {
      throw new UsageError(`unknown argument ${arg}; ${USAGE}`);
    }
  }
  if (component && !initial) throw new UsageError(`--component needs --initial; ${USAGE}`);
  if (functions === undefined && !existsSync(path.join(appRoot, "convex")) && !existsSync(path.join(appRoot, "convex.json"))) {
    throw new UsageError(`${appRoot} has no convex/ folder: it is not a Convex app`);
  }
  return { check, appRoot, functions, out, initial, component };
}

/** @param {string[]} argv */
async function main(argv) {
  const { check, appRoot, functions, out, initial, component } = parseArguments(argv);
  delete process.env.CONVEX_VERBOSE; // see the header: the CLI's logger is stubbed out
  const { functionsDir, useTypeScript } = readProjectConfig(appRoot, functions);
  const generatedDir = out ?? path.join(functionsDir, "_generated");
  const shown = path.relative(process.cwd(), generatedDir) || generatedDir;
  const cli = await loadCliCodegen();
  const { files, modules } = initial
    ? { files: await formatLikeTheCli(initialGeneratedFiles(cli, functionsDir, { useTypeScript, isRoot: !component })), modules: [] }
    : await expectedGeneratedFiles(cli, functionsDir, useTypeScript);

  if (check) {
    const problems = findProblems(generatedDir, files, modules);
    if (problems.length > 0) {
      console.error(`${shown} does not match what \`npx convex codegen\` would write:`);
      for (const problem of problems) console.error(`  ${problem}`);
      console.error("Run `npm run codegen` and commit the result.");
      return 1;
    }
    console.log(`${shown} is up to date (${files.size} files, ${modules.length} modules: ${modules.join(", ")})`);
    return 0;
  }
  const changes = writeFiles(generatedDir, files);
  for (const change of changes) console.log(change);
  console.log(`${shown}: ${changes.length === 0 ? "already up to date" : `${changes.length} change(s)`} (${modules.length} modules)`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`codegen: ${error instanceof UsageError ? error.message : error?.stack ?? error}`);
    process.exitCode = 2;
  },
);
