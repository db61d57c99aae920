// Loads a Convex app folder for the playground the way the Convex CLI bundles
// it for a deployment, so that any app that deploys also loads here.
//
// - Modules: the CLI's rules (npm-packages/convex/src/bundler/index.ts,
//   entryPoints): code files under the functions folder, skipping _generated/,
//   schema, dotfiles, names with more than one dot, paths with spaces, and
//   folders that hold a nested component (convex.config.ts).
// - Bundling: esbuild with the CLI's options (ESM, esnext, conditions
//   "convex" and "module", NODE_ENV production, splitting with shared chunks
//   so schema and _generated are one module instance). Modules are bundled for
//   Convex's runtime (platform browser) unless they start with "use node"
//   (platform node). Packages are bundled too, from the nearest node_modules
//   of the importing file; a package the app does not have is borrowed from
//   the playground's toolchain, after checking the version the app's
//   package.json asks for. Bundles go to a cache folder, never into the app,
//   with source maps so errors point at the app's own file:line.
// - _generated/: when an app has none (it is often git-ignored), the files
//   `npx convex dev` writes before its first push are generated with
//   snippets/tools/codegen.mjs into the cache, and imports of
//   <functions>/_generated/* are redirected there.
// - Components: convex.config.ts is bundled with every imported component
//   definition tagged with its folder (as the CLI's component plugin does), and
//   each installed component's folder is bundled like an app's, for
//   convex-test's registerComponent.
//
// Anything the app gets wrong is an AppLoadError whose message starts with
// `file:line:column: `.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// Bump when the bundling changes, so that old caches are not reused.
const LOADER_VERSION = 1;
const CODEGEN_SCRIPT = fileURLToPath(new URL("../../../snippets/tools/codegen.mjs", import.meta.url));
const BUILTINS = new Set(builtinModules);

export class AppLoadError extends Error {
  /** @param {string} message @param {{ file?: string, line?: number, column?: number }} [where] */
  constructor(message, where = {}) {
    super(message);
    this.name = "AppLoadError";
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}

// ---------------------------------------------------------------- discovery

const ENTRY_EXTENSIONS = [".js", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".jsx"];
const MUST_BE_ISOLATE = new Set(["http", "crons", "schema", "auth.config"]);
const USE_NODE = /^\s*("|')use node("|');?\s*$/m;

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new AppLoadError(`${file}: ${error.message}`, { file });
  }
}

/** Files under `dir`, sorted, skipping folders that define a nested component. */
function walk(dir, skipDir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "node_modules" || skipDir(full)) continue;
      found.push(...walk(full, skipDir));
    } else if (entry.isFile()) {
      found.push(full);
    }
  }
  return found;
}

/** The modules of a functions folder: [{ file, modulePath, environment }]. */
function discoverModules(functionsDir, appRoot) {
  const isNestedComponent = (dir) => existsSync(path.join(dir, "convex.config.ts"));
  const modules = [];
  for (const file of walk(functionsDir, isNestedComponent)) {
    const relPath = path.relative(functionsDir, file);
    const base = path.basename(file);
    if (relPath.startsWith(`_deps${path.sep}`)) {
      throw new AppLoadError(`${path.relative(appRoot, file)}: the "_deps" folder is reserved by Convex for dependencies; move this code elsewhere`, { file });
    }
    if (!ENTRY_EXTENSIONS.some((ext) => relPath.endsWith(ext))) continue;
    if (relPath.startsWith(`_generated${path.sep}`) || base.startsWith(".") || base.startsWith("#")) continue;
    if (base === "schema.ts" || base === "schema.js") continue;
    if ((base.match(/\./g) || []).length > 1 || relPath.includes(" ")) continue;
    const source = readFileSync(file, "utf8");
    // The CLI skips TypeScript files that are not modules.
    if ((file.endsWith(".ts") || file.endsWith(".tsx")) && !/^\s{0,100}(import|export)/m.test(source)) continue;
    const modulePath = relPath.replace(/\.[^.]+$/, "").split(path.sep).join("/");
    const environment = source.includes("use node") && USE_NODE.test(source) ? "node" : "isolate";
    if (environment === "node" && MUST_BE_ISOLATE.has(modulePath)) {
      throw new AppLoadError(`${path.relative(appRoot, file)}:1:1: "use node" directive is not allowed for ${relPath} (Convex runs it in its own runtime)`, { file, line: 1 });
    }
    modules.push({ file, modulePath, environment });
  }
  return modules;
}

