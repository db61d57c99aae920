// The playground's Node sidecar: runs one Convex app folder on convex-test and
// answers JSON requests, one per line on stdin, with one JSON line each on the
// file descriptor given by --answer-fd.
// (stdout and stderr stay free for anything the app or Node prints.)
//
// Started by convex_playground.Playground as
//   node --import tsx --import ./register.mjs sidecar.mjs --app APP_DIR --answer-fd N
import { existsSync, readdirSync, statSync, writeSync } from "node:fs";
import { createInterface } from "node:readline";
import { join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import FakeTimers from "@sinonjs/fake-timers";
import { convexTest } from "convex-test";
import { makeFunctionReference } from "convex/server";
import { convexToJson, jsonToConvex } from "convex/values";
import { measure } from "./instrument.mjs";

const bootStarted = performance.now();
const realNow = () => Math.round(performance.timeOrigin + performance.now());

// ---------------------------------------------------------------- arguments
const appDir = (() => {
  const at = process.argv.indexOf("--app");
  if (at === -1 || !process.argv[at + 1]) throw new Error("usage: sidecar.mjs --app APP_DIR");
  return process.argv[at + 1];
})();
const enforceLimits = !process.argv.includes("--no-limits");
const answerFdAt = process.argv.indexOf("--answer-fd");
const answerFd = answerFdAt === -1 ? 3 : Number(process.argv[answerFdAt + 1]);
const convexDir = join(appDir, "convex");

// ---------------------------------------------------------------- module discovery
// Which files are modules follows the Convex CLI: code files under convex/,
// not type declarations, not tests or other files with extra dots in the name.
const CODE_FILE = /^[^.]+\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/;
const NOT_FUNCTIONS = new Set(["schema", "auth.config"]);

function listFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith(".") || entry === "node_modules") continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...listFiles(path));
    else found.push(path);
  }
  return found;
}

function discoverModules() {
  if (!existsSync(convexDir)) throw new Error(`${appDir} has no convex/ folder: it is not a Convex app`);
  const files = listFiles(convexDir);
  const generated = files.filter((file) => relative(convexDir, file).startsWith(`_generated${sep}`));
  if (!generated.some((file) => /[\\/]_generated[\\/](api|server)\.js$/.test(file))) {
    throw new Error(`${convexDir}/_generated is missing api.js/server.js: run \`npx convex codegen\` (or commit _generated)`);
  }
  const glob = {};
  const functionModules = [];
  for (const file of files) {
    const base = file.split(sep).pop();
    const isGenerated = generated.includes(file);
    if (!isGenerated && !CODE_FILE.test(base)) continue;
    if (isGenerated && !/\.js$/.test(base)) continue;
    glob[file] = () => import(pathToFileURL(file).href);
    const modulePath = relative(convexDir, file).replace(/\.[^.]+$/, "").split(sep).join("/");
    if (!isGenerated && !NOT_FUNCTIONS.has(modulePath)) functionModules.push({ file, modulePath });
  }
  return { glob, functionModules };
}

function kindOf(exported) {
  if (typeof exported !== "function" && typeof exported !== "object") return null;
  if (exported?.isQuery) return "query";
  if (exported?.isMutation) return "mutation";
  if (exported?.isAction) return "action";
  if (exported?.isHttp) return "httpAction";
  return null;
}

