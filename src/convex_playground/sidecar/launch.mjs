// Starts the playground's sidecar (sidecar.mjs) from one bundle of its own code
// and the packages it uses (convex-test, convex, cron-parser, @sinonjs/fake-timers, ws).
//
// Loaded module by module, the sidecar spends most of its start-up on module
// resolution: a few hundred files, each resolved and loaded through the module
// hooks (hooks.mjs), which run on a thread of their own and answer over a
// message channel. One bundle is one file to load and needs no hooks: the change
// the hooks make to convex-test is made while bundling, by the same code.
//
// The bundle is built with the toolchain's esbuild on the first start and kept in
// the cache folder, keyed on the sidecar's files and the packages' versions, so an
// edited sidecar or an updated package gets a new bundle. The bundle has no source
// map: Node would read it and measure every line of the bundle at start-up, and map
// each stack trace taken while the app's auth config loads (which auth.mjs takes
// for every environment variable read); so frames inside the sidecar name the
// bundle. If bundling fails, the sidecar starts as before, module by module with
// the hooks.
//
//   node --enable-source-maps launch.mjs <the sidecar's arguments>
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { createRequire, register } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { patchConvexTest } from "./hooks.mjs";

// Bump when the way the bundle is built changes.
const BUNDLE_VERSION = 1;
const SIDECAR_DIR = path.dirname(fileURLToPath(import.meta.url));
const ENTRY = path.join(SIDECAR_DIR, "sidecar.mjs");
// The packages bundled in; esbuild itself stays a package the loader requires at run time.
const PACKAGES = ["convex", "convex-test", "cron-parser", "@sinonjs/fake-timers", "luxon", "ws"];

const toolchain = process.env.CONVEX_PLAYGROUND_TOOLCHAIN;
const argument = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(path.join(toolchain, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
}

/** A key that changes with any sidecar file, any bundled package's version, or Node's version. */
function bundleKey() {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ BUNDLE_VERSION, node: process.version, toolchain, packages: PACKAGES.map(packageVersion) }));
  for (const name of readdirSync(SIDECAR_DIR).sort()) {
    if (name.endsWith(".mjs") || name.endsWith(".json")) hash.update(name).update(readFileSync(path.join(SIDECAR_DIR, name)));
  }
  hash.update(readFileSync(path.join(SIDECAR_DIR, "..", "identity_claims.json")));
  return hash.digest("hex").slice(0, 20);
}

// The sidecar's files find files next to them through import.meta.url (identity_claims.json,
// the codegen script); in the bundle it still names sidecar.mjs in its own folder.
const importMetaUrl = JSON.stringify(pathToFileURL(ENTRY).href);

/** esbuild plugin: convex-test's entry gets the playground's changes, as hooks.mjs makes them when not bundled. */
const patchConvexTestPlugin = {
  name: "convex-playground-patch-convex-test",
  setup(build) {
    build.onLoad({ filter: /[\\/]convex-test[\\/]dist[\\/]index\.js$/ }, (args) => ({
      contents: patchConvexTest(readFileSync(args.path, "utf8"), pathToFileURL(args.path).href),
      loader: "js",
    }));
  },
};

async function buildBundle(outFile) {
  const esbuild = createRequire(path.join(toolchain, "package.json"))("esbuild");
  const building = `${path.dirname(outFile)}.${process.pid}.tmp`;
  rmSync(building, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [ENTRY],
    outfile: path.join(building, path.basename(outFile)),
    bundle: true,
    platform: "node",
    format: "esm",
    target: `node${process.versions.node.split(".")[0]}`,
    nodePaths: [path.join(toolchain, "node_modules")],
    external: ["esbuild"],
    define: { "import.meta.url": importMetaUrl },
    // Packages written as CommonJS call require() for Node's own modules.
    banner: { js: 'import { createRequire as __playgroundCreateRequire } from "node:module";\nconst require = __playgroundCreateRequire(import.meta.url);' },
    logLevel: "silent",
    plugins: [patchConvexTestPlugin],
  });
  try {
    renameSync(building, path.dirname(outFile)); // atomic: two playgrounds starting at once do not see half a bundle
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error; // else another start built it first
  }
  // Bundles of older sidecars or packages are not used again (a running sidecar has already loaded its own).
  const bundles = path.dirname(path.dirname(outFile));
  for (const entry of readdirSync(bundles)) {
    if (entry !== path.basename(path.dirname(outFile)) && !entry.endsWith(".tmp")) rmSync(path.join(bundles, entry), { recursive: true, force: true });
  }
}

async function bundled() {
  if (!toolchain || process.env.CONVEX_PLAYGROUND_UNBUNDLED) return null;
  const cacheDir = argument("--cache");
  if (!cacheDir) return null;
  const outFile = path.resolve(cacheDir, "sidecar", bundleKey(), "sidecar.mjs");
  if (!existsSync(outFile)) {
    try {
      mkdirSync(path.dirname(path.dirname(outFile)), { recursive: true });
      await buildBundle(outFile);
    } catch (error) {
      process.stderr.write(`[playground] could not bundle the sidecar (${error.message}); starting it unbundled\n`);
      return null;
    }
  }
  return outFile;
}

const bundle = await bundled();
if (bundle) {
  globalThis[Symbol.for("convex-playground.sidecarBundle")] = bundle; // loader.mjs: not the app's code
  await import(pathToFileURL(bundle).href);
} else {
  await import("./register.mjs");
  await import("./sidecar.mjs");
}