const findFile = (dir, base, extensions) => extensions.map((ext) => path.join(dir, base + ext)).find((file) => existsSync(file));

// ---------------------------------------------------------------- _generated

function convexVersion(toolchain) {
  return readJson(path.join(toolchain, "node_modules", "convex", "package.json")).version;
}

/**
 * The folder that holds this functions folder's _generated files: its own when
 * it has them, else files generated into the cache (or into the app's folder
 * when asked to write them).
 */
function generatedFolder({ appRoot, functionsDir, isRoot, fileType, cacheRoot, toolchain, writeGenerated }) {
  const own = path.join(functionsDir, "_generated");
  const has = (base) => findFile(own, base, [".js", ".ts"]) !== undefined;
  if (has("server") && has("api")) return own;
  const hasComponents = ["convex.config.ts", "convex.config.js"].some((name) => existsSync(path.join(functionsDir, name)));
  const hasSchema = ["schema.ts", "schema.js"].some((name) => existsSync(path.join(functionsDir, name)));
  let out = own;
  const args = [CODEGEN_SCRIPT, "--app", appRoot, "--functions", functionsDir];
  if (writeGenerated && isRoot) {
    if (hasComponents) args.push("--initial");
  } else {
    const key = hash([convexVersion(toolchain), fileType, isRoot, hasSchema, LOADER_VERSION].join("|")).slice(0, 16);
    out = path.join(cacheRoot, "generated", key);
    if (findFile(out, "server", [".js", ".ts"]) && findFile(out, "api", [".js", ".ts"])) return out;
    args.push("--out", `${out}.tmp-${process.pid}`, "--initial");
    if (!isRoot) args.push("--component");
  }
  const run = spawnSync(process.execPath, args, { cwd: toolchain, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
  if (run.status !== 0) {
    throw new AppLoadError(`${functionsDir}: it has no _generated/ folder and generating one failed:\n${run.stderr || run.stdout}`, { file: functionsDir });
  }
  if (out !== own) {
    const fresh = `${out}.tmp-${process.pid}`;
    const complete = () => findFile(out, "server", [".js", ".ts"]) && findFile(out, "api", [".js", ".ts"]);
    if (existsSync(out) && !complete()) rmSync(out, { recursive: true, force: true }); // left by an older loader
    try {
      renameSync(fresh, out);
    } catch {
      // Another playground (a parallel test worker) generated the same folder first:
      // keep theirs, which may already be in use, and drop ours.
      rmSync(fresh, { recursive: true, force: true });
    }
  }
  return out;
}

// ---------------------------------------------------------------- packages and versions

const packageNameOf = (specifier) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");

function nearestPackageJson(dir) {
  for (let current = dir; ; current = path.dirname(current)) {
    const file = path.join(current, "package.json");
    if (existsSync(file)) return file;
    if (path.dirname(current) === current) return null;
  }
}

function nearestNodeModules(dir) {
  for (let current = dir; ; current = path.dirname(current)) {
    if (existsSync(path.join(current, "node_modules"))) return path.join(current, "node_modules");
    if (path.dirname(current) === current) return null;
  }
}

const hasNodeModules = (dir) => nearestNodeModules(dir) !== null;

/** Changes when packages are installed or package.json changes, so bundles are made again. */
function packagesStamp(appRoot) {
  const nodeModules = nearestNodeModules(appRoot);
  const packageFile = nearestPackageJson(appRoot);
  return [
    nodeModules ? `${nodeModules}@${statSync(nodeModules).mtimeMs}` : "no node_modules",
    packageFile ? hash(readFileSync(packageFile)) : "no package.json",
  ].join("|");
}

/**
 * Packages the app imports but does not have, which the toolchain lends it,
 * checked against the ranges in the app's package.json.
 */
function checkBorrowedVersions(borrowed, { appRoot, toolchain }) {
  if (borrowed.size === 0) return;
  const packageFile = nearestPackageJson(appRoot);
  if (packageFile === null) return;
  const manifest = readJson(packageFile);
  const wanted = { ...manifest.peerDependencies, ...manifest.optionalDependencies, ...manifest.devDependencies, ...manifest.dependencies };
  const semver = createRequire(path.join(toolchain, "package.json"))("semver");
  const mismatches = [];
  for (const [name, importer] of borrowed) {
    const asked = wanted[name];
    if (typeof asked !== "string" || semver.validRange(asked) === null) continue;
    // An exact pin ("convex": "1.45.0", as many templates have) accepts a later
    // release that semver calls compatible: same major (same minor for 0.x).
    const range = semver.valid(asked) ? `^${asked}` : asked;
    const versionFile = path.join(toolchain, "node_modules", name, "package.json");
    const version = existsSync(versionFile) ? readJson(versionFile).version : null;
    if (version && !semver.satisfies(version, range, { includePrerelease: true })) {
      mismatches.push({ name, range: asked, version, importer });
    }
  }
  if (mismatches.length === 0) return;
  const lines = mismatches.map(({ name, range, version, importer }) =>
    `  ${name}: package.json asks for "${range}", the playground has ${version} (imported by ${path.relative(appRoot, importer)})`);
  const where = hasNodeModules(appRoot) ? "its node_modules lacks them" : "it has no node_modules";
  // Point at the first mismatched dependency's line in package.json.
  const packageLines = readFileSync(packageFile, "utf8").split("\n");
  const line = 1 + Math.max(0, packageLines.findIndex((text) => text.includes(`"${mismatches[0].name}"`)));
  const column = 1 + Math.max(0, packageLines[line - 1].indexOf(`"${mismatches[0].name}"`));
  throw new AppLoadError(
    `${path.relative(appRoot, packageFile) || "package.json"}:${line}:${column}: this app needs package versions the playground does not have, and ${where}:\n` +
      `${lines.join("\n")}\nRun \`npm install\` in ${appRoot} and start the playground again: it uses the app's own node_modules when there is one.`,
    { file: packageFile, line, column },
  );
}

// ---------------------------------------------------------------- esbuild plugins

/** Redirects <functions>/_generated/* to generated files when the app has none. */
function generatedRedirectPlugin(functionsDir, generatedDir) {
  const own = path.join(functionsDir, "_generated");
  return {
    name: "playground-generated",
    setup(build) {
      if (generatedDir === own) return;
      build.onResolve({ filter: /_generated/ }, (args) => {
        if (args.pluginData?.playgroundInner) return undefined;
        const target = path.resolve(args.resolveDir, args.path);
        if (path.dirname(target) !== own) return undefined;
        const base = path.basename(target).replace(/\.(js|ts|mjs)$/, "");
        const file = findFile(generatedDir, base, [".ts", ".js"]);
        return file ? { path: file } : undefined;
      });
    },
  };
}

// Marks a resolution made from inside one of these plugins, which every plugin
// here leaves to esbuild (else each would call the other without end).
const INNER = { playgroundInner: true };

/**
 * Resolves a bare import from the importer's nearest node_modules, else from
 * the toolchain's, recording what the app borrows (for the version check).
 */
async function resolvePackage(build, args, { toolchain, borrowed }) {
  const options = { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: INNER };
  const own = await build.resolve(args.path, options);
  if (own.errors.length === 0) return own;
  const fromToolchain = await build.resolve(args.path, { ...options, resolveDir: toolchain });
  if (fromToolchain.errors.length > 0) return own;
  const name = packageNameOf(args.path);
  if (!args.importer.includes(`${path.sep}node_modules${path.sep}`)) borrowed.set(name, borrowed.get(name) ?? args.importer);
  return fromToolchain;
}

/**
 * Bare imports, resolved by resolvePackage. "use node" modules may keep
 * convex.json's node.externalPackages out of the bundle, as the CLI does.
 */
function packagesPlugin({ toolchain, borrowed, externalPackages, platform }) {
  return {
    name: "playground-packages",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData?.playgroundInner || args.kind === "entry-point" || path.isAbsolute(args.path)) return undefined;
        const name = packageNameOf(args.path);
        if (BUILTINS.has(args.path.replace(/^node:/, "")) || BUILTINS.has(name) || args.path.startsWith("node:")) {
          // Node's own modules: the node build keeps them external; the isolate build
          // lets esbuild refuse them, unless Convex's runtime provides them.
          if (platform === "browser" && /^(node:)?async_hooks$/.test(args.path)) return { path: args.path, external: true };
          return undefined;
        }
        const result = await resolvePackage(build, args, { toolchain, borrowed });
        if (result.errors.length > 0) return { errors: result.errors };
        if (platform === "node" && (externalPackages.includes("*") || externalPackages.includes(name))) {
          return { path: result.path, external: true };
        }
        return result;
      });
    },
  };
}

