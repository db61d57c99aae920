// Convex's own client protocol on the playground's cloud URL, so that the
// official clients (the `convex` npm package's ConvexHttpClient and
// ConvexClient, the `convex` Python package) connect unchanged, as to a
// deployment. This module is the HTTP API and what the sync protocol
// (sync.mjs) shares with it:
//
// * POST /api/query, /api/mutation, /api/action, /api/run/<module>/<function>
//   and /api/function: body {path, args, format: "convex_encoded_json"}, args
//   one object or a one-element array of it (the JS client sends the array).
//   Answers {status: "success", value, logLines} or {status: "error",
//   errorMessage, errorData?, logLines}, both with status 200: the Python
//   client's HTTP path reads the body only of a 2xx answer, and the JS client
//   accepts 200 as well as 560 for a failed function.
// * POST /api/query_ts: the current timestamp; /api/query_at_ts runs a query at
//   one such timestamp (ConvexHttpClient.consistentQuery). convex-test keeps
//   one version of each document, so the database is copied when a timestamp
//   is handed out; the last few copies are kept.
// * `Authorization: Bearer <JWT>` as on a deployment (auth.mjs), `Convex <key>`
//   for an admin key (any key: the playground has none to check).
//
// Every request takes the lock the sidecar's own requests take (lock.mjs).
// Timestamps are u64 nanoseconds of the real wall clock (never the playground's
// clock, which can be frozen), strictly increasing, one per commit.
import { __playgroundDatabaseFake as DatabaseFake } from "convex-test";
import { jsonToConvex } from "convex/values";
import { AuthError, identityFromHeader } from "./auth.mjs";
import { exclusive } from "./lock.mjs";
import { jsonResponse } from "./server.mjs";

const SNAPSHOTS_KEPT = 16;

// ---------------------------------------------------------------- timestamps
let latestTs = 0n;
const wallNanos = () => BigInt(Math.floor((performance.timeOrigin + performance.now()) * 1000)) * 1000n;

/** A new timestamp, later than every one before. */
export function nextTs() {
  const now = wallNanos();
  latestTs = now > latestTs ? now : latestTs + 1n;
  return latestTs;
}

export const currentTs = () => latestTs;

/** The wire form of a timestamp: 8 little-endian bytes in base64 (EncodedTS in the clients). */
export function encodeTs(ts) {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(ts);
  return bytes.toString("base64");
}

// ---------------------------------------------------------------- snapshots
// Every database instance (the app's and each component's) that ever committed.
const databases = new Set();
const currentCommit = DatabaseFake.prototype.commit;
DatabaseFake.prototype.commit = function (...args) {
  databases.add(this);
  writesSinceSnapshot = true;
  return currentCommit.apply(this, args);
};

const snapshots = new Map(); // encoded ts -> Map(db -> documents)
let writesSinceSnapshot = true;

/** Hands out the current timestamp, keeping a copy of the database as of it. */
function snapshotTs() {
  if (writesSinceSnapshot || snapshots.size === 0) {
    const copy = new Map([...databases].map((db) => [db, { ...db._documents }]));
    snapshots.set(encodeTs(nextTs()), copy);
    writesSinceSnapshot = false;
    while (snapshots.size > SNAPSHOTS_KEPT) snapshots.delete(snapshots.keys().next().value);
  }
  return [...snapshots.keys()].at(-1);
}

/** Runs `work` reading the database as of `encodedTs`; null when that snapshot is no longer kept. */
async function atSnapshot(encodedTs, work) {
  const copy = snapshots.get(encodedTs);
  if (copy === undefined) return null;
  const live = new Map([...databases].map((db) => [db, db._documents]));
  for (const db of databases) db._documents = copy.get(db) ?? {};
  try {
    return { outcome: await work() };
  } finally {
    for (const [db, documents] of live) db._documents = documents;
  }
}

// ---------------------------------------------------------------- results in the clients' shapes
const LEVELS = { log: "LOG", info: "INFO", warn: "WARN", error: "ERROR", debug: "DEBUG" };
/** Log lines as the backend sends them: "[LEVEL] message" (the clients parse the prefix). */
export const logLines = (logs) => (logs ?? []).map(({ level, message }) => `[${LEVELS[level] ?? "LOG"}] ${message}`);

/**
 * A failure as the clients receive it: the message, and for a ConvexError its
 * data (which the clients turn back into a ConvexError with `.data`).
 */
export function failure(described) {
  if (described.kind === "ConvexError") return { errorMessage: described.message, errorData: described.data };
  return { errorMessage: `Uncaught Error: ${described.message}` };
}

/** The body's arguments: a plain object, or the one-element array the JS client sends. */
function argumentsOf(args) {
  if (args === undefined || args === null) return {};
  if (Array.isArray(args)) {
    if (args.length > 1) throw new BadRequest("BadJsonBody", `expected one arguments object, got an array of ${args.length}`);
    return args[0] ?? {};
  }
  return args;
}

