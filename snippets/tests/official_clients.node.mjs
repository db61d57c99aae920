// The `convex` npm package's own clients against a playground, as against a
// deployment: `node tests/official_clients.node.mjs <pg.url>`. Run by
// tests/test_official_clients.py on the app tests/fixtures/proto_app; each
// check prints "ok <name>", and the first failure exits non-zero.
//
// Node 20 has no WebSocket global, so ConvexClient is handed the `ws` package's.
import assert from "node:assert/strict";
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { ConvexError } from "convex/values";
import WebSocket from "ws";

const url = process.argv[2];
if (!url) throw new Error("usage: node official_clients.node.mjs <playground url>");

const fn = (name) => makeFunctionReference(name);
const list = fn("messages:list");
const send = fn("messages:send");
const whoami = fn("messages:whoami");
const bump = fn("messages:bump");
const counter = fn("messages:counter");
const page = fn("messages:page");

/** An unsigned JWT for the fixture's auth.config.ts provider (the playground checks claims, not signatures). */
function token(subject) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const claims = { iss: "https://auth.proto.test", aud: "proto-app", sub: subject, exp: Math.floor(Date.now() / 1000) + 3600 };
  return `${part({ alg: "none" })}.${part(claims)}.unsigned`;
}

/** Resolves with the first value of `subscribe(callback)` that `accept` takes, or fails after `ms`. */
function waitFor(subscribe, accept, what, ms = 5000) {
  return new Promise((resolve, reject) => {
    let stop = () => {};
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    stop = subscribe((value) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      queueMicrotask(() => stop());
      resolve(value);
    });
  });
}

const checks = [];
const check = (name, body) => checks.push({ name, body });

check("http client: query, mutation, action", async () => {
  const http = new ConvexHttpClient(url);
  await http.mutation(send, { channel: "node-http", body: "one" });
  assert.deepEqual(await http.query(list, { channel: "node-http" }), [{ author: "anonymous", body: "one" }]);
  assert.equal(await http.action(fn("messages:sendTwice"), { channel: "node-http-action", body: "x" }), 2);
});

check("http client: ConvexError data and plain errors", async () => {
  const http = new ConvexHttpClient(url);
  const refused = await http.mutation(send, { channel: "node-http", body: " " }).catch((error) => error);
  assert.ok(refused instanceof ConvexError, `expected a ConvexError, got ${refused}`);
  assert.deepEqual(refused.data, { code: "EMPTY", channel: "node-http" });
  const failed = await http.query(fn("messages:broken"), {}).catch((error) => error);
  assert.ok(failed instanceof Error && !(failed instanceof ConvexError));
  assert.match(failed.message, /this query always fails/);
});

check("http client: bearer auth", async () => {
  const http = new ConvexHttpClient(url);
  assert.equal(await http.query(whoami, {}), null);
  http.setAuth(token("alice"));
  assert.equal(await http.query(whoami, {}), "alice");
  http.clearAuth();
  assert.equal(await http.query(whoami, {}), null);
});

check("http client: consistentQuery reads one snapshot", async () => {
  const reader = new ConvexHttpClient(url);
  const writer = new ConvexHttpClient(url);
  await writer.mutation(send, { channel: "node-snap", body: "before" });
  const first = await reader.consistentQuery(list, { channel: "node-snap" });
  await writer.mutation(send, { channel: "node-snap", body: "after" });
  assert.deepEqual(await reader.consistentQuery(list, { channel: "node-snap" }), first);
  assert.equal((await reader.query(list, { channel: "node-snap" })).length, 2);
});

