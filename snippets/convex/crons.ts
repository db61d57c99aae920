// Recurring jobs. Convex reads this file's default export on deploy and
// runs each job on its schedule; jobs call internal functions.
import { cronJobs } from "convex/server";
import { internal } from "./_generated/api";

// --8<-- [start:crons]
const crons = cronJobs();

// Webhook markers only need to outlive the provider's retry window.
crons.daily("prune webhook markers", { hourUTC: 3, minuteUTC: 15 }, internal.billing.pruneWebhookEvents, {});

export default crons;
// --8<-- [end:crons]