/** Tags each imported component definition with its folder, as the CLI's component plugin does. */
function componentDefinitionsPlugin(rootDir, packages) {
  return {
    name: "playground-component-definitions",
    setup(build) {
      build.onResolve({ filter: /convex\.config/ }, async (args) => {
        if (args.kind === "entry-point" || args.namespace === "playground-component" || args.pluginData?.playgroundInner) return undefined;
        const resolved = /^[./]/.test(args.path)
          ? await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: INNER })
          : await resolvePackage(build, args, packages);
        if (resolved.errors.length > 0 || !/convex\.config\.[cm]?[jt]s$/.test(resolved.path)) return undefined;
        if (path.dirname(resolved.path) === rootDir) return undefined;
        return { path: resolved.path, namespace: "playground-component" };
      });
      build.onLoad({ filter: /.*/, namespace: "playground-component" }, (args) => ({
        contents: `import definition from ${JSON.stringify(args.path)};\n` +
          `export default Object.assign(definition, { componentDefinitionPath: ${JSON.stringify(path.dirname(args.path))}, ` +
          `defaultName: definition.defaultName ?? definition._name });\n`,
        resolveDir: path.dirname(args.path),
        loader: "js",
      }));
    },
  };
}

// ---------------------------------------------------------------- bundling

function hash(text) {
  return createHash("sha256").update(text).digest("hex");
}

