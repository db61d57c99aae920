// The one lock every request to the backend takes: the sidecar's own requests
// from Python, and the requests of Convex's official clients (client_protocol.mjs,
// sync.mjs). convex-test holds a single in-memory database, so work runs one
// request at a time, in arrival order; a deployment serialises conflicting
// transactions too (optimistic concurrency), and here every pair conflicts.

let tail = Promise.resolve();
let unfinished = 0; // requests started or queued and not yet settled

const settled = () => {
  unfinished -= 1;
};

/** Runs `work()` once everything queued before it has finished; resolves or rejects with its outcome. */
export function exclusive(work) {
  unfinished += 1;
  // With nothing running, start at once rather than a turn of the microtask queue later.
  const run = unfinished === 1 ? startNow(work) : tail.then(() => work());
  tail = run.then(settled, settled); // the next request waits for this one, however it ends
  return run;
}

function startNow(work) {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}
