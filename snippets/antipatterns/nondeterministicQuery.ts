// ANTI-PATTERN: a query that reads the clock. What is wrong, and the fix:
//
// 1. A subscribed query is re-run when a document it read changes, not when
//    time passes. Date.now() inside a query is frozen at the start of that
//    run, so "messages in the last five minutes" stays as it was until some
//    unrelated write happens to re-run it: the badge shows stale numbers.
// 2. Convex also caches query results by arguments; a query that reads the
//    clock forces that cache to be invalidated often, which costs work.
// Fix: make time an argument (rounded by the client, e.g. to the minute, so
// clients share the cached result) as convex/activity.ts `recentCount` does,
// or store a coarse field that a scheduled function updates. See "Don't use
// Date.now() in queries" in https://docs.convex.dev/understanding/best-practices/.
import { v } from "convex/values";
import { query } from "../convex/_generated/server";
import { requireUser } from "../convex/model/auth";

// --8<-- [start:date_now_query]
export const recentCount = query({
  args: { channelId: v.id("channels") },
  returns: v.number(),
  handler: async (ctx, { channelId }) => {
    await requireUser(ctx);
    const fiveMinutesAgo = Date.now() - 5 * 60 * 1000; // frozen when this run started
    const recent = await ctx.db
      .query("messages")
      .withIndex("by_channel", (q) => q.eq("channelId", channelId).gte("_creationTime", fiveMinutesAgo))
      .take(101);
    return recent.length;
  },
});
// --8<-- [end:date_now_query]
