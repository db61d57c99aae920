// The TypeScript program the static pass reads a Convex app through.
//
// It holds every module of the app's functions folder, typed the way the
// Convex CLI types them: `_generated/` from the app when it has one, else
// generated into a cache outside the app by the guide's
// snippets/tools/codegen.mjs and shown to the compiler as if it were in the
// app (so `../schema.js` imports inside it still resolve); packages from the
// app's own node_modules when they resolve there, else from the guide's.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";

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

function compilerOptions(ts, appRoot, functionsDir, warnings) {
  const defaults = {
    target: ts.ScriptTarget.ESNext,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    jsx: ts.JsxEmit.ReactJSX,
    allowJs: true,
    checkJs: false,
    skipLibCheck: true,
    allowSyntheticDefaultImports: true,
    esModuleInterop: true,
    lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
  };
  // The functions folder's own tsconfig (the CLI writes one), else the app's.
  for (const dir of [functionsDir, appRoot]) {
    const file = path.join(dir, "tsconfig.json");
    if (!existsSync(file)) continue;
    const read = ts.readConfigFile(file, ts.sys.readFile);
    if (read.error) {
      warnings.push(`${file}: not readable as a tsconfig, using default compiler options`);
      break;
    }
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dir, undefined, file);
    return { ...defaults, ...parsed.options };
  }
  return defaults;
}

/** The program over the app's modules, with `_generated` and packages resolved as described above. */
export function createAppProgram(ts, { appRoot, functionsDir, cacheDir, codegenScript, toolchain }) {
  const warnings = [];
  const modules = listModules(functionsDir);
  const generatedDir = generateIntoCache({ appRoot, functionsDir, modules, cacheDir, codegenScript, toolchain, warnings });
  const virtualGenerated = generatedDir ? generatedFiles(generatedDir) : new Map();
  const ownGenerated = path.join(functionsDir, "_generated");
  // `<functions>/_generated/x` -> the cached file, when the app has no _generated.
  const redirect = (file) => {
    if (!virtualGenerated.size || path.dirname(file) !== ownGenerated) return file;
    return virtualGenerated.get(path.basename(file)) ?? file;
  };
  const options = { ...compilerOptions(ts, appRoot, functionsDir, warnings), noEmit: true, skipLibCheck: true, allowJs: true };
  const host = ts.createCompilerHost(options, true);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (file) => fileExists(redirect(file));
  host.readFile = (file) => readFile(redirect(file));
  host.directoryExists = (dir) => (virtualGenerated.size && dir === ownGenerated) || ts.sys.directoryExists(dir);
  // JSDoc is parsed only where it carries types (JavaScript files): most of
  // the parse time of the packages' .d.ts files goes into comments otherwise.
  host.getSourceFile = (file, languageVersion, onError, shouldCreate) => {
    const options = typeof languageVersion === "object" ? languageVersion : { languageVersion };
    const withJsDoc = { ...options, jsDocParsingMode: ts.JSDocParsingMode.ParseForTypeInfo };
    const real = redirect(file);
    if (real === file) return getSourceFile(file, withJsDoc, onError, shouldCreate);
    const text = readFile(real);
    return text === undefined ? undefined : ts.createSourceFile(file, text, withJsDoc, true);
  };
  // Packages the app's own node_modules lack come from the guide's toolchain.
  // One resolution cache for the program: without it every import re-reads package.json files.
  const fallbackFrom = path.join(toolchain, "package.json");
  const cache = ts.createModuleResolutionCache(host.getCurrentDirectory(), (name) => name, options);
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, opts) =>
    literals.map((literal) => {
      const name = literal.text;
      const found = ts.resolveModuleName(name, containingFile, opts, host, cache, redirected);
      if (found.resolvedModule || name.startsWith(".") || path.isAbsolute(name)) return found;
      return ts.resolveModuleName(name, fallbackFrom, opts, host, cache);
    });
  const program = ts.createProgram({ rootNames: modules, options, host });
  return { program, modules, warnings, generatedDir };
}
