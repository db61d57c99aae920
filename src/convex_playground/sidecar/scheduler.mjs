// The playground's clock, and the scheduler that runs scheduled functions and
// crons on it.
//
// The clock (what `Date.now()` and `new Date()` return in the app's code):
// * It reads the wall clock plus an offset, so timestamps look real (a webhook
//   signed with the current time verifies). `advance(ms)` jumps it forward;
//   `freeze()` stops it, so that only `advance` moves it; `unfreeze()` lets it
//   follow the wall clock again from where it is. It never goes backwards.
// * While a query or mutation runs, `Date.now()` keeps the value it had when
//   the function began, as in the Convex runtime (docs: functions/runtimes,
//   "Using randomness and time in queries and mutations"). Actions see it move.
//
// The scheduler: convex-test hands every scheduled function to this module
// (scheduler_hooks.mjs) instead of to a timer; crons come from crons.mjs.
// Nothing runs by itself: `advance(ms)` runs every job due at or before
// now + ms, one at a time, in due-time order (ties in the order they were
// scheduled), each with the clock set to its own due time; a job that a
// running job schedules joins the queue and runs in the same call if it falls
// due in time. Then the clock is moved to now + ms.
//
// Actions keep Node's real setTimeout: an action that waits 100 ms returns
// after 100 ms of real time.
import FakeTimers from "@sinonjs/fake-timers";
import { TransactionMetricsTracker } from "convex-test/dist/transactionMetrics.js";
import { SCHEDULED_FUNCTION_TIMER } from "./scheduler_hooks.mjs";

// A function that keeps scheduling work due at the same instant (runAfter(0)
// forever) would never let the clock move on; stop it after this many runs.
const MAX_RUNS_AT_ONE_TIME = 1000;

// ---------------------------------------------------------------- the clock
const wallNow = () => performance.timeOrigin + performance.now();

const clock = {
  offsetMs: 0,
  frozenAt: null, // a time in ms while frozen (by the user, or while a job runs)
  userFrozen: false,
  pinnedAt: null, // the time a query or mutation in progress began

  free() {
    return Math.floor(this.frozenAt ?? wallNow() + this.offsetMs);
  },
  read() {
    return this.pinnedAt ?? this.free();
  },
  /** Moves the clock to `ms` (never backwards), frozen there or following the wall clock from there. */
  moveTo(ms, frozen) {
    const target = Math.max(ms, this.free());
    if (frozen) {
      this.frozenAt = target;
    } else {
      this.frozenAt = null;
      this.offsetMs = target - wallNow();
    }
  },
};

// @sinonjs/fake-timers provides a complete fake Date (called with or without
// `new`, `instanceof`, `Date.now`). Its Date reads `now` from the clock object
// on every call; making that a getter lets it follow our clock without ticking.
const fakeDate = FakeTimers.install({ toFake: ["Date"], now: clock.read() });
Object.defineProperty(fakeDate, "now", {
  get: () => clock.read(),
  set() {
    throw new Error("the playground's clock moves only through advance()");
  },
  configurable: true,
});

// A query or mutation sees the time its transaction began. The metrics
// tracker's outermost layer marks the transaction (see instrument.mjs).
const tracker = TransactionMetricsTracker.prototype;
const startTransaction = tracker.startTransaction;
const commit = tracker.commit;
const rollback = tracker.rollback;
tracker.startTransaction = function (...args) {
  if (this._layers.length === 0) clock.pinnedAt = clock.free();
  return startTransaction.apply(this, args);
};
tracker.commit = function (...args) {
  if (this._layers.length === 1) clock.pinnedAt = null;
  return commit.apply(this, args);
};
tracker.rollback = function (...args) {
  if (this._layers.length === 1) clock.pinnedAt = null;
  return rollback.apply(this, args);
};

// ---------------------------------------------------------------- the scheduler
/**
 * The playground's scheduler. `deps`:
 * - observe(fn): runs fn and returns {value | error, logs, metrics, durationMs};
 * - functionKind(name): "query" | "mutation" | "action" | undefined;
 * - runFunction(kind, name, args): runs an app function as the system does (no identity);
 * - crons(): the cron jobs (crons.mjs readCrons), read again at each reset;
 * - failure(message, functionName): the error to throw when a job runs away.
 */
