// A time-dependent query done the reactive way: the client passes the point
// in time as an argument instead of the query calling Date.now().
// (The anti-pattern it replaces: snippets/antipatterns/nondeterministicQuery.ts.)
import { v } from "convex/values";
import { query } from "./_generated/server";
import { requireUser } from "./model/auth";
import { countMessagesSince } from "./model/services/activity";

// --8<-- [start:recent_count_query]
export const recentCount = query({
  // `since` comes from the client, rounded down (e.g. to the minute) so that
  // every client in that minute shares one cached, subscribed result. The
  // query's result depends only on its arguments and the documents it read,
  // so Convex knows exactly when to re-run it.
  args: { channelId: v.id("channels"), since: v.number() },
  returns: v.object({ count: v.number(), capped: v.boolean() }),
  handler: async (ctx, { channelId, since }) => {
    const reader = await requireUser(ctx);
    return await countMessagesSince(ctx, reader, channelId, since);
  },
});
// --8<-- [end:recent_count_query]