function describeEsbuildFailure(error, appRoot) {
  const messages = error?.errors ?? [];
  if (messages.length === 0) return error;
  const [first] = messages;
  // esbuild names files relative to absWorkingDir, the app's root.
  const file = first.location ? path.resolve(appRoot, first.location.file) : undefined;
  const shown = file ? path.relative(appRoot, file) : null;
  const hints = [];
  if (first.notes?.some((note) => /bundle for node|built into node/i.test(note.text))) {
    hints.push(`add "use node" as the first line of ${shown ?? "this module"} to run it in Convex's Node.js runtime (https://docs.convex.dev/functions/runtimes#nodejs-runtime)`);
  }
  const missingPackage = /^Could not resolve "([^./][^"]*)"$/.exec(first.text)?.[1];
  if (missingPackage && hints.length === 0) {
    const name = packageNameOf(missingPackage);
    hints.push(hasNodeModules(appRoot)
      ? `"${name}" is not installed: add it to package.json and run \`npm install\` in ${appRoot}`
      : `"${name}" is not installed and the app has no node_modules: run \`npm install\` in ${appRoot}`);
  }
  const head = first.location ? `${shown}:${first.location.line}:${first.location.column + 1}: ${first.text}` : first.text;
  const rest = messages.slice(1, 5).map((m) => (m.location ? `${path.relative(appRoot, path.resolve(appRoot, m.location.file))}:${m.location.line}:${m.location.column + 1}: ${m.text}` : m.text));
  const context = first.location?.lineText ? [`    ${first.location.lineText}`] : [];
  return new AppLoadError([head, ...context, ...hints, ...rest].join("\n"), { file, line: first.location?.line, column: first.location ? first.location.column + 1 : undefined });
}