async function buildCatalog(functionModules) {
  const catalog = new Map();
  for (const { file, modulePath } of functionModules) {
    let module;
    try {
      module = await import(pathToFileURL(file).href);
    } catch (error) {
      throw new Error(`could not load convex/${relative(convexDir, file)}: ${error?.stack ?? error}`);
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

function safeJson(read) {
  try {
    return read();
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- the backend
const { glob, functionModules } = discoverModules();
const schemaFile = Object.keys(glob).find((file) => /[\\/]convex[\\/]schema\.[^.\\/]+$/.test(file) && !file.includes("_generated"));
const schema = schemaFile ? (await import(pathToFileURL(schemaFile).href)).default : undefined;
const catalog = await buildCatalog(functionModules);

const newBackend = () => convexTest({ schema, modules: glob, transactionLimits: enforceLimits });
let t = newBackend();

// Scheduled functions run on convex-test's timers. The clock is fake so that a
// notebook decides when they run: it follows real time between requests, and
// jumps ahead only when asked to advance.
const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"], now: realNow() });
let clockOffsetMs = 0;
const syncClock = () => clock.setSystemTime(realNow() + clockOffsetMs);

// ---------------------------------------------------------------- logs
let logSink = null;
for (const level of ["log", "info", "warn", "error", "debug"]) {
  const original = console[level].bind(console);
  console[level] = (...args) => {
    if (logSink) logSink.push({ level, message: format(...args) });
    else original(...args);
  };
}

// ---------------------------------------------------------------- helpers
class RequestError extends Error {
  constructor(kind, message, extra = {}) {
    super(message);
    this.kind = kind;
    this.extra = extra;
  }
}

const toJson = (value) => convexToJson(value === undefined ? null : value);

function describeError(error, functionName) {
  if (error instanceof RequestError) return { kind: error.kind, message: error.message, function: functionName, ...error.extra };
  if (error && error[Symbol.for("ConvexError")]) {
    return { kind: "ConvexError", message: error.message, data: toJson(error.data ?? null), function: functionName };
  }
  const message = error instanceof Error ? error.message : String(error);
  let kind = "FunctionError";
  if (/^ArgumentValidationError|Validator error|does not match validator|Object is missing the required field|Object contains extra field/i.test(message)) {
    kind = /ReturnsValidationError|return value/i.test(message) ? "ReturnsValidationError" : "ArgumentValidationError";
  }
  return { kind, message, function: functionName, stack: error instanceof Error ? error.stack : undefined };
}

function normaliseName(name) {
  if (typeof name !== "string" || name.length === 0) throw new RequestError("BadRequest", "a function name must be a non-empty string");
  const [module, exportName] = name.includes(":") ? name.split(":", 2) : [name, "default"];
  const modulePath = module.replace(/\.(ts|js)$/, "");
  return exportName === "default" ? modulePath : `${modulePath}:${exportName}`;
}

const PLURAL = { query: "queries", mutation: "mutations", action: "actions" };

function resolveFunction(name, kind, admin) {
  const canonical = normaliseName(name);
  const entry = catalog.get(canonical);
  if (entry === undefined || (!admin && entry.visibility === "internal")) {
    const visible = [...catalog.values()].filter((fn) => admin || fn.visibility === "public");
    const known = visible.filter((fn) => fn.kind === kind).map((fn) => fn.name).sort();
    const why = entry === undefined
      ? `There is no function "${name}" in this app.`
      : `"${name}" is an internal function: clients cannot call it, as on a real deployment (use pg.admin() to call it).`;
    throw new RequestError(entry === undefined ? "UnknownFunction" : "InternalFunction", `${why} Public ${PLURAL[kind]}: ${known.join(", ") || "(none)"}.`, {
      known: visible.map((fn) => fn.name).sort(),
    });
  }
  if (entry.kind !== kind) {
    throw new RequestError("WrongKind", `"${name}" is a ${entry.kind}, not a ${kind}: call it with .${entry.kind}(...).`);
  }
  return entry;
}

const accessorFor = (identity) => (identity ? t.withIdentity(identity) : t);

async function runObserved(fn) {
  const logs = [];
  const previous = logSink;
  logSink = logs;
  const started = performance.now();
  try {
    const outcome = await measure(fn);
    return { ...outcome, logs, durationMs: performance.now() - started };
  } finally {
    logSink = previous;
  }
}

// ---------------------------------------------------------------- subscriptions
// A live query re-runs only when a committed write touches what it read: see subscriptions.mjs.
import { describeLiveQueries, refreshTouched, rerunAs, runTracked, withLateUpdates } from "./subscriptions.mjs";

const subscriptions = new Map(); // id -> { name, args, identity, last, readSet, runs }

async function runSubscription(sub) {
  const ref = makeFunctionReference(sub.name);
  const { value, error } = await measure(() => accessorFor(sub.identity).query(ref, sub.args));
  return error === undefined ? { value: toJson(value) } : { error: describeError(error, sub.name) };
}

const evaluateSubscription = (sub) => runTracked(sub, runSubscription);

/** Re-runs the subscribed queries that writes committed since the last refresh touched; reports the changed results. */
const refreshSubscriptions = () => refreshTouched(subscriptions, runSubscription);

// ---------------------------------------------------------------- scheduler
async function scheduledFunctions() {
  return t.run((ctx) => ctx.db.system.query("_scheduled_functions").collect());
}

async function runDue(advanceMs) {
  const before = new Map((await scheduledFunctions()).map((job) => [job._id, job.state.kind]));
  if (advanceMs > 0) {
    clockOffsetMs += advanceMs;
    await clock.tickAsync(advanceMs);
  }
  // Functions that run may schedule more with runAfter(0): keep going until
  // nothing due is left, with a bound against a function that reschedules itself.
  // A timer set while timers fire is due 1 ms later (fake-timers' rule for a
  // zero delay), so each further round moves the clock on by that millisecond.
  for (let round = 0; round < 100; round++) {
    await clock.tickAsync(round === 0 ? 0 : 1);
    if (round > 0) clockOffsetMs += 1;
    await t.finishInProgressScheduledFunctions();
    const now = Date.now();
    const due = (await scheduledFunctions()).filter((job) => job.state.kind === "pending" && job.scheduledTime <= now);
    if (due.length === 0) break;
  }
  const after = await scheduledFunctions();
  return after
    .filter((job) => before.get(job._id) !== job.state.kind && job.state.kind !== "pending")
    .map((job) => ({ id: job._id, name: job.name, args: toJson(job.args[0] ?? {}), state: job.state.kind, error: job.state.error ?? null, scheduledTime: job.scheduledTime }));
}

// ---------------------------------------------------------------- admin table access
const SEED_CHUNK = 4000; // stays under the 16,000 documents-written limit per transaction

const tableOps = {
  async insert({ table, documents }) {
    const ids = [];
    for (let i = 0; i < documents.length; i += SEED_CHUNK) {
      const chunk = documents.slice(i, i + SEED_CHUNK).map(jsonToConvex);
      ids.push(...(await t.run(async (ctx) => Promise.all(chunk.map((doc) => ctx.db.insert(table, doc))))));
    }
    return ids;
  },
  list: ({ table, limit }) => t.run((ctx) => (limit ? ctx.db.query(table).take(limit) : ctx.db.query(table).collect())),
  get: ({ id }) => t.run((ctx) => ctx.db.get(id)),
  patch: ({ id, fields }) => t.run((ctx) => ctx.db.patch(id, jsonToConvex(fields))),
  replace: ({ id, document }) => t.run((ctx) => ctx.db.replace(id, jsonToConvex(document))),
  delete: ({ id }) => t.run((ctx) => ctx.db.delete(id)),
  count: ({ table }) => t.run(async (ctx) => (await ctx.db.query(table).collect()).length),
};

// ---------------------------------------------------------------- requests
const handlers = {
  async hello() {
    return {
      functions: [...catalog.values()],
      tables: schema ? Object.keys(schema.tables) : [],
      startupMs: performance.now() - bootStarted,
      node: process.version,
    };
  },

  async call({ kind, name, args, identity, admin }) {
    const entry = resolveFunction(name, kind, Boolean(admin));
    syncClock();
    const ref = makeFunctionReference(entry.name);
    const outcome = await runObserved(() => accessorFor(identity)[kind](ref, jsonToConvex(args ?? {})));
    const updates = kind === "query" ? [] : await refreshSubscriptions();
    const report = { metrics: outcome.metrics, logs: outcome.logs, durationMs: outcome.durationMs, updates, function: entry.name };
    if (outcome.error !== undefined) return { ...report, error: describeError(outcome.error, entry.name) };
    return { ...report, value: toJson(outcome.value) };
  },

  async subscribe({ subId, name, args, identity }) {
    const entry = resolveFunction(name, "query", false);
    syncClock();
    const sub = { name: entry.name, args: jsonToConvex(args ?? {}), identity };
    const result = await evaluateSubscription(sub);
    sub.last = JSON.stringify(result);
    subscriptions.set(subId, sub);
    return result;
  },

  async unsubscribe({ subId }) {
    subscriptions.delete(subId);
    return {};
  },

  async advance({ ms }) {
    if (typeof ms !== "number" || ms < 0 || !Number.isFinite(ms)) throw new RequestError("BadRequest", `advance needs a number of milliseconds >= 0, got ${ms}`);
    syncClock();
    const outcome = await runObserved(() => runDue(ms));
    if (outcome.error !== undefined) throw outcome.error;
    return { ran: outcome.value, logs: outcome.logs, metrics: outcome.metrics, updates: await refreshSubscriptions(), now: Date.now() };
  },

  async scheduled() {
    syncClock();
    return { jobs: toJson((await scheduledFunctions()).map(({ _id, name, args, scheduledTime, state }) => ({ id: _id, name, args: args[0] ?? {}, scheduledTime, state: state.kind }))) };
  },

  async table({ action, ...args }) {
    const run = tableOps[action];
    if (!run) throw new RequestError("BadRequest", `unknown table operation "${action}"`);
    syncClock();
    const value = await run(args);
    const updates = ["list", "get", "count"].includes(action) ? [] : await refreshSubscriptions();
    return { value: toJson(value), updates };
  },

  async http({ method, path, headers, body }) {
    syncClock();
    const outcome = await runObserved(() => t.fetch(path, { method, headers, body: body ?? undefined }));
    if (outcome.error !== undefined) return { error: describeError(outcome.error, `HTTP ${method} ${path}`), logs: outcome.logs };
    const response = outcome.value;
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      body: await response.text(),
      logs: outcome.logs,
      metrics: outcome.metrics,
      durationMs: outcome.durationMs,
      updates: await refreshSubscriptions(),
    };
  },

  // For `make bench`: the same call made `count` times straight on convex-test,
  // inside Node, without the JSON round trip, to compare with calls from Python
  // (as the same identity, so both sides pay for it).
  async bench({ kind, name, args, count, identity }) {
    const entry = resolveFunction(name, kind, true);
    const ref = makeFunctionReference(entry.name);
    const input = jsonToConvex(args ?? {});
    const timings = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await accessorFor(identity)[kind](ref, input);
      timings.push(performance.now() - started);
    }
    await refreshSubscriptions();
    return { timings };
  },

  async reset() {
    t = newBackend();
    subscriptions.clear();
    return {};
  },
};

Object.assign(handlers, {
  async liveQueries() {
    return { queries: describeLiveQueries(subscriptions) };
  },

  // A client's set_auth / clear_auth / set_admin_auth: its live queries run again as the new identity.
  async reauth({ subIds, identity }) {
    return { updates: await rerunAs(subscriptions, subIds ?? [], identity ?? null, runSubscription) };
  },
});

// Whatever a request committed reaches the live queries it touched, whether or
// not its handler refreshed them itself.
for (const [op, handler] of Object.entries(handlers)) {
  handlers[op] = async (...args) => withLateUpdates(await handler(...args), await refreshSubscriptions());
}

// ---------------------------------------------------------------- the loop
// Answers are written synchronously: a write stream would first hand each one to
// libuv's thread pool, which adds a thread switch to every call.
const out = {
  write(text) {
    const bytes = Buffer.from(text);
    for (let written = 0; written < bytes.length; ) written += writeSync(answerFd, bytes, written);
  },
};
const reply = (message) => out.write(JSON.stringify(message) + "\n");

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("close", () => process.exit(0)); // the Python side went away: so do we

let queue = Promise.resolve();
lines.on("line", (line) => {
  queue = queue.then(async () => {
    let request;
    try {
      request = JSON.parse(line);
    } catch {
      reply({ id: null, ok: false, error: { kind: "BadRequest", message: "request is not JSON" } });
      return;
    }
    const handler = handlers[request.op];
    try {
      if (!handler) throw new RequestError("BadRequest", `unknown op "${request.op}"`);
      reply({ id: request.id, ok: true, result: await handler(request.args ?? {}) });
    } catch (error) {
      reply({ id: request.id, ok: false, error: describeError(error, request.args?.name ?? null) });
    }
  });
});
reply({ id: 0, ok: true, result: { ready: true } });
