// The TypeScript program the static pass reads a Convex app through.
//
// It is TypeScript 7's native compiler (the `typescript-native` package, the
// npm `typescript` 7 release under another name so the guide keeps 5.9 for its
// own lint and compile checks), driven through its API: the compiler runs in a
// child process and answers syntax trees, types and symbols on request. It
// checks a Convex app several times faster than 5.9's JavaScript compiler.
//
// The program holds every module of the app's functions folder, typed the way
// the Convex CLI types them: `_generated/` from the app when it has one, else
// generated into a cache outside the app by the guide's
// snippets/tools/codegen.mjs and shown to the compiler as if it were in the
// app (so `../schema.js` imports inside it still resolve); packages from the
// app's own node_modules when they resolve there, else from the guide's.
// Nothing is written into the app: the pass's tsconfig lives in the cache,
// and the compiler's file system is overlaid where the app lacks something.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { threadId } from "node:worker_threads";

// The CLI's own rule for which files are modules: code files, no dotfiles, no
// second dot (`*.test.ts`), nothing under _generated/ or node_modules/.
const MODULE_FILE = /^[^.]+\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/;

export function listModules(functionsDir) {
  const modules = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith(".") || entry.name === "node_modules" || entry.name === "_generated") continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (MODULE_FILE.test(entry.name) && !entry.name.endsWith(".d.ts")) modules.push(full);
    }
  };
  walk(functionsDir);
  return modules;
}

const hash = (text) => createHash("sha256").update(text).digest("hex").slice(0, 16);

function generatedFiles(generatedDir) {
  const files = new Map();
  if (!existsSync(generatedDir)) return files;
  for (const name of readdirSync(generatedDir)) files.set(name, path.join(generatedDir, name));
  return files;
}

/**
 * Where the app's `_generated` files are: null when the app has its own,
 * else a cache folder holding files generated for it. The full codegen types
 * `api` from the modules; apps that install components need a deployment for
 * that, so they get the initial codegen (`api` typed as AnyApi) instead.
 */