let esbuildModule;
async function loadEsbuild(toolchain) {
  esbuildModule ??= createRequire(path.join(toolchain, "package.json"))("esbuild");
  return esbuildModule;
}

/** Bundles one component's (or the app's) modules: an isolate build and, if needed, a node build. */
async function bundleFolder({ esbuild, appRoot, folder, outdir, toolchain, borrowed, externalPackages }) {
  const { modules, generatedDir, schemaFile } = folder;
  const generatedEntries = ["api", "server"].map((base) => ({ in: findFile(generatedDir, base, [".js", ".ts"]), out: `_generated/${base}` }));
  const byEnvironment = { isolate: [...generatedEntries], node: [] };
  if (schemaFile) byEnvironment.isolate.push({ in: schemaFile, out: "schema" });
  // Not a module the CLI pushes as functions, but bundled (as bundleAuthConfig does) for who reads it.
  if (folder.authConfigFile) byEnvironment.isolate.push({ in: folder.authConfigFile, out: "auth.config" });
  for (const module of modules) byEnvironment[module.environment].push({ in: module.file, out: module.modulePath });
  const inputs = new Set();
  for (const [environment, entryPoints] of Object.entries(byEnvironment)) {
    if (entryPoints.length === 0) continue;
    const platform = environment === "node" ? "node" : "browser";
    let result;
    try {
      result = await esbuild.build({
        entryPoints,
        bundle: true,
        platform,
        format: "esm",
        target: "esnext",
        jsx: "automatic",
        outdir: path.join(outdir, environment),
        outExtension: { ".js": ".mjs" },
        conditions: ["convex", "module"],
        splitting: true,
        chunkNames: "_deps/[hash]",
        sourcemap: "linked",
        sourcesContent: false,
        keepNames: true,
        define: { "process.env.NODE_ENV": '"production"' },
        // A "use node" module may require() Node's modules; ESM output has no require of its own.
        banner: platform === "node" ? { js: 'import { createRequire as __playgroundCreateRequire } from "node:module";\nconst require = __playgroundCreateRequire(import.meta.url);' } : undefined,
        metafile: true,
        logLevel: "silent",
        absWorkingDir: appRoot,
        plugins: [
          generatedRedirectPlugin(folder.dir, generatedDir),
          packagesPlugin({ toolchain, borrowed, externalPackages, platform }),
        ],
      });
    } catch (error) {
      throw describeEsbuildFailure(error, appRoot);
    }
    for (const input of Object.keys(result.metafile.inputs)) {
      if (!input.includes(":")) inputs.add(path.resolve(appRoot, input));
    }
  }
  const files = {};
  for (const [environment, entryPoints] of Object.entries(byEnvironment)) {
    for (const entry of entryPoints) files[entry.out] = path.join(outdir, environment, `${entry.out}.mjs`);
  }
  return { files, inputs };
}

