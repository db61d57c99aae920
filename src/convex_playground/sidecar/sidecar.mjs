// The playground's Node sidecar: runs one Convex app folder on convex-test and
// answers JSON requests, one per line on stdin, with one JSON line each on the
// file descriptor given by --answer-fd; notices nobody asked for go to --event-fd.
// (stdout and stderr stay free for anything the app or Node prints.)
//
// Started by convex_playground.Playground as
//   node --enable-source-maps launch.mjs --app APP_DIR --functions DIR --cache DIR --answer-fd N --event-fd M
// (launch.mjs runs this module from a bundle, or with ./register.mjs's hooks.)
// The app itself is bundled and loaded by loader.mjs.
import { writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import { convexTest } from "convex-test";
import { makeFunctionReference } from "convex/server";
import { convexToJson, jsonToConvex } from "convex/values";
import { readCrons } from "./crons.mjs";
import { measure } from "./instrument.mjs";
import { createScheduler } from "./scheduler.mjs";
import { adminDatabase, guardFunctionValues, installValueLimits, withoutFunctionLimits } from "./limits.mjs";
import { loadAuthConfig } from "./auth.mjs";
import { appVariablesFromLauncher, checkDeclared, declaredVariables, installAppEnvironment, setVariable } from "./environment.mjs";
import { allowRefusedIdentities, runHttpAction, serveRequestsAt } from "./http_actions.mjs";
import { LoopbackServer } from "./server.mjs";
import { FileStorage } from "./storage.mjs";
import { AppLoadError, buildCatalog, loadApp } from "./loader.mjs";
import { createProtocolBackend, serveHttpApi } from "./client_protocol.mjs";
import { takeTurn } from "./lock.mjs";
import { createWatchdog } from "./time_limit.mjs";
import { freshIdentities, identityAccessors, rememberValidators } from "./per_call.mjs";
import { readLines } from "./framing.mjs";
import { onCommittedWrites } from "./subscriptions.mjs";
import { dropCommittedWrites, hasCommittedWrites } from "./readsets.mjs";
import { afterReset as resetSyncConnections, hasConnections as hasSyncConnections, onWrites as onSyncWrites, serveSync } from "./sync.mjs";

const bootStarted = performance.now();
const canonicalNames = new Map(); // normaliseName(): a name as called -> its canonical form (an app calls few names)

// ---------------------------------------------------------------- arguments
const appDir = (() => {
  const at = process.argv.indexOf("--app");
  if (at === -1 || !process.argv[at + 1]) throw new Error("usage: sidecar.mjs --app APP_DIR");
  return process.argv[at + 1];
})();
const enforceLimits = !process.argv.includes("--no-limits");
if (enforceLimits) installValueLimits();
const answerFdAt = process.argv.indexOf("--answer-fd");
const answerFd = answerFdAt === -1 ? 3 : Number(process.argv[answerFdAt + 1]);
const eventFdAt = process.argv.indexOf("--event-fd");
const eventFd = eventFdAt === -1 ? answerFd : Number(process.argv[eventFdAt + 1]);
const optionValue = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const toolchain = process.env.CONVEX_PLAYGROUND_TOOLCHAIN; // read before process.env becomes the app's

// A start-up error (the environment, a module, the config) is the first answer, so that Python can say which file and line.
function failStartup(error) {
  const known = error instanceof AppLoadError;
  writeSync(answerFd, JSON.stringify({ id: 0, ok: false, error: {
    kind: "AppLoadError", message: known ? error.message : String(error?.message ?? error), file: error?.file ?? null, line: error?.line ?? null,
  } }) + "\n");
  process.exit(1);
}

// ---------------------------------------------------------------- environment and loopback URLs
// The server listens before any app code runs, so that CONVEX_SITE_URL and
// CONVEX_CLOUD_URL are known; then process.env becomes the app's alone.
const loopback = new LoopbackServer();
const urls = await loopback.listen();
try {
  installAppEnvironment(appVariablesFromLauncher(), urls);
} catch (error) {
  failStartup(error);
}

// ---------------------------------------------------------------- the backend
let loaded;
let catalog;
let declaredEnv;
let authConfig;
let auth;
try {
  loaded = await loadApp({
    appRoot: appDir,
    functionsDir: optionValue("--functions") ?? `${appDir}/convex`,
    cacheDir: optionValue("--cache") ?? join(tmpdir(), "convex-playground"),
    toolchain,
    writeGenerated: process.argv.includes("--write-generated"),
  });
  catalog = await buildCatalog(loaded.functionModules, appDir);
  if (enforceLimits) {
    for (const { output, modulePath } of loaded.functionModules) guardFunctionValues(await import(pathToFileURL(output).href), modulePath);
  }
  for (const { output } of loaded.functionModules) rememberValidators(await import(pathToFileURL(output).href));
  const declared = await declaredVariables(loaded.configModule("convex.config"));
  declaredEnv = declared.declarations;
  checkDeclared(declaredEnv, process.env, declared.file && relative(appDir, declared.file));
  authConfig = loaded.configModule("auth.config");
  auth = await loadAuthConfig(authConfig);
} catch (error) {
  failStartup(error);
}
const { schema, glob } = loaded;

const newBackend = () => {
  const backend = convexTest({ schema, modules: glob, transactionLimits: enforceLimits });
  for (const component of loaded.components) backend.registerComponent(component.path, component.schema, component.glob);
  return backend;
};
let t = newBackend();

const cronsModule = loaded.functionModules.find(({ modulePath }) => modulePath === "crons");

/** The app's crons, checked as a deployment checks them when they are pushed. */
async function loadCrons() {
  if (cronsModule === undefined) return [];
  const where = relative(appDir, cronsModule.file);
  const crons = readCrons(await import(pathToFileURL(cronsModule.output).href), where)
    .map((cron) => ({ ...cron, args: jsonToConvex(cron.args) }));
  for (const cron of crons) {
    const kind = catalog.get(normaliseName(cron.functionName))?.kind;
    if (kind !== "mutation" && kind !== "action") {
      throw new Error(`${where}: cron "${cron.identifier}" calls ${cron.functionName}, which is not a mutation or action of this app`);
    }
  }
  return crons;
}
const cronJobs = await loadCrons().catch(failStartup);

// Files and HTTP actions on loopback (storage.mjs, http_actions.mjs).
const storage = new FileStorage(() => t);
storage.serveAt(urls.cloudUrl);
storage.addRoutes(loopback);
serveRequestsAt(urls.siteUrl);
await t.run(async (ctx) => {
  allowRefusedIdentities(Object.getPrototypeOf(ctx.auth));
  freshIdentities(Object.getPrototypeOf(ctx.auth));
  return null;
});
loopback.route("site", "*", /^\//, async (request) => {
  const { response, record } = await runHttpAction(request, httpEnvironment);
  notify({ event: "call", record, updates: await refreshSubscriptions() });
  return response;
});

