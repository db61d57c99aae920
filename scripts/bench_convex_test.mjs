// For `make bench` (scripts/bench.py): the round-trip benchmark's calls made on
// plain convex-test, in a Node process of its own, with nothing the playground
// adds to convex-test (value limits, read sets, per-call metrics, search ranking),
// so that the playground's cost is measured against what a convex-test user runs.
//
// The app is bundled by the playground's loader (the same bundle the playground
// runs) and started with the playground's module hooks, which only resolve
// packages from the toolchain folder and export convex-test's database class
// (none of the playground's patches is imported here).
//
//   CONVEX_PLAYGROUND_TOOLCHAIN=snippets node --import .../sidecar/register.mjs bench_convex_test.mjs JSON
//
// JSON: { app, functions, cache, toolchain, seed: {table: [doc]}, identity, warmup, count,
//         cases: [{kind, name, args}] } with documents and arguments as Convex JSON.
// Each case runs twice: with a new `t.withIdentity(identity)` accessor per call, and
// with one accessor made once and reused (as a test that names its user once does).
// Prints one JSON line: per case, {perCall, reused}, each {ms: [one per call], cpuMs: CPU per call}.
import { convexTest } from "convex-test";
import { makeFunctionReference } from "convex/server";
import { jsonToConvex } from "convex/values";
import { loadApp } from "../src/convex_playground/sidecar/loader.mjs";

const { app, functions, cache, toolchain, seed, identity, warmup, count, cases } = JSON.parse(process.argv[2]);
const loaded = await loadApp({ appRoot: app, functionsDir: functions, cacheDir: cache, toolchain, writeGenerated: false });
const t = convexTest({ schema: loaded.schema, modules: loaded.glob, transactionLimits: true });
await t.run(async (ctx) => {
  for (const [table, documents] of Object.entries(seed)) {
    for (const document of documents) await ctx.db.insert(table, jsonToConvex(document));
  }
});

// The functions' console output is kept in memory, as the playground keeps it for
// each call's record, rather than written to a pipe (which would slow this side).
const print = console.log.bind(console);
const kept = [];
for (const level of ["log", "info", "warn", "error", "debug"]) console[level] = (...args) => kept.push(args);

const results = [];
for (const { kind, name, args } of cases) {
  const ref = makeFunctionReference(name);
  const input = jsonToConvex(args);
  const reusedAccessor = identity ? t.withIdentity(identity) : t;
  const accessors = {
    perCall: () => (identity ? t.withIdentity(identity) : t),
    reused: () => reusedAccessor,
  };
  const result = {};
  for (const [variant, accessor] of Object.entries(accessors)) {
    const call = () => accessor()[kind](ref, input);
    for (let i = 0; i < warmup; i++) await call();
    const ms = [];
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < count; i++) {
      kept.length = 0;
      const started = performance.now();
      await call();
      ms.push(performance.now() - started);
    }
    const cpu = process.cpuUsage(cpuBefore);
    result[variant] = { ms, cpuMs: (cpu.user + cpu.system) / 1000 / count };
  }
  results.push(result);
}
print(JSON.stringify(results));