async function bundleConfig({ esbuild, appRoot, configFile, outdir, toolchain, borrowed }) {
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [{ in: configFile, out: "convex.config" }],
      bundle: true,
      platform: "browser",
      format: "esm",
      target: "esnext",
      outdir,
      outExtension: { ".js": ".mjs" },
      conditions: ["convex", "module"],
      sourcemap: "linked",
      sourcesContent: false,
      metafile: true,
      logLevel: "silent",
      absWorkingDir: appRoot,
      plugins: [
        componentDefinitionsPlugin(path.dirname(configFile), { toolchain, borrowed }),
        packagesPlugin({ toolchain, borrowed, externalPackages: [], platform: "browser" }),
      ],
    });
  } catch (error) {
    throw describeEsbuildFailure(error, appRoot);
  }
  return { file: path.join(outdir, "convex.config.mjs"), inputs: Object.keys(result.metafile.inputs).filter((input) => !input.includes(":")).map((input) => path.resolve(appRoot, input)) };
}

// ---------------------------------------------------------------- import errors

const SIDECAR_DIR = path.dirname(fileURLToPath(import.meta.url));

/** The first stack frame in the app's own code, mapped to its source by --enable-source-maps. */
function appFrame(error) {
  const stack = typeof error?.stack === "string" ? error.stack : "";
  for (const match of stack.matchAll(/(?:\(|at )((?:file:\/\/)?\/[^():\s]+):(\d+):(\d+)\)?/g)) {
    const file = match[1].startsWith("file://") ? fileURLToPath(match[1]) : match[1];
    if (file.includes(`${path.sep}node_modules${path.sep}`) || file.startsWith(SIDECAR_DIR)) continue;
    if (file === globalThis[Symbol.for("convex-playground.sidecarBundle")]) continue; // the sidecar, bundled (launch.mjs)
    return { file, line: Number(match[2]), column: Number(match[3]) };
  }
  return null;
}

export function importFailure(error, appRoot, modulePath) {
  if (error instanceof AppLoadError) return error;
  const frame = appFrame(error);
  const message = `${error?.name && error.name !== "Error" ? `${error.name}: ` : ""}${error?.message ?? error}`;
  if (frame === null) return new AppLoadError(`${modulePath}: ${message}`);
  return new AppLoadError(`${path.relative(appRoot, frame.file)}:${frame.line}:${frame.column}: ${message}`, frame);
}

// ---------------------------------------------------------------- the cache

function fingerprint(file) {
  try {
    if (file.includes(`${path.sep}node_modules${path.sep}`)) {
      const stat = statSync(file);
      return `${stat.size}:${stat.mtimeMs}`;
    }
    return hash(readFileSync(file));
  } catch {
    return "missing";
  }
}

const planKey = (plan) => hash(JSON.stringify(plan));