// ---------------------------------------------------------------- logs
let logSink = null;
for (const level of ["log", "info", "warn", "error", "debug"]) {
  const original = console[level].bind(console);
  console[level] = (...args) => {
    if (logSink) logSink.push({ level, message: format(...args) });
    else original(...args);
  };
}

// ---------------------------------------------------------------- promises nobody awaited
// A function that does not await a database call (`ctx.db.patch(...)` alone) leaves a promise that may reject
// after the function returned. A deployment does not go down for it; neither does the playground (Node would
// end the process, and the database with it): the rejection is logged.
process.on("unhandledRejection", (reason) => {
  console.error(`a promise nobody awaited failed: ${reason instanceof Error ? reason.message : String(reason)}`);
});

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
  const known = canonicalNames.get(name);
  if (known !== undefined) return known;
  if (typeof name !== "string" || name.length === 0) throw new RequestError("BadRequest", "a function name must be a non-empty string");
  const [module, exportName] = name.includes(":") ? name.split(":", 2) : [name, "default"];
  const modulePath = module.replace(/\.(ts|js)$/, "");
  const canonical = exportName === "default" ? modulePath : `${modulePath}:${exportName}`;
  if (canonicalNames.size < 10_000) canonicalNames.set(name, canonical);
  return canonical;
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

const accessorFor = identityAccessors(() => t);

// (A plain function around measure(), which never rejects: one async layer fewer per call.)
function runObserved(fn) {
  const logs = [];
  const previous = logSink;
  logSink = logs;
  const started = performance.now();
  return measure(fn).then((outcome) => {
    logSink = previous;
    outcome.logs = logs;
    outcome.durationMs = performance.now() - started;
    return outcome;
  });
}

