// Live queries: what `client.subscribe()` asks the sidecar to keep current.
//
// Each live query remembers its last result and its read set (readsets.mjs).
// After a request commits writes, only the live queries whose read set those
// writes touch run again, as on a deployment; a query whose result did not
// change reports nothing. A client's `set_auth` re-runs that client's live
// queries under the new identity, since what a query returns may depend on it.
import { takeCommittedWrites, trackReads } from "./readsets.mjs";

export class LiveQueries {
  /** `evaluate(query)` runs one live query ({ name, args, identity }) and returns {value} or {error}. */
  constructor(evaluate) {
    this._evaluate = evaluate;
    this._queries = new Map(); // id -> { name, args, identity, last, readSet, runs }
  }

  get size() {
    return this._queries.size;
  }

  async _run(query) {
    const { result, readSet } = await trackReads(() => this._evaluate(query));
    query.readSet = readSet;
    query.runs = (query.runs ?? 0) + 1;
    return result;
  }

  /** Starts a live query and returns its first result. */
  async add(id, query) {
    const result = await this._run(query);
    query.last = JSON.stringify(result);
    this._queries.set(id, query);
    return result;
  }

  /** Each live query and how many times it has run: what subscriptions cost the backend. */
  describe() {
    return [...this._queries].map(([id, { name, runs }]) => ({ id, name, runs }));
  }

  remove(id) {
    this._queries.delete(id);
  }

  /** Forgets every live query and every write not yet looked at (the database was replaced). */
  clear() {
    this._queries.clear();
    takeCommittedWrites();
  }

  async _rerun(id, query, updates) {
    const result = await this._run(query);
    const serialised = JSON.stringify(result);
    if (serialised !== query.last) {
      query.last = serialised;
      updates.push({ id, ...result });
    }
  }

  /** Re-runs the live queries that writes committed since the last refresh touched; returns the changed results. */
  async refresh() {
    const changes = takeCommittedWrites();
    const updates = [];
    if (changes.size === 0 || this._queries.size === 0) return updates;
    for (const [id, query] of this._queries) {
      if (query.readSet.touchedBy(changes)) await this._rerun(id, query, updates);
    }
    return updates;
  }

  /** Re-runs some live queries as another identity (a client signed in or out); returns the changed results. */
  async reauthenticate(ids, identity) {
    const updates = [];
    for (const id of ids) {
      const query = this._queries.get(id);
      if (query === undefined) continue;
      query.identity = identity;
      await this._rerun(id, query, updates);
    }
    return updates;
  }
}
