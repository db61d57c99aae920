// Examples for the reviewer's rule `n-plus-one` (docs/reference/rules/n-plus-one.md).
//
// BAD: for each of a channel's memberships, one query to find the member's
// latest message: 1 + N index walks, each counted against the transaction's
// limits, and each a separate range the subscription depends on.
// GOOD: one index range answers the question for the whole channel, and the
// per-member step happens in memory.
import type { Doc, Id } from "../convex/_generated/dataModel";
import type { QueryCtx } from "../convex/_generated/server";

// --8<-- [start:bad]
export async function lastMessagePerMember(ctx: QueryCtx, channelId: Id<"channels">) {
  const members = await ctx.db
    .query("memberships")
    .withIndex("by_channel_and_user", (q) => q.eq("channelId", channelId))
    .take(200);
  const latest: Doc<"messages">[] = [];
  for (const member of members) {
    // One query per member: N more reads.
    const message = await ctx.db
      .query("messages")
      .withIndex("by_channel", (q) => q.eq("channelId", channelId))
      .filter((q) => q.eq(q.field("authorId"), member.userId))
      .order("desc")
      .first();
    if (message !== null) latest.push(message);
  }
  return latest;
}
// --8<-- [end:bad]

// --8<-- [start:good]
export async function lastMessagePerAuthor(ctx: QueryCtx, channelId: Id<"channels">) {
  // One bounded range, newest first; the first message seen per author is
  // that author's latest.
  const recent = await ctx.db
    .query("messages")
    .withIndex("by_channel", (q) => q.eq("channelId", channelId))
    .order("desc")
    .take(500);
  const latest = new Map<Id<"users">, Doc<"messages">>();
  for (const message of recent) {
    if (!latest.has(message.authorId)) latest.set(message.authorId, message);
  }
  return [...latest.values()];
}
// --8<-- [end:good]