function generateIntoCache({ appRoot, functionsDir, modules, cacheDir, codegenScript, toolchain, warnings }) {
  const own = path.join(functionsDir, "_generated");
  const hasOwn = ["server.d.ts", "server.ts"].some((name) => existsSync(path.join(own, name)));
  if (hasOwn) return null;
  const stamp = modules.map((file) => `${path.relative(functionsDir, file)}:${statSync(file).mtimeMs}`).join("|");
  const out = path.join(cacheDir, "generated", hash([functionsDir, stamp].join("|")));
  if (existsSync(path.join(out, "server.d.ts")) || existsSync(path.join(out, "server.ts"))) return out;
  const tmp = `${out}.tmp-${process.pid}`;
  for (const extra of [[], ["--initial"]]) {
    rmSync(tmp, { recursive: true, force: true });
    const run = spawnSync(process.execPath, [codegenScript, "--app", appRoot, "--functions", functionsDir, "--out", tmp, ...extra], {
      cwd: toolchain,
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    if (run.status === 0) {
      rmSync(out, { recursive: true, force: true });
      renameSync(tmp, out);
      if (extra.length) warnings.push("_generated/ was generated without types for `api` (the app installs components), so calls through api.* are not type-checked");
      return out;
    }
    if (extra.length) {
      warnings.push(`the app has no _generated/ folder and generating one failed, so Convex types are missing: ${(run.stderr || run.stdout).trim().split("\n")[0]}`);
    }
  }
  return null;
}

// What the compiler assumes where the app's tsconfig says nothing: the
// options of the tsconfig the Convex CLI writes into a new functions folder,
// and every installed @types package, as TypeScript 5 did by default
// (typeRoots, computed per app, says where they are).
const DEFAULT_OPTIONS = {
  target: "esnext", module: "esnext", moduleResolution: "bundler", strict: true, jsx: "react-jsx",
  allowJs: true, checkJs: false, skipLibCheck: true, allowSyntheticDefaultImports: true, esModuleInterop: true,
  lib: ["es2023", "dom"], types: ["*"],
};

// What an option TypeScript 7 removed becomes, so the rest of an older app's
// tsconfig (paths, lib, strictness) still applies: null unsets it.
const REMOVED_OPTION_REPLACEMENTS = {
  moduleResolution: { moduleResolution: "bundler", module: "esnext" },
  baseUrl: { baseUrl: null },
  downlevelIteration: { downlevelIteration: null },
  outFile: { outFile: null },
  target: { target: "es2015" },
  module: { module: "esnext", moduleResolution: "bundler" },
  esModuleInterop: { esModuleInterop: true },
  allowSyntheticDefaultImports: { allowSyntheticDefaultImports: true },
  alwaysStrict: { alwaysStrict: true },
};

/** Replacements for the removed options the compiler's messages name (`Option 'x' has been removed`, `Option 'x=y' ...`). */
function replacementsFor(messages) {
  const replaced = {};
  for (const message of messages) {
    for (const [, name] of message.matchAll(/'(\w+)(?:=[^']*)?'/g)) Object.assign(replaced, REMOVED_OPTION_REPLACEMENTS[name]);
  }
  return replaced;
}

/**
 * The pass's own tsconfig, written into the cache (never into the app) under
 * a name made from its contents; it names the app's files by absolute path.
 */
function writeConfig(cacheDir, contents) {
  const text = JSON.stringify(contents);
  const file = path.join(cacheDir, "tsconfig", `${hash(text)}.json`);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}-${threadId}`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  }
  return file;
}

function ancestors(dir) {
  const found = [];
  for (let cur = path.resolve(dir); ; cur = path.dirname(cur)) {
    found.push(cur);
    if (path.dirname(cur) === cur) return found;
  }
}

// A package name an import names: `convex/server` -> convex, `@scope/pkg/sub` -> @scope/pkg.
const BARE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']((?:@[\w.-]+\/)?[\w.-]+)[^"']*["']/gm;

/**
 * Whether every package the app's modules import (and convex, which its
 * `_generated` imports) is installed where the app can resolve it, so the
 * guide's packages are not needed behind them. Node's built-in modules are
 * declared by @types/node, which typeRoots covers.
 */
function resolvesOwnPackages(functionsDir, modules) {
  const packages = new Set(["convex"]);
  for (const file of modules) {
    for (const [, name] of readFileSync(file, "utf8").matchAll(BARE_IMPORT)) {
      if (!name.startsWith("node:") && !builtinModules.includes(name)) packages.add(name);
    }
  }
  const roots = ancestors(functionsDir).map((dir) => path.join(dir, "node_modules"));
  return [...packages].every((name) => roots.some((root) => existsSync(path.join(root, name))
    || existsSync(path.join(root, "@types", name.startsWith("@") ? name.slice(1).replace("/", "__") : name))));
}

/** The app's tsconfig the CLI would use: the functions folder's own (the CLI writes one), else the app's. */
function appTsconfig(appRoot, functionsDir) {
  return [functionsDir, appRoot].map((dir) => path.join(dir, "tsconfig.json")).find((file) => existsSync(file));
}

/**
 * The compiler's view of the file system, as callbacks it asks before the
 * disk (undefined: ask the disk): the cached `_generated` shown inside the
 * functions folder, and the guide's packages behind the last place a package
 * is looked for (`/node_modules`), so a package the app has installed always wins.
 */
function overlay({ ownGenerated, virtualGenerated, fallbackModules }) {
  const generatedTarget = (file) => (virtualGenerated.size && path.dirname(file) === ownGenerated ? virtualGenerated.get(path.basename(file)) : undefined);
  const fallbackTarget = (file) => (file === "/node_modules" || file.startsWith("/node_modules/") ? path.join(fallbackModules, file.slice("/node_modules".length)) : undefined);
  const entries = (dir) => {
    try {
      const found = { files: [], directories: [] };
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const isDir = entry.isDirectory() || (entry.isSymbolicLink() && statSync(path.join(dir, entry.name), { throwIfNoEntry: false })?.isDirectory());
        (isDir ? found.directories : found.files).push(entry.name);
      }
      return found;
    } catch {
      return { files: [], directories: [] };
    }
  };
  return {
    readFile(file) {
      const target = generatedTarget(file) ?? fallbackTarget(file);
      if (target === undefined) return undefined;
      return existsSync(target) ? readFileSync(target, "utf8") : null;
    },
    fileExists(file) {
      const target = generatedTarget(file) ?? fallbackTarget(file);
      return target === undefined ? undefined : existsSync(target) && statSync(target).isFile();
    },
    directoryExists(dir) {
      if (virtualGenerated.size && dir === ownGenerated) return true;
      const target = fallbackTarget(dir);
      return target === undefined ? undefined : existsSync(target) && statSync(target).isDirectory();
    },
    getAccessibleEntries(dir) {
      if (virtualGenerated.size && dir === ownGenerated) return { files: [...virtualGenerated.keys()], directories: [] };
      const target = fallbackTarget(dir);
      return target === undefined ? undefined : entries(target);
    },
    realpath(file) {
      // A guide package is known by its real place, as when it resolves from the guide itself.
      const target = fallbackTarget(file);
      if (target === undefined) return undefined;
      try {
        return realpathSync(target);
      } catch {
        return file;
      }
    },
  };
}

/**
 * What both compiler processes of a pass open the app with, found once (plain
 * data): its modules, its `_generated` files generated into the cache when it
 * has none, whether it needs the file-system overlay, and where its @types are.
 */
export function prepareApp({ appRoot, functionsDir, cacheDir, codegenScript, toolchain }) {
  const warnings = [];
  const modules = listModules(functionsDir);
  const generatedDir = generateIntoCache({ appRoot, functionsDir, modules, cacheDir, codegenScript, toolchain, warnings });
  // The overlay costs a request to this process for every file the compiler
  // looks at (~0.3 s on the reference app): only apps that need it get it.
  const needsOverlay = Boolean(generatedDir) || !resolvesOwnPackages(functionsDir, modules);
  // Where `types: ["*"]` finds @types packages: the app's, then the guide's
  // (the last place packages are looked for, as in the overlay).
  const typeRoots = [...ancestors(functionsDir).map((dir) => path.join(dir, "node_modules", "@types")), path.join(toolchain, "node_modules", "@types")]
    .filter((dir) => existsSync(dir));
  return { modules, warnings, generatedDir, needsOverlay, typeRoots };
}

/**
 * Opens the program over the app's modules, with `_generated` and packages
 * resolved as described above. Returns the API (close it when done), the
 * project (program and checker), and what the caller needs to know about it.
 */
export function openAppProgram(ts, config, prepared = prepareApp(config)) {
  const { appRoot, functionsDir, toolchain } = config;
  const { modules, generatedDir, needsOverlay, typeRoots } = prepared;
  const warnings = [...prepared.warnings];

  const appConfig = appTsconfig(appRoot, functionsDir);
  const fallbackModules = path.join(toolchain, "node_modules");
  const defaults = writeConfig(config.cacheDir, { compilerOptions: { ...DEFAULT_OPTIONS, typeRoots } });
  const open = (extendApp, replacements = {}) => {
    const configFile = writeConfig(config.cacheDir, {
      extends: extendApp ? [defaults, appConfig] : [defaults],
      compilerOptions: { ...replacements, noEmit: true, skipLibCheck: true, allowJs: true },
      files: modules,
      include: [],
    });
    const api = new ts.API({
      cwd: functionsDir,
      fs: needsOverlay ? overlay({
        ownGenerated: path.join(functionsDir, "_generated"),
        virtualGenerated: generatedDir ? generatedFiles(generatedDir) : new Map(),
        fallbackModules,
      }) : undefined,
    });
    const project = api.updateSnapshot({ openProjects: [configFile] }).getProject(configFile);
    return { api, project };
  };
  let opened = open(Boolean(appConfig));
  const problems = appConfig ? configProblems(ts, opened.project) : [];
  if (problems.length) {
    // A tsconfig written for an older TypeScript: options 7 removed (moduleResolution "node",
    // baseUrl, target "es5", ...) are replaced and the rest kept; a tsconfig that still does not
    // work (it does not parse, an extended file is missing) gives way to the CLI's defaults.
    const rel = path.relative(appRoot, appConfig).split(path.sep).join("/");
    const said = `TypeScript 7, which the static pass reads the app with, rejects it (${problems.slice(0, 3).join("; ")}${problems.length > 3 ? "; ..." : ""})`;
    const replacements = replacementsFor(problems);
    opened.api.close();
    opened = Object.keys(replacements).length ? open(true, replacements) : null;
    if (opened && !configProblems(ts, opened.project).length) {
      const how = Object.entries(replacements).map(([name, value]) => (value === null ? `${name} unset` : `${name} "${value}"`)).join(", ");
      warnings.push(`${rel}: ${said}; the static pass read the app with ${how} instead`);
    } else {
      opened?.api.close();
      warnings.push(`${rel}: ${said}; the static pass used the Convex CLI's default compiler options instead`);
      opened = open(false);
    }
  }
  return { ...opened, modules, warnings, generatedDir };
}

