// Convex's WebSocket sync protocol at <cloud>/api/sync and
// <cloud>/api/<client version>/sync, as the official clients speak it
// (convex/browser sync/protocol.ts; the Python client's Rust core uses the
// same messages).
//
// Per connection the server keeps a version {querySet, identity, ts} that
// starts at zero; every Transition goes from the version the client has to the
// next one, so the client can check nothing was missed.
//
// In:  Connect (the session id), ModifyQuerySet (Add / Remove queries),
//      Mutation, Action, Authenticate (a user JWT, an admin key, or None),
//      Event (ignored).
// Out: Transition (QueryUpdated / QueryFailed / QueryRemoved), MutationResponse
//      (with the commit timestamp), ActionResponse, AuthError, FatalError, and a
//      Ping after 15 s without a message, so the client's inactivity timer
//      (60 s) never fires on an idle connection.
//
// Behaviour the clients rely on:
// * A mutation's response carries its timestamp `ts` and is followed by a
//   Transition reaching `ts`: the clients resolve the mutation only then, so
//   that its writes are visible to the caller's queries.
// * After a reconnect the JS client re-sends every mutation it has not seen
//   reach a Transition, even completed ones: a mutation is run once per
//   (session id, request id) and a repeat gets the first answer again.
// * Queries re-run only when a committed write touches what they read
//   (readsets.mjs), all of them at one state of the database, under the lock
//   the sidecar's own requests take (lock.mjs); a paginated query keeps its
//   page's range through its journal (journals.mjs).
import { WebSocketServer } from "ws";
import { AuthError, identityFromJwt } from "./auth.mjs";
import { currentTs, encodeTs, failure, logLines, nextTs } from "./client_protocol.mjs";
import { runWithJournal } from "./journals.mjs";
import { exclusive } from "./lock.mjs";
import { trackReads } from "./readsets.mjs";

const SYNC_PATH = /^\/api\/(?:[^/]+\/)?sync$/;
const PING_AFTER_MS = 15_000;
const REMEMBERED_MUTATIONS = 1000; // per session: enough for any backlog a client re-sends

const connections = new Set();
const sessions = new Map(); // session id -> Map(request id -> the MutationResponse sent)

class ProtocolViolation extends Error {}

class SyncConnection {
  constructor(socket, protocol) {
    this.socket = socket;
    this.protocol = protocol;
    this.sessionId = null;
    this.version = { querySet: 0, identity: 0, ts: 0n };
    this.caller = { identity: null, admin: false };
    this.queries = new Map(); // query id -> { udfPath, args, journal, readSet, last }
    this.lastSent = performance.now();
  }

  send(message) {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.lastSent = performance.now();
    this.socket.send(JSON.stringify(message));
  }

  /** One Transition from the client's version to `next`, carrying `modifications`. */
  transition(next, modifications) {
    const startVersion = { ...this.version, ts: encodeTs(this.version.ts) };
    this.version = next;
    this.send({
      type: "Transition",
      startVersion,
      endVersion: { ...next, ts: encodeTs(next.ts) },
      modifications,
    });
  }

  /** Runs one of this connection's queries; returns its modification, or null when its result is unchanged. */
  async evaluate(queryId, query) {
    const { result: run, readSet } = await trackReads(() => runWithJournal(query.journal,
      () => this.protocol.call("query", query.udfPath, query.args, this.caller)));
    query.readSet = readSet;
    query.journal = run.journal;
    const { outcome, described } = run.result;
    const modification = described === null
      ? { type: "QueryUpdated", queryId, value: outcome.value, logLines: logLines(outcome.logs), journal: query.journal }
      : { type: "QueryFailed", queryId, ...failure(described), logLines: logLines(outcome.logs), journal: query.journal };
    const { logLines: _lines, ...comparable } = modification;
    const fingerprint = JSON.stringify(comparable);
    if (fingerprint === query.last) return null;
    query.last = fingerprint;
    return modification;
  }

  async evaluateAll(touched = () => true) {
    const modifications = [];
    for (const [queryId, query] of this.queries) {
      if (!touched(query)) continue;
      const modification = await this.evaluate(queryId, query);
      if (modification !== null) modifications.push(modification);
    }
    return modifications;
  }

