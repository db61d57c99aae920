// ANTI-PATTERN: database and scheduler calls that are not awaited.
// What is wrong, and the fix:
//
// A promise that is not awaited may not have finished when the function
// returns, and its error is never seen: a delete that failed, a job that was
// never scheduled, with a success reported to the client.
// (https://docs.convex.dev/understanding/best-practices/#await-all-promises)
//
// Fix: await every promise; for many at once, `await Promise.all(...)`
// (convex/model/services/messages.ts, `deleteMessagesBatch`). The
// typescript-eslint rule `no-floating-promises` finds the rest.
import type { Id } from "../../convex/_generated/dataModel";
import type { MutationCtx } from "../../convex/_generated/server";

// --8<-- [start:floating_promise]
export async function deleteChannelMessages(ctx: MutationCtx, channelId: Id<"channels">): Promise<void> {
  const messages = await ctx.db
    .query("messages")
    .withIndex("by_channel", (q) => q.eq("channelId", channelId))
    .take(100);
  for (const message of messages) {
    ctx.db.delete("messages", message._id); // not awaited
  }
}
// --8<-- [end:floating_promise]
