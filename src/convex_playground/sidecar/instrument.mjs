// Measurement the playground adds on top of convex-test, so that a notebook sees
// what a real deployment's dashboard would show for each call.
//
// convex-test already tracks per-transaction usage (documents and bytes read and
// written, index ranges, scheduled functions) and enforces Convex's limits. Two
// things are added here:
//
// * Per-call totals. The tracker forgets a transaction's usage when it ends; we
//   fold it into the call that is running (an action may run many transactions).
// * Scanned documents. convex-test applies `.filter()` before counting, so a
//   filtered table scan would look as cheap as an index lookup. A real
//   deployment counts every document the scan passes over, so we count the
//   documents that the filter rejected too, up to where the caller stopped,
//   for streamed queries and for `.paginate()` alike.
import "./search.mjs"; // ranks search results; it must patch the query source before the wrappers below
import { __playgroundDatabaseFake as DatabaseFake } from "convex-test";
import { TransactionMetricsTracker } from "convex-test/dist/transactionMetrics.js";
import { getDocumentSize } from "convex/values";

const READ_KEYS = ["bytesRead", "documentsRead", "databaseQueries"];
const ALL_KEYS = [...READ_KEYS, "bytesWritten", "documentsWritten", "functionsScheduled"];

// (A literal: this runs for every call, and building the object from ALL_KEYS cost more than the rest of measure().)
export function zeroMetrics() {
  return { bytesRead: 0, documentsRead: 0, databaseQueries: 0, bytesWritten: 0, documentsWritten: 0, functionsScheduled: 0 };
}

let sink = null; // the running call's metrics, or null between calls
let activeTracker = null; // the tracker of the transaction in progress

/** Runs `fn` and returns [result or error, metrics of every transaction it ran]. */
export async function measure(fn) {
  const previous = sink;
  const metrics = zeroMetrics();
  sink = metrics;
  try {
    return { value: await fn(), metrics };
  } catch (error) {
    return { error, metrics };
  } finally {
    sink = previous;
  }
}

function fold(layerMetrics, keys) {
  if (sink === null) return;
  for (const key of keys) sink[key] += layerMetrics[key] ?? 0;
}

const tracker = TransactionMetricsTracker.prototype;
const originalStart = tracker.startTransaction;
const originalCommit = tracker.commit;
const originalRollback = tracker.rollback;

tracker.startTransaction = function (limits) {
  if (this._layers.length === 0) activeTracker = this;
  return originalStart.call(this, limits);
};
tracker.commit = function () {
  if (this._layers.length === 1) {
    fold(this._layers[0].metrics, ALL_KEYS);
    activeTracker = null;
  }
  return originalCommit.call(this);
};
tracker.rollback = function () {
  if (this._layers.length === 1) {
    // Reads happened even when the transaction failed; its writes did not.
    fold(this._layers[0].metrics, READ_KEYS);
    activeTracker = null;
  }
  return originalRollback.call(this);
};

const scans = new WeakMap(); // DatabaseFake -> Map<queryId, scan state>
const database = DatabaseFake.prototype;
const originalStartQuery = database.startQuery;
const originalQueryNext = database.queryNext;

database.startQuery = function (query) {
  const queryId = originalStartQuery.call(this, query);
  const hasFilter = (query.operators ?? []).some((operator) => "filter" in operator);
  if (hasFilter) {
    const { sortedDocs, limit } = this._resolveQuerySource(query);
    if (!scans.has(this)) scans.set(this, new Map());
    scans.get(this).set(queryId, { docs: sortedDocs, position: 0, returned: 0, limit });
  }
  return queryId;
};

database.queryNext = function (queryId) {
  const result = originalQueryNext.call(this, queryId);
  const scan = scans.get(this)?.get(queryId);
  if (scan === undefined) return result;
  const chargeSkipped = (stopAt) => {
    for (; scan.position < stopAt; scan.position += 1) {
      activeTracker?.trackRead(getDocumentSize(scan.docs[scan.position]));
    }
  };
  if (!result.done && result.value !== null) {
    // Every document between the previous match and this one was read and
    // rejected by the filter; the match itself is counted by convex-test.
    const matchAt = scan.docs.findIndex((doc, i) => i >= scan.position && doc._id === result.value._id);
    chargeSkipped(matchAt === -1 ? scan.position : matchAt);
    scan.position += 1;
    scan.returned += 1;
  } else {
    // The stream ran dry: the scan read to the end of its range, unless a
    // `.take()` limit stopped it at the last match.
    if (scan.limit === null || scan.returned < scan.limit) chargeSkipped(scan.docs.length);
    scans.get(this).delete(queryId);
  }
  return result;
};

// `.paginate()` reads documents in one go (DatabaseFake.paginate); convex-test
// then counts only the documents of the page. Every document the filter
// rejected on the way was read too: charge it as it is rejected.
const originalPaginate = database.paginate;
database.paginate = function (request) {
  const resolveSource = this._resolveQuerySource;
  this._resolveQuerySource = function (query) {
    const resolved = resolveSource.call(this, query);
    const accepts = resolved.filterFn;
    const filterFn = (doc) => {
      const accepted = accepts(doc);
      if (!accepted) activeTracker?.trackRead(getDocumentSize(doc));
      return accepted;
    };
    return { ...resolved, filterFn };
  };
  try {
    return originalPaginate.call(this, request);
  } finally {
    delete this._resolveQuerySource; // the prototype's method shows through again
  }
};
