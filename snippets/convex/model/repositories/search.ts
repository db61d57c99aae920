// Data access for search: the `search_body` full text index on messages and
// the `messageEmbeddings` table behind vector search.
import type { Doc, Id } from "../../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../../_generated/server";

// --8<-- [start:search_messages]
export async function searchChannelMessages(
  ctx: QueryCtx,
  channelId: Id<"channels">,
  text: string,
  limit: number,
): Promise<Doc<"messages">[]> {
  // The channel is an equality filter inside the search index, so Convex
  // ranks only this channel's matches: never "search everything, then
  // drop other channels" with `.filter`, which reads what it drops.
  return await ctx.db
    .query("messages")
    .withSearchIndex("search_body", (q) => q.search("body", text).eq("channelId", channelId))
    .take(limit);
}
// --8<-- [end:search_messages]

export async function findEmbeddingForMessage(
  ctx: QueryCtx,
  messageId: Id<"messages">,
): Promise<Doc<"messageEmbeddings"> | null> {
  return await ctx.db
    .query("messageEmbeddings")
    .withIndex("by_message", (q) => q.eq("messageId", messageId))
    .unique();
}

export async function upsertEmbedding(
  ctx: MutationCtx,
  message: Pick<Doc<"messages">, "_id" | "channelId">,
  embedding: number[],
): Promise<void> {
  const existing = await findEmbeddingForMessage(ctx, message._id);
  if (existing === null) {
    await ctx.db.insert("messageEmbeddings", { messageId: message._id, channelId: message.channelId, embedding });
  } else {
    await ctx.db.patch("messageEmbeddings", existing._id, { embedding });
  }
}

export async function getEmbedding(
  ctx: QueryCtx,
  embeddingId: Id<"messageEmbeddings">,
): Promise<Doc<"messageEmbeddings"> | null> {
  return await ctx.db.get("messageEmbeddings", embeddingId);
}

export async function getMessage(ctx: QueryCtx, messageId: Id<"messages">): Promise<Doc<"messages"> | null> {
  return await ctx.db.get("messages", messageId);
}