// What runHttpAction (http_actions.mjs) needs from the sidecar.
let httpRouter = null;
const httpEnvironment = {
  auth: () => auth,
  router: async () => (httpRouter ??= (await loaded.importModule("http"))?.default ?? null),
  accessorFor,
  observe: runObserved,
  toJson,
};

// ---------------------------------------------------------------- subscriptions
// A live query re-runs only when a committed write touches what it read: see subscriptions.mjs.
import { describeLiveQueries, nothingLive, refreshTouched, rerunAs, runTracked, withLateUpdates } from "./subscriptions.mjs";

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
// Scheduled functions and crons run on the playground's clock, when a request
// asks (advance); see scheduler.mjs.
const scheduler = createScheduler({
  observe: runObserved,
  functionKind: (name) => catalog.get(normaliseName(name))?.kind,
  runFunction: (kind, name, args) => t[kind](makeFunctionReference(normaliseName(name)), args),
  crons: () => cronJobs,
  failure: (message, functionName) => new RequestError("FunctionError", message, { function: functionName }),
});

const scheduledRunToJson = ({ args, ...run }) => ({ ...run, args: toJson(args) });

async function scheduledFunctions() {
  return t.run((ctx) => ctx.db.system.query("_scheduled_functions").collect());
}

// ---------------------------------------------------------------- admin table access
// The admin handle is not a function: its work runs without the per-transaction
// limits (see withoutFunctionLimits), so one insert seeds any number of rows,
// atomically, and count/list read whole tables. Bulk work goes straight to the
// database inside one transaction (still checked against the schema and the
// document limits), without serialising each document as a function would.
const tableScan = (table, limit) => ({ source: { type: "FullTableScan", tableName: table, order: "asc" }, operators: limit ? [{ limit }] : [] });

async function inAdminTransaction(work) {
  let result;
  await t.run(async () => {
    result = work(adminDatabase());
  });
  return result;
}

const tableOps = {
  insert: ({ table, documents }) => inAdminTransaction((db) => documents.map((doc) => db.insert(table, jsonToConvex(doc)))),
  list: ({ table, limit }) => inAdminTransaction((db) => db._evaluateQuery(tableScan(table, limit))),
  get: ({ id }) => t.run(async (ctx) => (await ctx.db.system.get(id).catch(() => null)) ?? ctx.db.get(id)),
  patch: ({ id, fields }) => t.run((ctx) => ctx.db.patch(id, jsonToConvex(fields))),
  replace: ({ id, document }) => t.run((ctx) => ctx.db.replace(id, jsonToConvex(document))),
  delete: ({ id }) => t.run((ctx) => ctx.db.delete(id)),
  count: ({ table }) => inAdminTransaction((db) => {
    let documents = 0;
    db._iterateDocs(table, () => (documents += 1));
    return documents;
  }),
};

