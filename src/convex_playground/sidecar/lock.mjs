// The one lock every request to the backend takes: the sidecar's own requests
// from Python, and the requests of Convex's official clients (client_protocol.mjs,
// sync.mjs). convex-test holds a single in-memory database, so work runs one
// request at a time, in arrival order; a deployment serialises conflicting
// transactions too (optimistic concurrency), and here every pair conflicts.
//
// The lock is a queue of turns rather than a chain of promises: a request from
// Python gives its turn back itself, when it is answered (on time or at its time
// limit), which costs no promise per request.

const waiting = []; // starts of the turns not begun yet, in arrival order
let busy = false; // a turn has begun and is not released
let pumping = false;

// Begins queued turns while the lock is free. A turn released at once (inside its
// start) lets the loop begin the next one, without nesting a call per turn.
function pump() {
  if (pumping) return;
  pumping = true;
  try {
    while (!busy && waiting.length > 0) {
      busy = true;
      const start = waiting.shift();
      let released = false;
      start(() => {
        if (released) return;
        released = true;
        busy = false;
        pump();
      });
    }
  } finally {
    pumping = false;
  }
}

/**
 * Calls `start(release)` once every turn taken before has been released (at once
 * when the lock is free); the turn lasts until `release()` is called (more calls do
 * nothing). `start` must not throw.
 */
export function takeTurn(start) {
  waiting.push(start);
  pump();
}

/** Runs `work()` once everything queued before it has finished; resolves or rejects with its outcome. */
export function exclusive(work) {
  return new Promise((resolve, reject) => {
    takeTurn((release) => {
      let run;
      try {
        run = Promise.resolve(work());
      } catch (error) {
        run = Promise.reject(error);
      }
      // The caller's continuation runs before the next turn begins, as when the lock was a promise chain.
      run.then((value) => {
        resolve(value);
        queueMicrotask(release);
      }, (error) => {
        reject(error);
        queueMicrotask(release);
      });
    });
  });
}
