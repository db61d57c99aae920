// Live queries: what `client.subscribe()` asks the sidecar to keep current.
//
// The sidecar keeps its live queries in a Map (id -> { name, args, identity,
// last, readSet, runs }); these functions run them. Each run records the
// query's read set (readsets.mjs). After a request commits writes, only the
// live queries whose read set those writes touch run again, as on a
// deployment; one whose result did not change reports nothing. A client's
// `set_auth` re-runs that client's live queries under the new identity, since
// what a query returns may depend on it.
import { takeCommittedWrites, trackReads } from "./readsets.mjs";

/** Runs one live query with `run(sub)` (which returns {value} or {error}) and remembers what it read. */
export async function runTracked(sub, run) {
  const { result, readSet } = await trackReads(() => run(sub));
  sub.readSet = readSet;
  sub.runs = (sub.runs ?? 0) + 1;
  return result;
}

async function rerun(id, sub, run, updates) {
  const result = await runTracked(sub, run);
  const serialised = JSON.stringify(result);
  if (serialised !== sub.last) {
    sub.last = serialised;
    updates.push({ id, ...result });
  }
}

// Other live queries that see the same writes: the official clients' (sync.mjs).
const writeListeners = [];
const listening = []; // per listener: whether it has live queries now

/**
 * `listener(changes)` runs on every batch of committed writes a refresh collects, before these live queries;
 * `hasLiveQueries()` says whether it has any to update.
 */
export function onCommittedWrites(listener, hasLiveQueries = () => true) {
  writeListeners.push(listener);
  listening.push(hasLiveQueries);
}

/** True when no live query exists anywhere, so that a refresh could only drop the committed writes. */
export function nothingLive(subscriptions) {
  return subscriptions.size === 0 && !listening.some((hasLiveQueries) => hasLiveQueries());
}

/** Re-runs the live queries that writes committed since the last call touched; returns the changed results. */
export async function refreshTouched(subscriptions, run) {
  const changes = takeCommittedWrites();
  const updates = [];
  if (changes.size === 0) return updates;
  for (const listener of writeListeners) await listener(changes);
  for (const [id, sub] of subscriptions) {
    // A live query added before its first tracked run has no read set yet: run it to be safe.
    if (sub.readSet === undefined || sub.readSet.touchedBy(changes)) await rerun(id, sub, run, updates);
  }
  return updates;
}

/** Re-runs some live queries as another identity (a client signed in or out); returns the changed results. */
export async function rerunAs(subscriptions, ids, identity, run) {
  const updates = [];
  for (const id of ids) {
    const sub = subscriptions.get(id);
    if (sub === undefined) continue;
    sub.identity = identity;
    await rerun(id, sub, run, updates);
  }
  return updates;
}

/** Each live query and how many times it has run: what subscriptions cost the backend. */
export function describeLiveQueries(subscriptions) {
  return [...subscriptions].map(([id, { name, runs }]) => ({ id, name, runs: runs ?? 0 }));
}

/**
 * A request's result with the live-query updates found after it (`late`): appended to
 * its own `updates` when it has some, else under `liveUpdates` (the playground's
 * Python side delivers those for every request).
 */
export function withLateUpdates(result, late) {
  if (late.length === 0 || result === null || typeof result !== "object" || Array.isArray(result)) return result;
  if (Array.isArray(result.updates)) return { ...result, updates: [...result.updates, ...late] };
  return { ...result, liveUpdates: late };
}
