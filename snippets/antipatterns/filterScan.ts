// ANTI-PATTERN: finding documents with `.filter()` instead of an index range.
// What is wrong, and the fix:
//
// 1. `messagesSinceByScan` filters the whole `messages` table. `.filter()`
//    does not narrow what Convex reads: every document it passes over counts
//    as read (and against the 32,000-documents limit), so the query slows
//    down, and then fails, as the table grows, whatever the answer's size.
// 2. `messagesSinceByIndexThenFilter` uses the `by_channel` index, which is
//    better, but applies the time condition with `.filter()`: it still reads
//    the channel's entire history to return the last few minutes of it.
// 3. `authorMessagesByIndexThenFilter` has the same problem for "messages by
//    one author in a channel": no index covers both fields.
//
// Fix: put every equality and the range into `.withIndex`, in index-field
// order: `q.eq("channelId", c).gte("_creationTime", since)` on `by_channel`
// (every index ends with `_creationTime`), as `messagesSinceByIndexRange`
// below does through the reference app's repository. For (3), add a
// composite index ["channelId", "authorId"] (notebook 2's exercise).
//
// This file is not part of the deployed app (it is outside convex/). Notebook
// 2 copies it into a scratch copy of the app to measure it.
import { v } from "convex/values";
import type { Doc, Id } from "../convex/_generated/dataModel";
import { internalQuery, type QueryCtx } from "../convex/_generated/server";
import { takeMessagesSince } from "../convex/model/repositories/activity";
import schema from "../convex/schema";

export const LIMIT = 100;

// --8<-- [start:filter_scan]
export async function scanMessagesSince(
  ctx: QueryCtx,
  channelId: Id<"channels">,
  since: number,
): Promise<Doc<"messages">[]> {
  // Reads the table from its first document until it has found LIMIT
  // matches: the recent messages are at the end, so it reads everything.
  return await ctx.db
    .query("messages")
    .filter((q) => q.and(q.eq(q.field("channelId"), channelId), q.gte(q.field("_creationTime"), since)))
    .take(LIMIT);
}
// --8<-- [end:filter_scan]

// --8<-- [start:index_then_filter]
export async function filterChannelMessagesSince(
  ctx: QueryCtx,
  channelId: Id<"channels">,
  since: number,
): Promise<Doc<"messages">[]> {
  // The index narrows to one channel; the filter then reads all of it.
  return await ctx.db
    .query("messages")
    .withIndex("by_channel", (q) => q.eq("channelId", channelId))
    .filter((q) => q.gte(q.field("_creationTime"), since))
    .take(LIMIT);
}
// --8<-- [end:index_then_filter]

// --8<-- [start:author_then_filter]
export async function filterChannelMessagesByAuthor(
  ctx: QueryCtx,
  channelId: Id<"channels">,
  authorId: Id<"users">,
): Promise<Doc<"messages">[]> {
  return await ctx.db
    .query("messages")
    .withIndex("by_channel", (q) => q.eq("channelId", channelId))
    .filter((q) => q.eq(q.field("authorId"), authorId))
    .take(LIMIT);
}
// --8<-- [end:author_then_filter]

// The three ways to answer "this channel's messages since `since`" as
// internal queries, so that notebook 2 can call and measure each one. The
// last is THE FIX: the reference app's repository function, one index range
// (`takeMessagesSince` in convex/model/repositories/activity.ts).
const sinceArgs = { channelId: v.id("channels"), since: v.number() };
const messageList = v.array(schema.doc("messages"));

export const messagesSinceByScan = internalQuery({
  args: sinceArgs,
  returns: messageList,
  handler: (ctx, { channelId, since }) => scanMessagesSince(ctx, channelId, since),
});

export const messagesSinceByIndexThenFilter = internalQuery({
  args: sinceArgs,
  returns: messageList,
  handler: (ctx, { channelId, since }) => filterChannelMessagesSince(ctx, channelId, since),
});

export const messagesSinceByIndexRange = internalQuery({
  args: sinceArgs,
  returns: messageList,
  handler: (ctx, { channelId, since }) => takeMessagesSince(ctx, channelId, since, LIMIT),
});

export const authorMessagesByIndexThenFilter = internalQuery({
  args: { channelId: v.id("channels"), authorId: v.id("users") },
  returns: messageList,
  handler: (ctx, { channelId, authorId }) => filterChannelMessagesByAuthor(ctx, channelId, authorId),
});
