// The one lock every request to the backend takes: the sidecar's own requests
// from Python, and the requests of Convex's official clients (client_protocol.mjs,
// sync.mjs). convex-test holds a single in-memory database, so work runs one
// request at a time, in arrival order; a deployment serialises conflicting
// transactions too (optimistic concurrency), and here every pair conflicts.

let tail = Promise.resolve();

/** Runs `work()` once everything queued before it has finished; resolves or rejects with its outcome. */
export function exclusive(work) {
  const run = tail.then(() => work());
  tail = run.catch(() => {}); // the next request waits for this one, however it ends
  return run;
}
