// ANTI-PATTERN: `.collect()` everything, then keep a few in JavaScript.
// What is wrong, and the fix:
//
// 1. `.collect()` reads every document the query matches into memory and
//    counts each one against the transaction's limits (32,000 documents,
//    16 MiB read), only for `.slice()` to throw nearly all of them away.
// 2. The query re-runs whenever ANY message of the channel changes, because
//    it read all of them: a busy channel keeps every viewer's query busy.
//
// Fix: let the index order the documents and stop early: `.order("desc")`
// plus `.take(limit)` (convex/model/repositories/messages.ts,
// `listLatestMessages`), or `.paginate()` for "load more".
//
// This file is not part of the deployed app (it is outside convex/).
import type { Doc, Id } from "../convex/_generated/dataModel";
import type { QueryCtx } from "../convex/_generated/server";

// --8<-- [start:collect_then_slice]
export async function latestMessagesByCollect(
  ctx: QueryCtx,
  channelId: Id<"channels">,
  limit: number,
): Promise<Doc<"messages">[]> {
  const all = await ctx.db
    .query("messages")
    .withIndex("by_channel", (q) => q.eq("channelId", channelId))
    .collect();
  return all.slice(-limit);
}
// --8<-- [end:collect_then_slice]
