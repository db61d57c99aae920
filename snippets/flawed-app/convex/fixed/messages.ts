// The fixed message functions, one per finding in convex/messages.ts.
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { mutation, query } from "../_generated/server";
import { requireUser } from "./auth";

const message = v.object({
  _id: v.id("messages"),
  _creationTime: v.number(),
  channelId: v.id("channels"),
  authorId: v.id("users"),
  body: v.string(),
});

// --8<-- [start:send]
export const send = mutation({
  // No authorId argument: the author is the signed-in caller.
  args: { channelId: v.id("channels"), body: v.string() },
  returns: v.id("messages"),
  handler: async (ctx, { channelId, body }) => {
    const author = await requireUser(ctx);
    return await ctx.db.insert("messages", { channelId, authorId: author._id, body });
  },
});
// --8<-- [end:send]

// --8<-- [start:list_by_channel]
export const listByChannel = query({
  args: { channelId: v.id("channels") },
  returns: v.array(message),
  handler: async (ctx, { channelId }) => {
    // An index range: reads this channel's newest 50 messages and nothing else.
    const newestFirst = await ctx.db
      .query("messages")
      .withIndex("by_channel", (q) => q.eq("channelId", channelId))
      .order("desc")
      .take(50);
    return newestFirst.reverse();
  },
});
// --8<-- [end:list_by_channel]

// --8<-- [start:page_all]
// One bounded page per call; a client (or an action, for a report) follows
// the cursor. A count shown on every page load would instead be a
// denormalised counter kept by the mutations that insert and delete.
export const pageAll = query({
  args: { paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(message),
  handler: async (ctx, { paginationOpts }) => {
    return await ctx.db.query("messages").paginate(paginationOpts);
  },
});
// --8<-- [end:page_all]

// --8<-- [start:recent]
export const recent = query({
  // The client passes the cut-off, rounded down to the minute, so every
  // call within a minute has the same arguments (and the same cached result),
  // and the query depends only on its arguments and the database.
  args: { channelId: v.id("channels"), since: v.number() },
  returns: v.array(message),
  handler: async (ctx, { channelId, since }) => {
    return await ctx.db
      .query("messages")
      .withIndex("by_channel", (q) => q.eq("channelId", channelId).gt("_creationTime", since))
      .take(100);
  },
});
// --8<-- [end:recent]
