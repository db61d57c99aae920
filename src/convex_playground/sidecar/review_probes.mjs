// What the reviewer's dynamic pass (src/convex_review/dynamic) asks of the
// sidecar beyond a normal playground: the schema's validators, which indexes
// each call read through, which documents it wrote, and a switch that refuses
// outbound network from the app's functions.
//
// Ops (added to the sidecar's request handlers):
// * reviewSchema: the app schema's own `export()` (tables, indexes, the
//   document validators as JSON), or null for an app without a schema.
// * reviewTake: what calls read and wrote since the last reviewTake (the first one starts the recording), then forgets it:
//   { sources: {"table.index" | "table" (a table scan) | "table.search:name": n},
//     filtered: the same for the queries among them narrowed with .filter(), writes: [{ table, id, existed, deleted }],
//     gets: {"table": n} documents fetched by id (ctx.db.get), which no query range shows }.
// * reviewBlockNetwork: from now on `fetch` to anything but the loopback
//   interface fails, so probing an app never reaches a real service.
// * reviewStoreFiles: stores `count` small text files; returns their `_storage`
//   ids, for documents whose validators hold a v.id("_storage").
import { __playgroundDatabaseFake as DatabaseFake } from "convex-test";

// Nothing is recorded until the first reviewTake: a playground that is not reviewing pays nothing.
let recording = false;
let sources = new Map();
let filtered = new Map(); // the same, for queries narrowed with .filter()
let writes = [];
let gets = new Map();

// convex-test's ids end with the table name (see its DatabaseFake._generateId).
const tableOf = (id) => id.replace(/^[0-9]+/, "");

function sourceName(source) {
  if (source?.type === "FullTableScan") return source.tableName;
  if (source?.type === "IndexRange") return source.indexName;
  if (source?.type === "Search") return `${source.indexName.split(".")[0]}.search:${source.indexName.split(".")[1]}`;
  return null;
}

function countSource(query) {
  const name = recording ? sourceName(query?.source) : null;
  if (name === null) return;
  sources.set(name, (sources.get(name) ?? 0) + 1);
  if ((query.operators ?? []).some((operator) => "filter" in operator)) filtered.set(name, (filtered.get(name) ?? 0) + 1);
}

const database = DatabaseFake.prototype;

for (const [method, queryOf] of [["startQuery", (query) => query], ["paginate", (request) => request?.query]]) {
  const current = database[method];
  database[method] = function (...args) {
    countSource(queryOf(...args));
    return current.apply(this, args);
  };
}

const currentGet = database.get;
database.get = function (tableName, id) {
  if (recording && typeof id === "string") gets.set(tableOf(id), (gets.get(tableOf(id)) ?? 0) + 1);
  return currentGet.call(this, tableName, id);
};

const currentCommit = database.commit;
database.commit = function (...args) {
  // Only the outermost commit changes stored documents; nested ones merge into it.
  if (!recording || this._writes.length !== 1) return currentCommit.apply(this, args);
  const written = Object.entries(this._writes[0] ?? {}).map(([id, value]) => ({
    table: tableOf(id), id, existed: this._documents[id] !== undefined, deleted: value === null,
  }));
  const outcome = currentCommit.apply(this, args);
  writes.push(...written.filter(({ table }) => !table.startsWith("_")));
  return outcome;
};

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

function blockNetwork() {
  const realFetch = globalThis.fetch;
  if (realFetch.reviewBlocked) return;
  const guarded = async (input, init) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    if (!LOOPBACK.has(url.hostname)) {
      throw new TypeError(`fetch to ${url.origin} refused: the reviewer blocks outbound network from functions`);
    }
    return realFetch(input, init);
  };
  guarded.reviewBlocked = true;
  globalThis.fetch = guarded;
}

/** The ops above, for the sidecar's handler table; `schema()` gives the app's loaded schema, `backend()` convex-test. */
export function reviewOps(schema, backend) {
  return {
    async reviewSchema() {
      const loaded = schema();
      return { schema: loaded ? JSON.parse(loaded.export()) : null };
    },
    async reviewTake() {
      recording = true;
      const taken = { sources: Object.fromEntries(sources), filtered: Object.fromEntries(filtered), writes,
        gets: Object.fromEntries(gets) };
      sources = new Map();
      filtered = new Map();
      writes = [];
      gets = new Map();
      return taken;
    },
    async reviewStoreFiles({ count }) {
      const ids = await backend().run(async (ctx) => {
        const stored = [];
        for (let i = 0; i < count; i++) stored.push(await ctx.storage.store(new Blob([`file ${i}`], { type: "text/plain" })));
        return stored;
      });
      return { ids };
    },
    async reviewBlockNetwork() {
      blockNetwork();
      return {};
    },
  };
}