  /** Brings the client to `ts` (if it is behind) with an empty Transition. */
  catchUp(ts) {
    if (this.version.ts < ts) this.transition({ ...this.version, ts }, []);
  }

  async handle(message) {
    switch (message.type) {
      case "Connect":
        this.sessionId = String(message.sessionId);
        return;
      case "ModifyQuerySet":
        return this.modifyQuerySet(message);
      case "Mutation":
        return this.mutation(message);
      case "Action":
        return this.action(message);
      case "Authenticate":
        return this.authenticate(message);
      case "Event":
        return; // client telemetry; a deployment logs it
      default:
        throw new ProtocolViolation(`Unknown client message type ${JSON.stringify(message.type)}`);
    }
  }

  async modifyQuerySet({ baseVersion, newVersion, modifications }) {
    if (baseVersion !== this.version.querySet) {
      throw new ProtocolViolation(`ModifyQuerySet from version ${baseVersion}, but the query set is at ${this.version.querySet}`);
    }
    const changes = [];
    for (const change of modifications ?? []) {
      if (change.type === "Add") {
        const query = { udfPath: change.udfPath, args: (change.args ?? [])[0] ?? {}, journal: change.journal ?? null, readSet: undefined, last: undefined };
        this.queries.set(change.queryId, query);
        changes.push(await this.evaluate(change.queryId, query));
      } else if (change.type === "Remove") {
        this.queries.delete(change.queryId);
        changes.push({ type: "QueryRemoved", queryId: change.queryId });
      } else {
        throw new ProtocolViolation(`Unknown query set modification ${JSON.stringify(change.type)}`);
      }
    }
    this.transition({ ...this.version, querySet: newVersion, ts: maxTs(this.version.ts, currentTs()) }, changes.filter(Boolean));
  }

  async mutation({ requestId, udfPath, args }) {
    const remembered = this.sessionId === null ? undefined : sessions.get(this.sessionId)?.get(requestId);
    if (remembered !== undefined) {
      // A mutation re-sent after a reconnect: it ran once; answer as then.
      // The client resolves it on the next Transition, which must come even if it is already past `ts`.
      this.send(remembered);
      this.catchUp(nextTs());
      return;
    }
    const called = await this.protocol.call("mutation", udfPath, (args ?? [])[0] ?? {}, this.caller);
    const { outcome, described } = called;
    const lines = logLines(outcome.logs);
    let ts = null;
    let response;
    if (described === null) {
      ts = nextTs();
      response = { type: "MutationResponse", requestId, success: true, result: outcome.value, ts: encodeTs(ts), logLines: lines };
    } else {
      const { errorMessage, errorData } = failure(described);
      response = { type: "MutationResponse", requestId, success: false, result: errorMessage, logLines: lines, ...(errorData === undefined ? {} : { errorData }) };
    }
    this.remember(requestId, response);
    this.send(response);
    // Every live query its writes touched catches up (a Transition to each connection), then this one reaches `ts`.
    await this.protocol.settle("mutation", called, this.caller.identity);
    // A failed mutation has no timestamp, but the Python client completes one
    // that failed with a ConvexError only on the next Transition.
    this.catchUp(ts ?? nextTs());
  }

  remember(requestId, response) {
    if (this.sessionId === null) return;
    if (!sessions.has(this.sessionId)) sessions.set(this.sessionId, new Map());
    const answers = sessions.get(this.sessionId);
    answers.set(requestId, response);
    if (answers.size > REMEMBERED_MUTATIONS) answers.delete(answers.keys().next().value);
  }

  async action({ requestId, udfPath, args }) {
    const called = await this.protocol.call("action", udfPath, (args ?? [])[0] ?? {}, this.caller);
    const { outcome, described } = called;
    const lines = logLines(outcome.logs);
    if (described === null) {
      this.send({ type: "ActionResponse", requestId, success: true, result: outcome.value, logLines: lines });
    } else {
      const { errorMessage, errorData } = failure(described);
      this.send({ type: "ActionResponse", requestId, success: false, result: errorMessage, logLines: lines, ...(errorData === undefined ? {} : { errorData }) });
    }
    await this.protocol.settle("action", called, this.caller.identity);
  }