// ---------------------------------------------------------------- requests
const handlers = {
  async hello() {
    return {
      functions: [...catalog.values()],
      tables: schema ? Object.keys(schema.tables) : [],
      startupMs: performance.now() - bootStarted,
      node: process.version,
      ...urls,
      auth,
    };
  },

  async call({ kind, name, args, identity, admin }) {
    const entry = resolveFunction(name, kind, Boolean(admin));
    const ref = makeFunctionReference(entry.name);
    const outcome = await runObserved(() => accessorFor(identity)[kind](ref, jsonToConvex(args ?? {})));
    let updates = [];
    if (kind !== "query" && hasCommittedWrites()) {
      // With no live query anywhere, the writes are dropped here, without a refresh's turn of the event loop.
      if (nothingLive(subscriptions)) dropCommittedWrites();
      else updates = await refreshSubscriptions();
    }
    const report = { metrics: outcome.metrics, logs: outcome.logs, durationMs: outcome.durationMs, updates, function: entry.name };
    if (outcome.error !== undefined) return { ...report, error: describeError(outcome.error, entry.name) };
    return { ...report, value: toJson(outcome.value) };
  },

  async subscribe({ subId, name, args, identity }) {
    const entry = resolveFunction(name, "query", false);
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

  async advance({ ms }, signal) {
    if (typeof ms !== "number" || ms < 0 || !Number.isFinite(ms)) throw new RequestError("BadRequest", `advance needs a number of milliseconds >= 0, got ${ms}`);
    const ran = await scheduler.advance(ms, signal);
    return { ran: ran.map(scheduledRunToJson), updates: await refreshSubscriptions(), now: scheduler.now() };
  },

  async clock({ action }) {
    if (action === "freeze") scheduler.freeze();
    else if (action === "unfreeze") scheduler.unfreeze();
    else if (action !== "read") throw new RequestError("BadRequest", `unknown clock action "${action}"`);
    return { now: scheduler.now() };
  },

  async crons() {
    return { crons: scheduler.crons().map(({ args, ...cron }) => ({ ...cron, args: toJson(args) })) };
  },

  async scheduled() {
    return { jobs: toJson((await scheduledFunctions()).map(({ _id, name, args, scheduledTime, state }) => ({ id: _id, name, args: args[0] ?? {}, scheduledTime, state: state.kind, error: state.error ?? null }))) };
  },

  async table({ action, ...args }) {
    const run = tableOps[action];
    if (!run) throw new RequestError("BadRequest", `unknown table operation "${action}"`);
    const value = await withoutFunctionLimits(() => run(args));
    const updates = ["list", "get", "count"].includes(action) ? [] : await refreshSubscriptions();
    return { value: toJson(value), updates };
  },

  async http({ method, path, headers, body }) {
    if (typeof path !== "string" || !path.startsWith("/")) throw new RequestError("BadRequest", `fetch() needs a path starting with "/", got ${JSON.stringify(path)}`);
    const url = new URL(path, urls.siteUrl);
    const lowerHeaders = Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]));
    const request = { method, path: url.pathname, search: url.search, headers: lowerHeaders, body: Buffer.from(body ?? "", "base64") };
    const { response, record } = await runHttpAction(request, httpEnvironment);
    const updates = await refreshSubscriptions();
    return { status: response.status, headers: response.headers, body: response.body.toString("base64"), record, updates };
  },

  async env() {
    return { env: { ...process.env } };
  },

  async setEnv({ name, value }) {
    try {
      setVariable(declaredEnv, name, value ?? null);
    } catch (error) {
      throw new RequestError("BadRequest", error.message);
    }
    auth = await loadAuthConfig(authConfig); // a deployment re-reads auth.config.ts on its next push
    return { env: { ...process.env }, auth };
  },

  // For `make bench`: the same call made `count` times straight on convex-test,
  // inside Node, without the JSON round trip, to compare with calls from Python
  // (as the same identity, so both sides pay for it).
  async bench({ kind, name, args, count, identity }) {
    const entry = resolveFunction(name, kind, true);
    const ref = makeFunctionReference(entry.name);
    const input = jsonToConvex(args ?? {});
    const timings = [];
    // The functions' console output is kept, as a call from Python keeps it, rather than
    // printed to stdout (a pipe that Python drains): printing would slow only this side.
    const previousSink = logSink;
    try {
      for (let i = 0; i < count; i++) {
        logSink = [];
        const started = performance.now();
        await accessorFor(identity)[kind](ref, input);
        timings.push(performance.now() - started);
      }
    } finally {
      logSink = previousSink;
    }
    await refreshSubscriptions();
    return { timings };
  },

  async reset() {
    t = newBackend();
    subscriptions.clear();
    scheduler.reset();
    await resetSyncConnections();
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

// The reviewer's probes (review_probes.mjs).
import { reviewOps } from "./review_probes.mjs";
Object.assign(handlers, reviewOps(() => schema, () => t));

// Whatever a request committed reaches the live queries it touched, whether or
// not its handler refreshed them itself.
// (Without committed writes there is nothing to refresh, and no second turn of the event loop is spent on it.)
for (const [op, handler] of Object.entries(handlers)) {
  handlers[op] = (...args) => handler(...args).then((result) => (hasCommittedWrites()
    ? refreshSubscriptions().then((late) => withLateUpdates(result, late))
    : result));
}

// ---------------------------------------------------------------- Convex's own client protocol
// The official clients connect to the cloud URL as to a deployment: the HTTP API
// (client_protocol.mjs) and the WebSocket sync protocol (sync.mjs).
const clientProtocol = createProtocolBackend({
  auth: () => auth,
  resolve: resolveFunction,
  run: (entry, args, identity) => runObserved(() => accessorFor(identity)[entry.kind](makeFunctionReference(entry.name), args)),
  describeError,
  refresh: () => refreshSubscriptions(),
  report: (record, updates) => notify({ event: "call", record, updates }),
});
serveHttpApi(loopback, clientProtocol);
serveSync(loopback, clientProtocol);
onCommittedWrites(onSyncWrites, hasSyncConnections);

// ---------------------------------------------------------------- the loop
// Answers are written synchronously: a write stream would first hand each one to
// libuv's thread pool, which adds a thread switch to every call.
// The text goes to the kernel as it is (no Buffer copy first); the answer fd is
// a blocking pipe, so one write normally takes the whole line.
function writeLine(fd, message) {
  const text = JSON.stringify(message) + "\n";
  const written = writeSync(fd, text);
  if (written === Buffer.byteLength(text)) return;
  const bytes = Buffer.from(text);
  for (let sent = written; sent < bytes.length; ) sent += writeSync(fd, bytes, sent);
}
// Each answer says how many notices were sent before it: Python handles those
// first, so that what they report keeps its order with the answer's own updates.
let noticesSent = 0;
const reply = (message) => writeLine(answerFd, noticesSent === 0 ? message : { ...message, events: noticesSent });
// Something Python did not ask for, e.g. a call that came in through the loopback server.
const notify = (message) => {
  noticesSent += 1;
  writeLine(eventFd, { id: null, ...message });
};

// A request may say how long it may take (timeoutMs). Past that, it is answered
// with a CallTimeout error and the next request is served: the database stays
// as it is. (JavaScript cannot stop the function itself; an action that is
// still waiting finishes in the background.)
function describeRequest(request) {
  const args = request.args ?? {};
  if (request.op === "advance") return scheduler.running() ? `the scheduled ${scheduler.running().name}` : "advance()";
  if (request.op === "http") return `HTTP ${args.method} ${args.path}`;
  return args.name ?? request.op;
}

function timeoutError(request) {
  const seconds = (request.timeoutMs / 1000).toFixed(1).replace(/\.0$/, "");
  const state = scheduler.inTransaction()
    ? "It is stuck inside a query or mutation, which holds the database: every later call will wait for it. " +
      "Call restart() (the data is lost)."
    : "The database is intact; the function may still be running in the background.";
  return new RequestError("CallTimeout", `${describeRequest(request)} did not finish within ${seconds} s (the playground's ` +
    `call_timeout). ${state}`, { function: request.args?.name ?? null });
}

const watchdog = createWatchdog();

/**
 * Runs one request line and answers it, then gives the lock's turn back (`release`).
 * A request with a time limit is answered at the limit if its work has not ended;
 * the signal handed to its handler is a plain { aborted } flag, all that advance()
 * checks between two jobs (an AbortController costs more than parsing the request).
 */
function serve(line, release) {
  let request = null;
  let answered = false;
  const answer = (message) => {
    if (answered) return;
    answered = true;
    watchdog.disarm();
    reply(message);
    release();
  };
  const fail = (error) => answer({ id: request?.id ?? null, ok: false, error: describeError(error, request?.args?.name ?? null) });
  try {
    request = JSON.parse(line);
  } catch {
    answer({ id: null, ok: false, error: { kind: "BadRequest", message: "request is not JSON" } });
    return;
  }
  try {
    const handler = handlers[request.op];
    if (!handler) throw new RequestError("BadRequest", `unknown op "${request.op}"`);
    let signal;
    if (request.timeoutMs > 0) {
      signal = { aborted: false };
      watchdog.arm(request.timeoutMs, () => {
        signal.aborted = true;
        fail(timeoutError(request));
      });
    }
    handler(request.args ?? {}, signal).then((result) => answer({ id: request.id, ok: true, result }), fail);
  } catch (error) {
    fail(error);
  }
}

readLines(process.stdin, (line) => takeTurn((release) => serve(line, release)), () => process.exit(0)); // stdin ended: the Python side went away, so do we
reply({ id: 0, ok: true, result: { ready: true } });
