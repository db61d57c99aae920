# --8<-- [start:guard-latest]
LATEST_MODULE = """
import { v } from "convex/values";
import type { Id } from "./_generated/dataModel";
import { query, type QueryCtx } from "./_generated/server";
import { requireUser } from "./model/auth";
import { requireMembership } from "./model/services/channels";

async function requireReader(ctx: QueryCtx, channelId: Id<"channels">) {
  await requireMembership(ctx, await requireUser(ctx), channelId);
}

export const latest = query({
  args: { channelId: v.id("channels") },
  returns: v.array(v.string()),
  handler: async (ctx, { channelId }) => {
    await requireReader(ctx, channelId);
    const messages = await ctx.db
      .query("messages")
      .withIndex("by_channel", (q) => q.eq("channelId", channelId))
      .order("desc")
      .take(10);
    return messages.map(({ body }) => body);
  },
});
"""

if PLAYGROUND:
    write_module(scratch, "convex/latest.ts", LATEST_MODULE)
    spg.restart()
# --8<-- [end:guard-latest]