function configProblems(ts, project) {
  const program = project.program;
  // Not the global diagnostics: asking for them checks the whole program.
  return [...program.getConfigFileParsingDiagnostics(), ...program.getProgramDiagnostics()]
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => flattenDiagnosticText(d));
}

/** The static pass cannot run on this machine as installed: neither the app's fault nor a bug. */
export class SetupError extends Error {}

/**
 * The compiler's modules, from the guide's toolchain (the app's own typescript
 * is not used: the pass depends on this API): syntax-tree tests and enums under
 * the names TypeScript 5's API gave them, the API class, and the few helpers
 * the pass used from 5's API that 7's does not have.
 */
export async function loadTypeScript(toolchain) {
  const resolve = createRequire(path.join(toolchain, "package.json")).resolve;
  // The compiler itself is a binary in a package for each platform, installed beside it by npm.
  const binaryPackage = `@typescript/typescript-${process.platform}-${process.arch}`;
  try {
    createRequire(resolve("typescript-native/package.json")).resolve(`${binaryPackage}/package.json`);
  } catch {
    throw new SetupError(`TypeScript 7's compiler for this machine (${binaryPackage}) is not installed in ${toolchain}: `
      + "run `make install` (npm ci in snippets/ installs it; an install without optional packages leaves it out)");
  }
  const load = (name) => import(pathToFileURL(resolve(`typescript-native/${name}`)).href);
  const [ast, api] = await Promise.all([load("unstable/ast"), load("unstable/sync")]);
  return {
    ...ast,
    API: api.API,
    TypeFlags: api.TypeFlags,
    SymbolFlags: api.SymbolFlags,
    DiagnosticCategory: api.DiagnosticCategory,
    forEachChild: (node, visit) => node.forEachChild(visit),
    isStringLiteralLike: (node) => ast.isStringLiteral(node) || ast.isNoSubstitutionTemplateLiteral(node),
    isTypeAssertionExpression: ast.isTypeAssertion,
    findAncestor: (node, test) => {
      for (let cur = node; cur; cur = cur.parent) if (test(cur)) return cur;
      return undefined;
    },
  };
}

/** `file:line:col: message` for a diagnostic in the app (the message alone when it has no file). */
export function diagnosticText(program, appRoot, diagnostic) {
  const message = flattenDiagnosticText(diagnostic);
  const file = diagnostic.fileName && program.getSourceFile(diagnostic.fileName);
  if (!file) return message;
  const { line, character } = file.getLineAndCharacterOfPosition(diagnostic.pos ?? 0);
  return `${path.relative(appRoot, diagnostic.fileName).split(path.sep).join("/")}:${line + 1}:${character + 1}: ${message}`;
}

/** A diagnostic's message with its chain of reasons, on one line. */
export function flattenDiagnosticText(diagnostic) {
  const parts = [];
  const walk = (d) => {
    parts.push(d.text);
    for (const next of d.messageChain ?? []) walk(next);
  };
  walk(diagnostic);
  return parts.join(" ");
}
