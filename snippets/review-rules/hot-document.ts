// Examples for the reviewer's rule `hot-document` (docs/reference/rules/hot-document.md).
//
// BAD: every message sent increments one counter document. Two sends at the
// same moment both read and write it, so Convex's optimistic concurrency
// retries one of them; under load the retries pile up and mutations fail.
// GOOD: each send writes only its own new document; the count is read from
// an index range when it is needed (or spread over several counter shards).
import { v } from "convex/values";
import { mutation, query } from "../convex/_generated/server";
import { requireUser } from "../convex/model/auth";

// --8<-- [start:bad]
export const sendCounted = mutation({
  args: { channelId: v.id("channels"), body: v.string() },
  returns: v.null(),
  handler: async (ctx, { channelId, body }) => {
    const user = await requireUser(ctx);
    await ctx.db.insert("messages", { channelId, authorId: user._id, body });
    const channel = await ctx.db.get("channels", channelId);
    if (channel === null) throw new Error("No such channel");
    // Stands for a "last activity" or counter field: every send in the channel
    // rewrites this one document, so concurrent sends conflict on it.
    await ctx.db.patch("channels", channelId, { name: channel.name });
    return null;
  },
});
// --8<-- [end:bad]

// --8<-- [start:good]
export const sendUncounted = mutation({
  args: { channelId: v.id("channels"), body: v.string() },
  returns: v.null(),
  handler: async (ctx, { channelId, body }) => {
    const user = await requireUser(ctx);
    // Writes one new document only: concurrent sends never touch the same one.
    await ctx.db.insert("messages", { channelId, authorId: user._id, body });
    return null;
  },
});

export const recentCount = query({
  args: { channelId: v.id("channels") },
  returns: v.number(),
  handler: async (ctx, { channelId }) => {
    await requireUser(ctx);
    const recent = await ctx.db
      .query("messages")
      .withIndex("by_channel", (q) => q.eq("channelId", channelId))
      .order("desc")
      .take(100);
    return recent.length;
  },
});
// --8<-- [end:good]
