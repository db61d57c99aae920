// Business rules for search: only members search a channel, result counts
// are bounded, and an empty search finds nothing rather than everything.
import type { Doc, Id } from "../../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../../_generated/server";
import { words } from "../embeddings";
import { getEmbedding, getMessage, searchChannelMessages, upsertEmbedding } from "../repositories/search";
import { requireMembership } from "./channels";
import { checkLimit } from "./messages";

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 100;
// Convex returns at most 256 vector matches per search; this app needs far fewer.
export const MAX_SIMILAR_LIMIT = 50;

export type SimilarMessage = { message: Doc<"messages">; score: number };


// --8<-- [start:search_rule]
export async function searchMessagesAsMember(
  ctx: QueryCtx,
  reader: Doc<"users">,
  channelId: Id<"channels">,
  text: string,
  limit: number = DEFAULT_SEARCH_LIMIT,
): Promise<Doc<"messages">[]> {
  await requireMembership(ctx, reader, channelId);
  checkLimit(limit, MAX_SEARCH_LIMIT);
  // No words, no search: an empty box shows nothing instead of an error.
  if (words(text).length === 0) {
    return [];
  }
  return await searchChannelMessages(ctx, channelId, text, limit);
}
// --8<-- [end:search_rule]

// --8<-- [start:load_similar_rule]
// Vector search returns ids and scores only; this turns them into messages,
// inside a query, where the membership check and the reads share one
// consistent snapshot.
export async function loadSimilarMessages(
  ctx: QueryCtx,
  reader: Doc<"users">,
  channelId: Id<"channels">,
  matches: { _id: Id<"messageEmbeddings">; _score: number }[],
): Promise<SimilarMessage[]> {
  await requireMembership(ctx, reader, channelId);
  const results: SimilarMessage[] = [];
  for (const match of matches) {
    const embedding = await getEmbedding(ctx, match._id);
    const message = embedding && (await getMessage(ctx, embedding.messageId));
    // Skip what was deleted since the search ran, and anything from another
    // channel (the filter already excludes it; this is defence in depth).
    if (message && message.channelId === channelId) {
      results.push({ message, score: match._score });
    }
  }
  return results;
}
// --8<-- [end:load_similar_rule]

/** Embeds one message's body and stores (or refreshes) its vector. */
export async function saveMessageEmbedding(
  ctx: MutationCtx,
  messageId: Id<"messages">,
  embedding: number[],
): Promise<boolean> {
  const message = await getMessage(ctx, messageId);
  if (message === null) {
    return false;
  }
  await upsertEmbedding(ctx, message, embedding);
  return true;
}