function readManifest(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

function manifestStillValid(manifest, key, componentPlans) {
  if (manifest === null || manifest.key !== key) return false;
  for (const component of manifest.components) {
    const plan = componentPlans(component);
    if (plan === null || planKey(plan) !== component.key) return false;
  }
  return Object.entries(manifest.inputs).every(([file, print]) => fingerprint(file) === print);
}

function removeOldBuilds(appCache, keep) {
  const hourAgo = Date.now() - 3600_000;
  for (const entry of readdirSync(appCache)) {
    if (!entry.startsWith("build-") || entry === keep) continue;
    const full = path.join(appCache, entry);
    try {
      if (statSync(full).mtimeMs < hourAgo) rmSync(full, { recursive: true, force: true });
    } catch {
      // another playground removed it first
    }
  }
}

/** Drops the caches of apps whose folder is gone (temporary copies, mostly). */
function removeAbandonedApps(cacheDir) {
  for (const entry of readdirSync(cacheDir)) {
    const manifest = readManifest(path.join(cacheDir, entry, "manifest.json"));
    if (manifest?.functionsDir && !existsSync(manifest.functionsDir)) {
      rmSync(path.join(cacheDir, entry), { recursive: true, force: true });
    }
  }
}

// ---------------------------------------------------------------- the app

const toGlob = (files) => {
  const glob = {};
  for (const [out, file] of Object.entries(files)) {
    const url = pathToFileURL(file).href;
    // convex-test imports a module on every call; with module hooks registered each
    // import() is a round trip to the hooks thread, so the first one is kept.
    let module;
    glob[`convex/${out}.js`] = () => (module ??= import(url));
  }
  return glob;
};

/**
 * @param {{ appRoot: string, functionsDir: string, cacheDir: string, toolchain: string, writeGenerated: boolean }} options
 * @returns {Promise<{ schema: any, glob: object, functionModules: {file: string, modulePath: string, output: string}[],
 *                     components: { path: string, schema: any, glob: object }[],
 *                     importModule: (modulePath: string) => Promise<object | null> }>}
 */
export async function loadApp({ appRoot, functionsDir, cacheDir, toolchain, writeGenerated }) {
  if (!existsSync(functionsDir)) throw new AppLoadError(`${functionsDir}: the functions folder does not exist`, { file: functionsDir });
  const configPath = path.join(appRoot, "convex.json");
  const config = existsSync(configPath) ? readJson(configPath) : {};
  const fileType = config.codegen?.fileType ?? "js/dts";
  const externalPackages = config.node?.externalPackages ?? [];
  const appCache = path.join(cacheDir, hash(functionsDir).slice(0, 16));
  mkdirSync(appCache, { recursive: true });

  const planFolder = (dir, isRoot) => {
    if (!existsSync(dir)) return null;
    return {
      dir,
      generatedDir: generatedFolder({ appRoot, functionsDir: dir, isRoot, fileType, cacheRoot: cacheDir, toolchain, writeGenerated }),
      schemaFile: findFile(dir, "schema", [".ts", ".js"]) ?? null,
      authConfigFile: isRoot ? findFile(dir, "auth.config", [".ts", ".js"]) ?? null : null,
      modules: discoverModules(dir, appRoot),
    };
  };
  const rootPlan = planFolder(functionsDir, true);
  const configFile = findFile(functionsDir, "convex.config", [".ts", ".js"]) ?? null;
  const key = planKey({ LOADER_VERSION, rootPlan, configFile, externalPackages, toolchain, packages: packagesStamp(appRoot) });
  const manifestFile = path.join(appCache, "manifest.json");
  const componentPlans = (component) => planFolder(component.dir, false);
  let manifest = readManifest(manifestFile);

  if (!manifestStillValid(manifest, key, componentPlans)) {
    const esbuild = await loadEsbuild(toolchain);
    const build = `build-${Date.now()}-${process.pid}`;
    const outdir = path.join(appCache, build);
    const borrowed = new Map();
    const inputs = new Set();
    const components = [];
    if (configFile) {
      const bundled = await bundleConfig({ esbuild, appRoot, configFile, outdir: path.join(outdir, "config"), toolchain, borrowed });
      bundled.inputs.forEach((input) => inputs.add(input));
      let app;
      try {
        app = (await import(pathToFileURL(bundled.file).href)).default;
      } catch (error) {
        throw importFailure(error, appRoot, path.relative(appRoot, configFile));
      }
      const visit = (definition, parentPath) => {
        for (const [name, child] of definition?._childComponents ?? []) {
          const componentPath = parentPath ? `${parentPath}/${name}` : name;
          components.push({ path: componentPath, dir: child.componentDefinitionPath });
          visit(child, componentPath);
        }
      };
      visit(app, "");
    }
    const folders = [];
    for (const component of components) {
      const plan = componentPlans(component);
      const outputs = await bundleFolder({ esbuild, appRoot, folder: plan, outdir: path.join(outdir, "components", hash(component.path).slice(0, 12)), toolchain, borrowed, externalPackages });
      outputs.inputs.forEach((input) => inputs.add(input));
      folders.push({ ...component, key: planKey(plan), files: outputs.files, hasSchema: plan.schemaFile !== null });
    }
    const rootOutputs = await bundleFolder({ esbuild, appRoot, folder: rootPlan, outdir: path.join(outdir, "app"), toolchain, borrowed, externalPackages });
    rootOutputs.inputs.forEach((input) => inputs.add(input));
    checkBorrowedVersions(borrowed, { appRoot, toolchain });
    const printed = {};
    for (const input of inputs) printed[input] = fingerprint(input);
    const files = configFile ? { ...rootOutputs.files, "convex.config": path.join(outdir, "config", "convex.config.mjs") } : rootOutputs.files;
    manifest = { key, build, functionsDir, files, hasSchema: rootPlan.schemaFile !== null, components: folders, inputs: printed };
    writeFileSync(`${manifestFile}.tmp-${process.pid}`, JSON.stringify(manifest));
    renameSync(`${manifestFile}.tmp-${process.pid}`, manifestFile);
    removeOldBuilds(appCache, build);
    removeAbandonedApps(cacheDir);
  }

  const importSchema = async (files, hasSchema, where) => {
    if (!hasSchema) return undefined;
    try {
      return (await import(pathToFileURL(files.schema).href)).default;
    } catch (error) {
      throw importFailure(error, appRoot, where);
    }
  };
  const components = [];
  for (const component of manifest.components) {
    const glob = toGlob(component.files);
    // Imported now, not at a first call: load errors surface at start, and a
    // later cleanup of old builds cannot pull files from under a running app.
    for (const [key, load] of Object.entries(glob)) {
      try {
        await load();
      } catch (error) {
        throw importFailure(error, appRoot, `component ${component.path}: ${key}`);
      }
    }
    components.push({ path: component.path, schema: await importSchema(component.files, component.hasSchema, component.dir), glob });
  }
  const outputs = manifest.files;
  // Config files are bundled for whoever reads them, but are not modules convex-test may call.
  const functionOutputs = Object.fromEntries(Object.entries(outputs).filter(([out]) => !["convex.config", "auth.config"].includes(out)));
  return {
    schema: await importSchema(outputs, manifest.hasSchema, "schema"),
    glob: toGlob(functionOutputs),
    functionModules: rootPlan.modules.map(({ file, modulePath }) => ({ file, modulePath, output: outputs[modulePath] })),
    components,
    /**
     * A configuration module ("auth.config", "convex.config") as its source file (for messages) and
     * its bundle (to import, again after an environment change), or null if the app has none.
     */
    configModule: (modulePath) => {
      const source = modulePath === "auth.config" ? rootPlan.authConfigFile : modulePath === "convex.config" ? configFile : null;
      return source && outputs[modulePath] ? { source, output: outputs[modulePath] } : null;
    },
    /** The bundled module at a module path ("crons", "auth.config", "convex.config"), or null if the app has none. */
    importModule: (modulePath) => (outputs[modulePath] ? import(pathToFileURL(outputs[modulePath]).href) : Promise.resolve(null)),
  };
}

// ---------------------------------------------------------------- the function catalog

function kindOf(exported) {
  if (typeof exported !== "function" && typeof exported !== "object") return null;
  if (exported?.isQuery) return "query";
  if (exported?.isMutation) return "mutation";
  if (exported?.isAction) return "action";
  if (exported?.isHttp) return "httpAction";
  return null;
}

function safeJson(read) {
  try {
    return read();
  } catch {
    return null;
  }
}

/** Every public and internal function of the app's modules, by name. */
export async function buildCatalog(functionModules, appRoot) {
  const catalog = new Map();
  for (const { file, modulePath, output } of functionModules) {
    let module;
    try {
      module = await import(pathToFileURL(output).href);
    } catch (error) {
      throw importFailure(error, appRoot, path.relative(appRoot, file));
    }
    for (const [exportName, exported] of Object.entries(module)) {
      const kind = kindOf(exported);
      if (kind === null || kind === "httpAction") continue;
      const name = exportName === "default" ? modulePath : `${modulePath}:${exportName}`;
      catalog.set(name, {
        name,
        kind,
        visibility: exported.isInternal ? "internal" : "public",
        args: safeJson(() => JSON.parse(exported.exportArgs())),
        returns: safeJson(() => JSON.parse(exported.exportReturns())),
      });
    }
  }
  return catalog;
}
