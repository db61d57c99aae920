// Changes the playground makes to convex-test's scheduler as its module loads
// (the scheduler is private to convex-test, so there is no API to reach it).
//
// Out of the box, convex-test runs each scheduled function from a setTimeout
// registered when the function is scheduled. The playground needs to decide
// itself when each one runs (on its own clock, one at a time, in due-time
// order) and to know how each run ended. So:
//
// 1. The timer of a scheduled function goes to a hook the playground installs
//    (scheduler.mjs), with the job's id, name, due time and a reader for its
//    `_scheduled_functions` document, instead of to setTimeout.
// 2. The timer's callback returns the promise of the run, so the playground can
//    wait for that one run (and not for every run in flight).
// 3. A failed run records its error message in the job's state, as a
//    deployment does ({kind: "failed", error}).
//
// Used by hooks.mjs, in Node's loader thread: keep this module free of imports.

export const SCHEDULED_FUNCTION_TIMER = Symbol.for("convex-playground.scheduledFunctionTimer");

const HOOK = `globalThis[Symbol.for(${JSON.stringify(SCHEDULED_FUNCTION_TIMER.description)})]`;

const PATCHES = [
  {
    why: "scheduled-function timers go to the playground's scheduler",
    find: "function frameworkSetTimeout(cb, ms) {",
    replace:
      "function frameworkSetTimeout(cb, ms, job) {\n" +
      `    if (job !== undefined && ${HOOK} !== undefined) return ${HOOK}(cb, ms, job);`,
  },
  {
    why: "the timer says which job it runs",
    find: "}, Math.max(0, tsInSecs * 1000 - Date.now()));",
    replace:
      "}, Math.max(0, tsInSecs * 1000 - Date.now()), {\n" +
      "                        jobId, name: functionPath.udfPath, componentPath, scheduledTime: tsInSecs * 1000,\n" +
      '                        read: () => db.get("_scheduled_functions", jobId) });',
  },
  {
    why: "the timer callback returns the run's promise",
    find: "scheduler.add(promise);",
    replace: "scheduler.add(promise);\n                        return promise;",
  },
  {
    why: "a failed run records its error message",
    find: 'state: { kind: "failed" },',
    replace: 'state: { kind: "failed", error: error instanceof Error ? error.message : String(error) },',
  },
];

/** convex-test's source with the playground's scheduler changes; throws if one no longer applies. */
export function patchConvexTestScheduler(source, url) {
  let patched = source;
  for (const { why, find, replace } of PATCHES) {
    const count = patched.split(find).length - 1;
    if (count !== 1) {
      throw new Error(`convex-test at ${url} has changed: the playground's scheduler change "${why}" expects ` +
        `${JSON.stringify(find)} once and found it ${count} times; convex_playground/sidecar/scheduler_hooks.mjs needs updating`);
    }
    patched = patched.replace(find, replace);
  }
  return patched;
}
