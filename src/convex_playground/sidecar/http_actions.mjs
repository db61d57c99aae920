// The app's HTTP actions (convex/http.ts), answered as a deployment answers
// them on its site URL. Used by the loopback server and by Python's pg.fetch().
//
// * An unknown route: 404, text "No matching routes found".
// * A handler that throws: 500 with the JSON body a development deployment
//   sends, {"code": "[Request ID: …] Server Error: Uncaught Error: …",
//   "trace": …} plus "data" for a ConvexError (convex-backend
//   crates/application/src/redaction.rs).
// * `Authorization: Bearer <JWT>`: the handler's ctx.auth.getUserIdentity()
//   returns the identity; a refused token does not stop the request, but
//   getUserIdentity() throws the deployment's error (convex-backend runs the
//   action with an "unknown" identity).
// * Bodies are bytes both ways, so binary uploads and downloads round-trip.
import { jsonToConvex } from "convex/values";
import { AuthError, identityFromHeader } from "./auth.mjs";

const PLACEHOLDER_SITE = "https://some.convex.site"; // the origin convex-test's t.fetch() builds requests with
const REFUSED = Symbol.for("convex-playground.refused-identity");

let requestCounter = 0;
// Deterministic request ids, shaped like a deployment's 16 hex digits.
const nextRequestId = () => (++requestCounter).toString(16).padStart(16, "0");

/** Makes handlers see the playground's site URL in request.url instead of convex-test's placeholder. */
export function serveRequestsAt(siteUrl) {
  const NativeRequest = globalThis.Request;
  globalThis.Request = class Request extends NativeRequest {
    constructor(input, init) {
      const href = input instanceof URL ? input.href : input;
      const placed = typeof href === "string" && href.startsWith(`${PLACEHOLDER_SITE}/`);
      super(placed ? siteUrl + href.slice(PLACEHOLDER_SITE.length) : input, init);
    }
  };
}

/**
 * Lets an identity carry a refusal: getUserIdentity() then throws it, as a
 * deployment's does for a request whose token it could not verify.
 * `authPrototype` is convex-test's AuthFake.prototype.
 */
export function allowRefusedIdentities(authPrototype) {
  const original = authPrototype.getUserIdentity;
  authPrototype.getUserIdentity = function () {
    const refusal = this._userIdentity?.[REFUSED];
    return refusal ? Promise.reject(new Error(refusal)) : original.call(this);
  };
}

function uncaughtMessage(error) {
  if (error instanceof Error) return `Uncaught ${error.name}: ${error.message}`;
  return `Uncaught ${String(error)}`;
}

// A ConvexError's data crosses convex-test's function boundary as a JSON string (as on the wire).
function convexErrorData(data) {
  if (typeof data !== "string") return data ?? null;
  try {
    return jsonToConvex(JSON.parse(data));
  } catch {
    return data;
  }
}

function serverError(error, requestId, toJson) {
  const message = uncaughtMessage(error);
  const body = { code: `[Request ID: ${requestId}] Server Error: ${message}` };
  const frames = error instanceof Error && error.stack ? error.stack.split("\n").slice(1).join("\n") : "";
  body.trace = frames ? `${message}\n${frames}` : message;
  if (error && error[Symbol.for("ConvexError")]) body.data = toJson(convexErrorData(error.data));
  return { status: 500, headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify(body)) };
}

/**
 * Runs one HTTP request against the app's router. `env` gives what it needs
 * from the sidecar: the backend accessor for an identity, the router, the auth
 * providers, observation of logs and metrics, and Convex JSON.
 * Returns { response: {status, headers, body: Buffer}, record }.
 */
export async function runHttpAction(request, env) {
  const { method, path, search = "", headers, body } = request;
  const requestId = nextRequestId();
  const target = `${method} ${path}`;
  let identity = null;
  try {
    identity = identityFromHeader(headers.authorization, env.auth(), Date.now());
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    identity = { subject: "", [REFUSED]: error.message };
  }
  const router = await env.router();
  const record = { function: target, kind: "httpAction", identity: identity?.[REFUSED] ? null : identity?.subject ?? null };
  if (!router || router.lookup(path, method) === null) {
    const response = { status: 404, headers: { "content-type": "text/plain; charset=utf-8" }, body: Buffer.from("No matching routes found") };
    return { response, record: { ...record, ok: true, error: null, durationMs: 0, metrics: null, logs: [], status: 404 } };
  }
  const init = { method, headers };
  if (body && body.length > 0 && method !== "GET" && method !== "HEAD") init.body = body;
  const outcome = await env.observe(() => env.accessorFor(identity).fetch(path + search, init));
  let response;
  if (outcome.error === undefined) {
    const answer = outcome.value;
    const answerHeaders = Object.fromEntries(answer.headers.entries());
    const cookies = answer.headers.getSetCookie();
    if (cookies.length > 1) answerHeaders["set-cookie"] = cookies; // one header line each, as sent
    response = { status: answer.status, headers: answerHeaders, body: Buffer.from(await answer.arrayBuffer()) };
  } else {
    response = serverError(outcome.error, requestId, env.toJson);
  }
  return {
    response,
    record: {
      ...record,
      ok: outcome.error === undefined,
      error: outcome.error === undefined ? null : uncaughtMessage(outcome.error),
      durationMs: outcome.durationMs,
      metrics: outcome.metrics,
      logs: outcome.logs,
      status: response.status,
    },
  };
}