class BadRequest extends Error {
  constructor(code, message, status = 400) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** Who a request's Authorization header says is calling: {identity, admin}. */
function callerFromHeader(header, auth) {
  if (typeof header === "string" && header.slice(0, 7).toLowerCase() === "convex ") return { identity: null, admin: true };
  try {
    return { identity: identityFromHeader(header, auth, Date.now()), admin: false };
  } catch (error) {
    if (error instanceof AuthError) throw new BadRequest(error.code, error.message, 401);
    throw error;
  }
}

/**
 * The sidecar's side of the protocol: `backend` provides
 *   auth(), resolve(name, kind, admin) -> catalog entry (throws for an unknown function),
 *   run(entry, args, identity) -> {value, error, logs, durationMs, metrics},
 *   describeError(error, name), refresh() -> the Python side's live-query updates,
 *   report(record, updates) (a call for the Python side's record of calls).
 */
export function createProtocolBackend(backend) {
  /** Runs one public function (under the lock the caller holds) and reports it; returns the outcome. */
  async function call(kind, name, args, { identity, admin }) {
    let entry;
    try {
      entry = backend.resolve(name, kind, admin);
    } catch (error) {
      // An unknown or internal function fails as a call does on a deployment, not as a bad request.
      if (error?.kind === undefined) throw error;
      return { entry: null, outcome: { logs: [] }, described: { kind: error.kind, message: error.message } };
    }
    const outcome = await backend.run(entry, jsonToConvex(args), identity);
    const described = outcome.error === undefined ? null : backend.describeError(outcome.error, entry.name);
    return { entry, outcome, described };
  }

  /** After a request that may have written: live queries catch up; the Python side records the call. */
  async function settle(kind, { entry, outcome, described }, identity) {
    if (entry === null) return;
    const updates = kind === "query" ? [] : await backend.refresh();
    backend.report({
      function: entry.name, kind, identity: identity?.subject ?? null, ok: described === null,
      error: described === null ? null : described.message, durationMs: outcome.durationMs,
      metrics: outcome.metrics ?? null, logs: outcome.logs ?? [],
    }, updates);
  }

  return { call, settle, auth: backend.auth, resolve: backend.resolve };
}

const FUNCTION_PATHS = { "/api/query": "query", "/api/mutation": "mutation", "/api/action": "action" };

function parseBody(request) {
  try {
    const body = JSON.parse(request.body.toString("utf8") || "{}");
    if (body === null || typeof body !== "object" || Array.isArray(body)) throw new Error("not an object");
    return body;
  } catch {
    throw new BadRequest("BadJsonBody", "The request body is not a JSON object");
  }
}

/** The kind of a function named in /api/run/<path> or /api/function: whatever it is in the app. */
function kindOf(protocol, name) {
  for (const kind of ["query", "mutation", "action"]) {
    try {
      protocol.resolve(name, kind, true);
      return kind;
    } catch {
      // not this kind; the call itself reports an unknown name
    }
  }
  return "query";
}

async function answerCall(protocol, request, kind, name, args, ts) {
  const caller = callerFromHeader(request.headers.authorization, protocol.auth());
  let called;
  if (ts !== undefined) {
    const atTs = await atSnapshot(String(ts), () => protocol.call(kind, name, args, caller));
    if (atTs === null) throw new BadRequest("InvalidTimestamp", `Timestamp ${ts} is not one this playground handed out, or too old`);
    called = atTs.outcome;
  } else {
    called = await protocol.call(kind, name, args, caller);
  }
  await protocol.settle(kind, called, caller.identity);
  const { outcome, described } = called;
  const lines = logLines(outcome.logs);
  if (described === null) return functionAnswer({ status: "success", value: outcome.value, logLines: lines });
  return functionAnswer({ status: "error", ...failure(described), logLines: lines });
}

/**
 * JSON text as a deployment writes it: a number (a Convex float64) always with a
 * fraction or exponent, `0.0` rather than `0`. The Python client's HTTP path
 * reads a bare `0` as a Python int, which is not a Convex value it accepts
 * (integers travel as {"$integer": ...}).
 */
function convexJsonText(value) {
  if (typeof value === "number") {
    if (Number.isInteger(value) && Math.abs(value) < 1e16) return Object.is(value, -0) ? "-0.0" : `${value}.0`;
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(convexJsonText).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value).filter(([, field]) => field !== undefined)
      .map(([key, field]) => `${JSON.stringify(key)}:${convexJsonText(field)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function functionAnswer(answer) {
  const body = Buffer.from(convexJsonText(answer));
  return { status: 200, headers: { "content-type": "application/json", "content-length": String(body.length) }, body };
}

/** A request error in the shape Convex's endpoints use: {code, message}. */
function requestError(error) {
  if (error instanceof BadRequest) return jsonResponse(error.status, { code: error.code, message: error.message });
  throw error;
}

/** Adds the HTTP API's routes to the loopback server's cloud origin. */
export function serveHttpApi(loopback, protocol) {
  const locked = (handler) => (request) => exclusive(() => handler(request).catch(requestError));
  for (const [path, kind] of Object.entries(FUNCTION_PATHS)) {
    loopback.route("cloud", "POST", path, locked(async (request) => {
      const body = parseBody(request);
      return answerCall(protocol, request, kind, body.path, argumentsOf(body.args));
    }));
  }
  loopback.route("cloud", "POST", "/api/function", locked(async (request) => {
    const body = parseBody(request);
    return answerCall(protocol, request, kindOf(protocol, body.path), body.path, argumentsOf(body.args));
  }));
  loopback.route("cloud", "POST", /^\/api\/run\/.+/, locked(async (request) => {
    const body = parseBody(request);
    const segments = request.path.slice("/api/run/".length).split("/");
    const name = `${segments.slice(0, -1).join("/")}:${segments.at(-1)}`;
    return answerCall(protocol, request, kindOf(protocol, name), name, argumentsOf(body.args));
  }));
  loopback.route("cloud", "POST", "/api/query_ts", locked(async () => jsonResponse(200, { ts: snapshotTs() })));
  loopback.route("cloud", "POST", "/api/query_at_ts", locked(async (request) => {
    const body = parseBody(request);
    if (typeof body.ts !== "string") throw new BadRequest("BadJsonBody", "query_at_ts needs the `ts` that query_ts returned");
    return answerCall(protocol, request, "query", body.path, argumentsOf(body.args), body.ts);
  }));
}