  async authenticate(message) {
    if (message.baseVersion !== this.version.identity) {
      throw new ProtocolViolation(`Authenticate from identity version ${message.baseVersion}, but it is at ${this.version.identity}`);
    }
    let caller;
    if (message.tokenType === "None") {
      caller = { identity: null, admin: false };
    } else if (message.tokenType === "Admin") {
      // The playground has no admin keys to check; an admin may act as a user (`impersonating`).
      caller = { identity: message.impersonating ?? null, admin: true };
    } else if (message.tokenType === "User") {
      try {
        caller = { identity: identityFromJwt(String(message.value), this.protocol.auth(), Date.now()), admin: false };
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        // The connection ends here: no later message on it runs under the identity it had before.
        // Both clients reconnect (the JS client first fetches a fresh token) and authenticate again.
        this.send({ type: "AuthError", error: error.message, baseVersion: message.baseVersion, authUpdateAttempted: true });
        connections.delete(this);
        this.socket.close(1000, "AuthError");
        return;
      }
    } else {
      throw new ProtocolViolation(`Unknown token type ${JSON.stringify(message.tokenType)}`);
    }
    this.caller = caller;
    // What a query returns may depend on who asks: all of them run again as the new identity.
    const modifications = await this.evaluateAll();
    this.transition({ ...this.version, identity: message.baseVersion + 1, ts: maxTs(this.version.ts, currentTs()) }, modifications);
  }

  fatal(message) {
    this.send({ type: "FatalError", error: message });
    this.socket.close(1011, message.slice(0, 120));
  }
}

const maxTs = (a, b) => (a > b ? a : b);

/**
 * Called with the writes each refresh collects (subscriptions.mjs): every
 * connection's queries those writes touched run again, and each connection
 * gets one Transition to a new timestamp (an empty one when nothing it
 * watches changed, so that a mutation waiting for that timestamp resolves).
 */
export async function onWrites(changes) {
  if (connections.size === 0) return;
  const ts = nextTs();
  for (const connection of connections) {
    const touched = (query) => query.readSet === undefined || Boolean(query.readSet.touchedBy(changes));
    connection.transition({ ...connection.version, ts }, await connection.evaluateAll(touched));
  }
}

/** Whether an official client is connected (each connection's queries are live). */
export const hasConnections = () => connections.size > 0;

/** After the database was replaced (Playground.reset()): every connection's queries run again. */
export async function afterReset() {
  const ts = nextTs();
  for (const connection of connections) connection.transition({ ...connection.version, ts }, await connection.evaluateAll());
}

/** Serves the sync protocol on the loopback server's cloud origin. `protocol` is client_protocol.mjs's backend. */
export function serveSync(loopback, protocol) {
  const server = new WebSocketServer({ noServer: true });
  loopback.servers.cloud.on("upgrade", (request, socket, head) => {
    const path = new URL(request.url, "http://127.0.0.1").pathname;
    if (!SYNC_PATH.test(path)) {
      socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      return;
    }
    server.handleUpgrade(request, socket, head, (ws) => accept(ws, protocol));
  });
  // Real timers: the playground's clock fakes only Date (scheduler.mjs), never setInterval.
  setInterval(() => {
    const now = performance.now();
    for (const connection of connections) if (now - connection.lastSent >= PING_AFTER_MS) connection.send({ type: "Ping" });
  }, 1000).unref();
}

function accept(socket, protocol) {
  const connection = new SyncConnection(socket, protocol);
  connections.add(connection);
  socket.on("close", () => connections.delete(connection));
  socket.on("error", () => connections.delete(connection));
  socket.on("message", (data) => {
    exclusive(async () => {
      if (!connections.has(connection)) return;
      let message;
      try {
        message = JSON.parse(data.toString("utf8"));
      } catch {
        connection.fatal("A client message is not JSON");
        return;
      }
      try {
        await connection.handle(message);
      } catch (error) {
        connection.fatal(error instanceof ProtocolViolation ? error.message : `The playground failed: ${error?.stack ?? error}`);
        connections.delete(connection);
      }
    });
  });
}
