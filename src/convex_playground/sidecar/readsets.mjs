// Read sets of live queries, and the committed writes that invalidate them.
//
// A Convex deployment re-runs a subscribed query only when a committed write
// touches what the query read: a document it fetched by id, or a document that
// falls (before or after the write) inside an index range it scanned. This
// module records the same things while a subscribed query runs on convex-test,
// and collects every write convex-test commits (mutations, an action's
// mutations, scheduled functions, admin writes, HTTP actions: they all commit
// through the same in-memory database), so the sidecar re-runs only the live
// queries a write can have changed.
//
// What is recorded, per database (an app and each component have their own):
// * `ctx.db.get(id)` and reads by id (storage metadata): the id;
// * an index range (`.withIndex(...)`, including by_creation_time and by_id):
//   the table and the range's bounds; a paginated query records its whole
//   range, a superset of the page it read;
// * a table scan (`ctx.db.query(t)` without an index) and a search query: the
//   whole table, which is conservative: any write to the table re-runs it.
// A write matches a range when the document, as it was before the write or as
// it is after, satisfies every bound: an insert enters the range, a delete or
// an edit of an indexed field may leave it.
import { ScopedStorage } from "./scoped_storage.mjs";
import { __playgroundDatabaseFake as DatabaseFake } from "convex-test";
import { compareValues, jsonToConvex } from "convex/values";

const collecting = new ScopedStorage(); // the ReadSet of the query being run, if any
let committed = []; // { db, table, id, before, after } since takeCommittedWrites() last ran
let scanning = 0; // > 0 while convex-test resolves a query: its own by-id reads are part of the range

// convex-test's ids end with the table name (see its DatabaseFake._generateId).
const tableOf = (id) => id.replace(/^[0-9]+/, "");

// A bound's value as convex-test evaluates it: `{$undefined: null}` is a missing field.
const boundValue = (value) => (value !== null && typeof value === "object" && "$undefined" in value ? undefined : jsonToConvex(value));

function fieldValue(document, fieldPath) {
  let value = document;
  for (const part of fieldPath.split(".")) {
    const isPlainObject = value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof ArrayBuffer);
    value = isPlainObject ? value[part] : undefined;
  }
  return value;
}

const COMPARISONS = {
  Eq: (order) => order === 0,
  Gt: (order) => order > 0,
  Gte: (order) => order >= 0,
  Lt: (order) => order < 0,
  Lte: (order) => order <= 0,
};

function inRange(document, bounds) {
  return bounds.every(({ fieldPath, value, test }) => test(compareValues(fieldValue(document, fieldPath), value)));
}

/** What one run of a query read. */
export class ReadSet {
  constructor() {
    this.byDatabase = new Map(); // db -> { everything, ids, tables, ranges: Map<table, bounds[][]> }
  }

  _of(db) {
    let entry = this.byDatabase.get(db);
    if (entry === undefined) {
      entry = { everything: false, ids: new Set(), tables: new Set(), ranges: new Map() };
      this.byDatabase.set(db, entry);
    }
    return entry;
  }

  addId(db, id) {
    this._of(db).ids.add(id);
  }

  addSource(db, source) {
    const entry = this._of(db);
    const table = typeof source?.indexName === "string" ? source.indexName.split(".")[0] : source?.tableName;
    if (source?.type === "IndexRange" && Array.isArray(source.range) && table) {
      const bounds = source.range.map(({ type, fieldPath, value }) => ({ fieldPath, value: boundValue(value), test: COMPARISONS[type] }));
      if (bounds.every((bound) => bound.test !== undefined)) {
        if (!entry.ranges.has(table)) entry.ranges.set(table, []);
        entry.ranges.get(table).push(bounds);
        return;
      }
    }
    // A table scan, a search, or a source this module does not know: the whole table
    // (or, without a table name, everything) so that no write that matters is missed.
    if (table) entry.tables.add(table);
    else entry.everything = true;
  }

  /** True when one of `changes` (grouped by db, then table) can change this query's result. */
  touchedBy(changesByDatabase) {
    for (const [db, entry] of this.byDatabase) {
      const byTable = changesByDatabase.get(db);
      if (byTable === undefined) continue;
      if (entry.everything) return true;
      for (const [table, changes] of byTable) {
        if (entry.tables.has(table)) return true;
        const ranges = entry.ranges.get(table) ?? [];
        for (const { id, before, after } of changes) {
          if (entry.ids.has(id)) return true;
          for (const bounds of ranges) {
            if ((before !== null && inRange(before, bounds)) || (after !== null && inRange(after, bounds))) return true;
          }
        }
      }
    }
  }
}

/** Runs `fn` and returns what the queries it ran read, beside its result. */
export async function trackReads(fn) {
  const readSet = new ReadSet();
  const result = await collecting.run(readSet, fn);
  return { result, readSet };
}

/** True when writes were committed since takeCommittedWrites() last ran. */
export const hasCommittedWrites = () => committed.length > 0;

/** Forgets the writes committed so far, when no live query could be touched by them. */
export function dropCommittedWrites() {
  committed = [];
}

/** The writes committed since the last call, grouped by database then table (a Map of Maps). */
export function takeCommittedWrites() {
  const changes = committed;
  committed = [];
  const grouped = new Map();
  for (const change of changes) {
    if (!grouped.has(change.db)) grouped.set(change.db, new Map());
    const byTable = grouped.get(change.db);
    if (!byTable.has(change.table)) byTable.set(change.table, []);
    byTable.get(change.table).push(change);
  }
  return grouped;
}

// ---------------------------------------------------------------- instrumentation
// Each wrapper calls whatever method is current, so other patches of
// DatabaseFake (the playground's read counting and limits) compose with it.
const database = DatabaseFake.prototype;

const currentGet = database.get;
database.get = function (tableName, id) {
  const readSet = scanning === 0 ? collecting.getStore() : undefined;
  if (readSet !== undefined && typeof id === "string") readSet.addId(this, id);
  return currentGet.call(this, tableName, id);
};

function wrapQuerySource(method, sourceOf) {
  const current = database[method];
  database[method] = function (...args) {
    collecting.getStore()?.addSource(this, sourceOf(...args));
    scanning += 1;
    try {
      return current.apply(this, args);
    } finally {
      scanning -= 1;
    }
  };
}
wrapQuerySource("startQuery", (query) => query?.source);
wrapQuerySource("paginate", (request) => request?.query?.source);

const currentCommit = database.commit;
database.commit = function (...args) {
  // Only the outermost commit reaches the stored documents; a nested one merges
  // its writes into its parent's, which commits (or rolls back) later.
  if (this._writes.length !== 1) return currentCommit.apply(this, args);
  const ids = Object.keys(this._writes[0] ?? {});
  const before = ids.map((id) => this._documents[id] ?? null);
  const outcome = currentCommit.apply(this, args);
  ids.forEach((id, i) => {
    const after = this._documents[id] ?? null;
    if (after !== before[i]) committed.push({ db: this, table: tableOf(id), id, before: before[i], after });
  });
  return outcome;
};
