// Node module hooks for the playground sidecar.
//
// 1. resolve: the sidecar's own files live outside any node_modules. When a bare
//    specifier ("convex-test") cannot be found from the importing file, it is
//    resolved again from the playground's toolchain folder (the guide's snippets/).
//    (The app's own imports are resolved when loader.mjs bundles it.)
// 2. load: convex-test keeps its in-memory database class private. The
//    playground needs it to count the documents a `.filter()` scan reads (as a
//    real deployment does), so the module is loaded with one extra export line.
//    Its scheduler is changed so that the playground's clock drives it
//    (scheduler_hooks.mjs).

import { patchConvexTestScheduler } from "./scheduler_hooks.mjs";

let fallbackParent;

export async function initialize(data) {
  fallbackParent = data.fallbackParent;
}

const isBare = (specifier) =>
  !specifier.startsWith(".") && !specifier.startsWith("/") && !/^[a-z]+:/i.test(specifier);

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND" || !isBare(specifier) || !fallbackParent) {
      throw error;
    }
    return nextResolve(specifier, { ...context, parentURL: fallbackParent });
  }
}

const CONVEX_TEST_ENTRY = /\/convex-test\/dist\/index\.js$/;
const EXTRA_EXPORTS = "\nexport { DatabaseFake as __playgroundDatabaseFake };\n";

/** convex-test's entry module with the playground's changes (also applied when launch.mjs bundles it). */
export function patchConvexTest(source, url) {
  if (!source.includes("class DatabaseFake")) {
    throw new Error(`convex-test at ${url} no longer defines DatabaseFake; the playground's read counting needs updating`);
  }
  return patchConvexTestScheduler(source, url) + EXTRA_EXPORTS;
}

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (!CONVEX_TEST_ENTRY.test(url)) {
    return result;
  }
  const source = typeof result.source === "string" ? result.source : Buffer.from(result.source).toString("utf8");
  return { ...result, source: patchConvexTest(source, url), shortCircuit: true };
}
