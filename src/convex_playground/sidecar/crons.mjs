// The app's cron jobs (the default export of convex/crons.ts), read as a
// deployment reads them, with the times each one is due on the playground clock.
//
// `cronJobs()` from convex/server collects each job as
// {name: function name, args: [JSON args], schedule}. How a deployment turns a
// schedule into run times (convex-backend, crates/model/src/cron_jobs/next_ts.rs):
// * interval: the first run when the jobs are deployed, then every interval
//   after the previous run's due time;
// * hourly / daily / weekly / monthly: the cron expression
//   "minute hour day-of-month * day-of-week" in UTC, minute 0 when `minuteUTC`
//   is left out;
// * cron: the 5-field expression itself, in UTC.
// A deployment also spreads runs by a random delay (over the hour when no
// minute is given, within the minute otherwise) so jobs sharing a schedule do
// not all fire at once. The playground does not: each run is due exactly on
// its schedule, so tests are repeatable.
import { CronExpressionParser } from "cron-parser";

const DAYS_OF_WEEK = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const INTERVAL_UNITS_MS = { seconds: 1_000, minutes: 60_000, hours: 3_600_000 };

function cronExpression(schedule) {
  const minute = schedule.minuteUTC ?? 0;
  switch (schedule.type) {
    case "hourly":
      return `${minute} * * * *`;
    case "daily":
      return `${minute} ${schedule.hourUTC} * * *`;
    case "weekly":
      return `${minute} ${schedule.hourUTC} * * ${DAYS_OF_WEEK.indexOf(schedule.dayOfWeek)}`;
    case "monthly":
      return `${minute} ${schedule.hourUTC} ${schedule.day} * *`;
    case "cron":
      return schedule.cron;
    default:
      return null;
  }
}

function intervalMs(schedule) {
  const [unit] = Object.keys(INTERVAL_UNITS_MS).filter((key) => schedule[key] !== undefined);
  return schedule[unit] * INTERVAL_UNITS_MS[unit];
}

/** A function giving, for a due time, the next due time after it (null for the first run). */
function nextRunAfter(identifier, schedule, where) {
  if (schedule.type === "interval") {
    const every = intervalMs(schedule);
    return (previousMs, deployedMs) => (previousMs === null ? deployedMs : previousMs + every);
  }
  const expression = cronExpression(schedule);
  if (expression === null) throw new Error(`${where}: cron "${identifier}" has an unknown schedule type ${JSON.stringify(schedule.type)}`);
  // Convex takes standard 5-field expressions; cron-parser would also take a
  // leading seconds field, which a deployment refuses.
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new Error(`${where}: cron "${identifier}": ${JSON.stringify(expression)} is not a 5-field cron expression ` +
      "(minute hour day-of-month month day-of-week, in UTC)");
  }
  try {
    CronExpressionParser.parse(expression, { tz: "UTC" });
  } catch (error) {
    throw new Error(`${where}: cron "${identifier}": ${JSON.stringify(expression)} is not a valid cron expression: ${error.message}`);
  }
  return (previousMs, deployedMs) => {
    const after = previousMs ?? deployedMs;
    return CronExpressionParser.parse(expression, { currentDate: new Date(after), tz: "UTC" }).next().getTime();
  };
}

/**
 * The cron jobs a crons.ts module exports, as
 * [{identifier, functionName, args, schedule, nextRunAfter(previousMs, deployedMs)}].
 * `where` names the file in error messages.
 */
export function readCrons(cronsModule, where) {
  const exported = cronsModule.default;
  if (exported === undefined) return [];
  if (exported === null || typeof exported !== "object" || typeof exported.crons !== "object" || !exported.isCrons) {
    throw new Error(`${where}: the default export must be the object cronJobs() returns (import { cronJobs } from "convex/server")`);
  }
  return Object.entries(exported.crons).map(([identifier, { name, args, schedule }]) => ({
    identifier,
    functionName: name,
    args: args?.[0] ?? {},
    schedule,
    nextRunAfter: nextRunAfter(identifier, schedule, where),
  }));
}