check("client: live query updates after another connection's mutation", async () => {
  const watcher = new ConvexClient(url, { webSocketConstructor: WebSocket });
  const writer = new ConvexClient(url, { webSocketConstructor: WebSocket });
  try {
    const seen = waitFor((cb) => watcher.onUpdate(list, { channel: "node-live" }, cb), (rows) => rows.length === 1, "the live update");
    await waitFor((cb) => watcher.onUpdate(list, { channel: "node-live" }, cb), (rows) => rows.length === 0, "the first result");
    const id = await writer.mutation(send, { channel: "node-live", body: "hello" });
    assert.equal(typeof id, "string");
    assert.deepEqual(await seen, [{ author: "anonymous", body: "hello" }]);
    // A mutation resolves only once its writes are visible to its own client's queries.
    await writer.mutation(send, { channel: "node-live", body: "again" });
    assert.equal((await writer.query(list, { channel: "node-live" })).length, 2);
  } finally {
    await watcher.close();
    await writer.close();
  }
});

check("client: ConvexError, actions and auth", async () => {
  const client = new ConvexClient(url, { webSocketConstructor: WebSocket });
  try {
    const refused = await client.mutation(send, { channel: "node-ws", body: " " }).catch((error) => error);
    assert.ok(refused instanceof ConvexError);
    assert.deepEqual(refused.data, { code: "EMPTY", channel: "node-ws" });
    const actionRefused = await client.action(fn("messages:refuse"), {}).catch((error) => error);
    assert.ok(actionRefused instanceof ConvexError);
    assert.equal(actionRefused.data, "actions can refuse too");
    const signedIn = waitFor((cb) => client.onUpdate(whoami, {}, cb), (who) => who === "bob", "the identity change");
    client.setAuth(async () => token("bob"));
    assert.equal(await signedIn, "bob");
    await client.mutation(send, { channel: "node-ws", body: "as bob" });
    assert.deepEqual(await client.query(list, { channel: "node-ws" }), [{ author: "bob", body: "as bob" }]);
  } finally {
    await client.close();
  }
});

/** A WebSocket that, once armed, drops the connection instead of delivering the next MutationResponse. */
class FlakySocket extends WebSocket {
  static armed = false;
  static drops = 0;

  set onmessage(handler) {
    super.onmessage = (event) => {
      if (FlakySocket.armed && String(event.data).includes('"MutationResponse"')) {
        FlakySocket.armed = false;
        FlakySocket.drops += 1;
        this.terminate();
        return;
      }
      handler(event);
    };
  }

  get onmessage() {
    return super.onmessage;
  }
}

check("client: a mutation re-sent after the socket drops runs once", async () => {
  const client = new ConvexClient(url, { webSocketConstructor: FlakySocket });
  try {
    assert.equal(await client.query(counter, { name: "resend" }), 0);
    FlakySocket.armed = true;
    assert.equal(await client.mutation(bump, { name: "resend" }), 1);
    assert.equal(FlakySocket.drops, 1, "the socket was not dropped");
    assert.equal(await new ConvexHttpClient(url).query(counter, { name: "resend" }), 1);
  } finally {
    await client.close();
  }
});

check("client: pages keep every item while inserts happen", async () => {
  const http = new ConvexHttpClient(url);
  for (let i = 1; i <= 6; i++) await http.mutation(send, { channel: "node-pages", body: `m${i}` });
  const client = new ConvexClient(url, { webSocketConstructor: WebSocket });
  try {
    let latest = null;
    let listeners = [];
    client.onPaginatedUpdate_experimental(page, { channel: "node-pages" }, { initialNumItems: 3 }, (result) => {
      latest = result;
      for (const listener of listeners) listener(result);
    });
    const next = (accept, what) => waitFor((cb) => {
      listeners.push(cb);
      if (latest !== null) cb(latest);
      return () => (listeners = listeners.filter((other) => other !== cb));
    }, accept, what);
    const bodies = (result) => result.results.map((row) => row.body);
    await next((result) => result.results.length === 3, "the first page");
    latest.loadMore(3);
    await next((result) => result.results.length === 6, "the second page");
    await http.mutation(send, { channel: "node-pages", body: "m7" });
    const grown = await next((result) => result.results.length === 7, "the insert");
    assert.deepEqual(bodies(grown), ["m7", "m6", "m5", "m4", "m3", "m2", "m1"]);
  } finally {
    await client.close();
  }
});

for (const { name, body } of checks) {
  await body();
  console.log(`ok ${name}`);
}
process.exit(0);
