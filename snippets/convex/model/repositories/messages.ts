// Data access for the `messages` table. Every read goes through the
// `by_channel` index, whose order (channelId, then _creationTime) is the
// order messages were sent in.
import type { PaginationOptions, PaginationResult, WithoutSystemFields } from "convex/server";
import type { Doc, Id } from "../../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../../_generated/server";

export type NewMessage = WithoutSystemFields<Doc<"messages">>;

export async function findMessageById(ctx: QueryCtx, messageId: Id<"messages">): Promise<Doc<"messages"> | null> {
  return await ctx.db.get("messages", messageId);
}

export async function insertMessage(ctx: MutationCtx, message: NewMessage): Promise<Id<"messages">> {
  return await ctx.db.insert("messages", message);
}

// --8<-- [start:list_channel_messages]
export async function listLatestMessages(
  ctx: QueryCtx,
  channelId: Id<"channels">,
  limit: number,
): Promise<Doc<"messages">[]> {
  // Walk the index from the newest end and stop after `limit` documents:
  // the read costs `limit` documents whether the channel holds ten
  // messages or ten million. Reversing restores reading order for the UI.
  const newestFirst = await ctx.db
    .query("messages")
    .withIndex("by_channel", (q) => q.eq("channelId", channelId))
    .order("desc")
    .take(limit);
  return newestFirst.reverse();
}
// --8<-- [end:list_channel_messages]

export async function paginateMessages(
  ctx: QueryCtx,
  channelId: Id<"channels">,
  paginationOpts: PaginationOptions,
  // Newest first by default: the first page is what a chat shows on open, and
  // each further page scrolls back in time. Batch jobs walk oldest first.
  order: "asc" | "desc" = "desc",
): Promise<PaginationResult<Doc<"messages">>> {
  return await ctx.db
    .query("messages")
    .withIndex("by_channel", (q) => q.eq("channelId", channelId))
    .order(order)
    .paginate(paginationOpts);
}

export async function takeOldestMessages(
  ctx: QueryCtx,
  channelId: Id<"channels">,
  count: number,
): Promise<Doc<"messages">[]> {
  return await ctx.db
    .query("messages")
    .withIndex("by_channel", (q) => q.eq("channelId", channelId))
    .take(count);
}

export async function deleteMessage(ctx: MutationCtx, messageId: Id<"messages">): Promise<void> {
  await ctx.db.delete("messages", messageId);
}
