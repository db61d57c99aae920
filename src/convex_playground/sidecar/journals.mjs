// Query journals: what keeps a live paginated query's page the same range of
// documents when it runs again.
//
// On a deployment, the first run of a query that calls `.paginate()` records
// where its page ended (the end cursor) in the query's *journal*; the backend
// sends the journal to the client with the result, and every later run of that
// subscription uses it, so the page grows or shrinks with inserts and deletes
// instead of sliding (an item pushed off the end of page 1 would otherwise be
// on neither page 1 nor page 2, which starts at page 1's old continueCursor).
// Clients hand the journal back when they re-subscribe after a reconnect.
//
// convex-test's paginate() already takes an `endCursor`; this module supplies
// it from the journal of the live query being run. A journal is a JSON string
// {"endCursor": ...} or null (a query that did not paginate).
import { ScopedStorage } from "./scoped_storage.mjs";
import { __playgroundDatabaseFake as DatabaseFake } from "convex-test";

const running = new ScopedStorage(); // { endCursor, recorded } of the live query being run

/** Parses a journal sent by a client; a malformed one counts as none, as a fresh subscription. */
function readJournal(journal) {
  if (typeof journal !== "string") return null;
  try {
    const parsed = JSON.parse(journal);
    return typeof parsed?.endCursor === "string" ? parsed.endCursor : null;
  } catch {
    return null;
  }
}

/** Runs `fn` (one run of a live query) under `journal`; returns its result and the journal to keep. */
export async function runWithJournal(journal, fn) {
  const state = { endCursor: readJournal(journal), recorded: null };
  const result = await running.run(state, fn);
  const endCursor = state.endCursor ?? state.recorded;
  return { result, journal: endCursor === null ? null : JSON.stringify({ endCursor }) };
}

const currentPaginate = DatabaseFake.prototype.paginate;
DatabaseFake.prototype.paginate = function (request, ...rest) {
  const state = running.getStore();
  if (state === undefined || request?.endCursor) return currentPaginate.call(this, request, ...rest);
  const bounded = state.endCursor === null ? request : { ...request, endCursor: state.endCursor };
  const page = currentPaginate.call(this, bounded, ...rest);
  if (state.endCursor === null && typeof page?.continueCursor === "string") state.recorded = page.continueCursor;
  return page;
};
