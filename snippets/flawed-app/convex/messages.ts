// Messages of the flawed app: four review findings in one module.
import { v } from "convex/values";
import { mutation, query } from "./_generated/server";

const message = v.object({
  _id: v.id("messages"),
  _creationTime: v.number(),
  channelId: v.id("channels"),
  authorId: v.id("users"),
  body: v.string(),
});

// --8<-- [start:send]
// FLAW (security: identity from ctx.auth): the author is whatever id the
// client sends. Anyone can post as anyone. Fixed: convex/fixed/messages.ts.
export const send = mutation({
  args: { channelId: v.id("channels"), authorId: v.id("users"), body: v.string() },
  returns: v.id("messages"),
  handler: async (ctx, { channelId, authorId, body }) => {
    return await ctx.db.insert("messages", { channelId, authorId, body });
  },
});
// --8<-- [end:send]

// --8<-- [start:list_by_channel]
// FLAW (query performance: index, not .filter; bounded reads): `.filter`
// walks every message of every channel, although a `by_channel` index
// exists, and `.collect()` returns the whole history. Reads grow with the
// table, not with the answer. Fixed: convex/fixed/messages.ts.
export const listByChannel = query({
  args: { channelId: v.id("channels") },
  returns: v.array(message),
  handler: async (ctx, { channelId }) => {
    return await ctx.db
      .query("messages")
      .filter((q) => q.eq(q.field("channelId"), channelId))
      .collect();
  },
});
// --8<-- [end:list_by_channel]

// --8<-- [start:count_all]
// FLAW (query performance: `.collect()` only on small, bounded results):
// loads every message to count them. Past 32,000 documents the query fails.
// Fixed: convex/fixed/messages.ts reads a page at a time.
export const countAll = query({
  args: {},
  returns: v.number(),
  handler: async (ctx) => {
    const all = await ctx.db.query("messages").collect();
    return all.length;
  },
});
// --8<-- [end:count_all]

// --8<-- [start:recent]
// FLAW (real-time: no Date.now() in queries): the result depends on the
// clock, which Convex does not track. A subscription is not re-run as time
// passes, so "recent" goes stale, and the result cannot be cached.
// Fixed: convex/fixed/messages.ts takes the cut-off as an argument.
export const recent = query({
  args: { channelId: v.id("channels") },
  returns: v.array(message),
  handler: async (ctx, { channelId }) => {
    const fiveMinutesAgo = Date.now() - 5 * 60 * 1000;
    return await ctx.db
      .query("messages")
      .withIndex("by_channel", (q) => q.eq("channelId", channelId).gt("_creationTime", fiveMinutesAgo))
      .take(100);
  },
});
// --8<-- [end:recent]