export function createScheduler({ observe, functionKind, runFunction, crons, failure }) {
  let queue = []; // {at, seq, kind: "scheduled", job, start} | {at, seq, kind: "cron", cron}
  let sequence = 0;
  let cronJobs = [];
  let running = null;

  const enqueue = (entry) => queue.push({ ...entry, seq: sequence++ });

  globalThis[SCHEDULED_FUNCTION_TIMER] = (start, _delayMs, job) => {
    enqueue({ at: Math.round(job.scheduledTime), kind: "scheduled", job, start });
    return { scheduledFunctionId: job.jobId }; // convex-test never clears these timers
  };

  function armCrons() {
    const deployedAt = clock.read();
    cronJobs = crons().map((cron) => ({ ...cron, nextRunAt: cron.nextRunAfter(null, deployedAt) }));
    for (const cron of cronJobs) enqueue({ at: cron.nextRunAt, kind: "cron", cron });
  }

  function takeNextDue(target) {
    let best = -1;
    for (let i = 0; i < queue.length; i++) {
      const entry = queue[i];
      if (entry.at > target) continue;
      if (best === -1 || entry.at < queue[best].at || (entry.at === queue[best].at && entry.seq < queue[best].seq)) best = i;
    }
    return best === -1 ? null : queue.splice(best, 1)[0];
  }

  /** Sets the clock to a run's due time: still for a query or mutation, moving for an action. */
  function startRunAt(at, kind) {
    clock.moveTo(at, clock.userFrozen || kind === "query" || kind === "mutation");
  }

  async function runScheduledFunction({ at, job, start }) {
    startRunAt(at, functionKind(job.name));
    const outcome = await observe(() => start());
    if (outcome.error !== undefined) throw outcome.error; // convex-test itself failed, not the function
    const doc = job.read();
    // No document: the transaction that scheduled it rolled back. Canceled:
    // cancelled before it was due. Neither ran.
    if (doc === null || doc === undefined || doc.state.kind === "canceled" || doc.state.kind === "pending") return null;
    return {
      kind: "scheduled",
      id: job.jobId,
      name: job.componentPath ? `${job.componentPath}/${job.name}` : job.name,
      args: doc.args[0] ?? {},
      state: doc.state.kind,
      error: doc.state.error ?? null,
      scheduledTime: at,
      ...report(outcome),
    };
  }

  async function runCron({ at, cron }) {
    const kind = functionKind(cron.functionName);
    startRunAt(at, kind);
    const outcome = await observe(() => runFunction(kind, cron.functionName, cron.args));
    cron.nextRunAt = cron.nextRunAfter(at, at);
    enqueue({ at: cron.nextRunAt, kind: "cron", cron });
    return {
      kind: "cron",
      id: cron.identifier,
      name: cron.functionName,
      args: cron.args,
      state: outcome.error === undefined ? "success" : "failed",
      error: outcome.error === undefined ? null : outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
      scheduledTime: at,
      ...report(outcome),
    };
  }

  const report = ({ logs, metrics, durationMs }) => ({ logs, metrics, durationMs });

  armCrons();

  return {
    now: () => clock.read(),

    freeze() {
      clock.userFrozen = true;
      clock.moveTo(clock.read(), true);
      return clock.read();
    },

    unfreeze() {
      clock.userFrozen = false;
      clock.moveTo(clock.read(), false);
      return clock.read();
    },

    /** The job running now, for error messages. */
    running: () => running,

    /** Whether a query or mutation is in progress (it holds convex-test's database until it ends). */
    inTransaction: () => clock.pinnedAt !== null,

    /**
     * Runs every job due at or before now + `ms` (see the top of this file)
     * and returns what ran. Stops between two jobs once `signal` is aborted.
     */
    async advance(ms, signal) {
      const start = clock.read();
      const requested = start + ms;
      let target = requested;
      // Hold the clock while the window is worked through: the time this
      // machine takes to run the jobs is not playground time, so work that a
      // job schedules with no delay falls due inside the window however busy
      // the machine is.
      clock.moveTo(start, true);
      let runsPastRequested = 0;
      const ran = [];
      let lastAt = null;
      let runsAtLastAt = 0;
      let reachedTarget = false;
      try {
        for (;;) {
          if (signal?.aborted) return ran;
          const entry = takeNextDue(target);
          if (entry === null) break;
          runsAtLastAt = entry.at === lastAt ? runsAtLastAt + 1 : 1;
          lastAt = entry.at;
          const name = entry.kind === "cron" ? entry.cron.functionName : entry.job.name;
          if (runsAtLastAt > MAX_RUNS_AT_ONE_TIME) {
            queue.push(entry);
            throw failure(`more than ${MAX_RUNS_AT_ONE_TIME} scheduled runs were due at the same time ` +
              `(${new Date(entry.at).toISOString()}): ${name} keeps scheduling work with no delay. The clock stopped there.`, name);
          }
          if (entry.at > requested && ++runsPastRequested > MAX_RUNS_AT_ONE_TIME) {
            queue.push(entry);
            throw failure(`more than ${MAX_RUNS_AT_ONE_TIME} scheduled runs followed one another with no delay after ` +
              `the window's end: ${name} keeps scheduling work with no delay. The clock stopped there.`, name);
          }
          running = { name, at: entry.at };
          const run = entry.kind === "cron" ? await runCron(entry) : await runScheduledFunction(entry);
          if (run !== null) ran.push(run);
          // An action runs on a moving clock: work it scheduled with no delay is
          // due when it ended, so the window stretches to then. Hold the clock again.
          target = Math.max(target, clock.free());
          clock.moveTo(clock.free(), true);
        }
        reachedTarget = true;
        return ran;
      } finally {
        running = null;
        // Runs set the clock to their own time; leave it as the user set it.
        clock.moveTo(reachedTarget ? target : clock.free(), clock.userFrozen);
      }
    },

    /** The cron jobs with their next due time. */
    crons: () => cronJobs.map(({ identifier, functionName, args, schedule, nextRunAt }) => ({
      name: identifier, function: functionName, args, schedule, nextRun: nextRunAt,
    })),

    /** Forgets every pending job, puts the clock back on the wall clock and deploys the crons again. */
    reset() {
      queue = [];
      clock.userFrozen = false;
      clock.frozenAt = null;
      clock.offsetMs = 0;
      armCrons();
    },
  };
}
