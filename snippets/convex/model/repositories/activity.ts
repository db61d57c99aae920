// Time-range reads over messages. Every index ends with _creationTime, so a
// range on it after the equality on channelId is still one index range.
import type { Doc, Id } from "../../_generated/dataModel";
import type { QueryCtx } from "../../_generated/server";

// --8<-- [start:messages_since]
export async function takeMessagesSince(
  ctx: QueryCtx,
  channelId: Id<"channels">,
  since: number,
  limit: number,
): Promise<Doc<"messages">[]> {
  return await ctx.db
    .query("messages")
    .withIndex("by_channel", (q) => q.eq("channelId", channelId).gte("_creationTime", since))
    .take(limit);
}
// --8<-- [end:messages_since]
