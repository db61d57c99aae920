// Search over messages: full text search (a query, so it is reactive) and
// vector search (an action, because only actions may call ctx.vectorSearch).
import { pick } from "convex-helpers";
import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import { internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { action, internalAction, internalMutation, internalQuery, query } from "./_generated/server";
import { requireIdentity, requireUser } from "./model/auth";
import { EMBEDDING_DIMENSIONS, embedText, words } from "./model/embeddings";
import { paginateMessages } from "./model/repositories/messages";
import { checkLimit } from "./model/services/messages";
import {
  DEFAULT_SEARCH_LIMIT,
  loadSimilarMessages,
  MAX_SIMILAR_LIMIT,
  saveMessageEmbedding,
  searchMessagesAsMember,
  type SimilarMessage,
} from "./model/services/search";
import schema, { messageFields } from "./schema";

const messageDoc = schema.doc("messages");
const similarMessage = v.object({ message: messageDoc, score: v.number() });
const vectorMatch = v.object({ _id: v.id("messageEmbeddings"), _score: v.number() });

// --8<-- [start:search_query]
export const messages = query({
  args: { ...pick(messageFields, ["channelId"]), text: v.string(), limit: v.optional(v.number()) },
  returns: v.array(messageDoc),
  handler: async (ctx, { channelId, text, limit }) => {
    const reader = await requireUser(ctx);
    return await searchMessagesAsMember(ctx, reader, channelId, text, limit);
  },
});
// --8<-- [end:search_query]

// --8<-- [start:similar_action]
export const similar = action({
  args: { ...pick(messageFields, ["channelId"]), text: v.string(), limit: v.optional(v.number()) },
  returns: v.array(similarMessage),
  // The annotation breaks a type cycle: this module's type feeds `internal`.
  handler: async (ctx, { channelId, text, limit = DEFAULT_SEARCH_LIMIT }): Promise<SimilarMessage[]> => {
    await requireIdentity(ctx);
    checkLimit(limit, MAX_SIMILAR_LIMIT);
    if (words(text).length === 0) {
      return [];
    }
    // 1. Embed the search text the same way the messages were embedded.
    // 2. Ask the vector index for the closest vectors in this channel only.
    const matches = await ctx.vectorSearch("messageEmbeddings", "by_embedding", {
      vector: embedText(text),
      limit,
      filter: (q) => q.eq("channelId", channelId),
    });
    // 3. Load the documents in a query, which also checks membership (the
    //    caller's identity travels with ctx.runQuery).
    return await ctx.runQuery(internal.search.loadSimilar, { channelId, matches });
  },
});
// --8<-- [end:similar_action]

export const loadSimilar = internalQuery({
  args: { ...pick(messageFields, ["channelId"]), matches: v.array(vectorMatch) },
  returns: v.array(similarMessage),
  handler: async (ctx, { channelId, matches }) => {
    const reader = await requireUser(ctx);
    return await loadSimilarMessages(ctx, reader, channelId, matches);
  },
});

type PageToEmbed = { page: { _id: Id<"messages">; body: string }[]; isDone: boolean; continueCursor: string };

// --8<-- [start:embed_channel]
// Backfill: embed every message of a channel, one page per transaction. An
// action, because a real embedding model is a network call; the reads and
// writes it needs are internal functions, each its own transaction.
export const embedChannel = internalAction({
  args: { ...pick(messageFields, ["channelId"]), pageSize: v.optional(v.number()) },
  returns: v.object({ embedded: v.number() }),
  handler: async (ctx, { channelId, pageSize = 100 }): Promise<{ embedded: number }> => {
    let cursor: string | null = null;
    let embedded = 0;
    for (;;) {
      // Annotated to break the type cycle through `internal`.
      const page: PageToEmbed = await ctx.runQuery(internal.search.messagesToEmbed, {
        channelId,
        paginationOpts: { numItems: pageSize, cursor },
      });
      const items = page.page.map((message) => ({ messageId: message._id, embedding: embedText(message.body) }));
      embedded += await ctx.runMutation(internal.search.saveEmbeddings, { items });
      if (page.isDone) return { embedded };
      cursor = page.continueCursor;
    }
  },
});
// --8<-- [end:embed_channel]

export const messagesToEmbed = internalQuery({
  args: { ...pick(messageFields, ["channelId"]), paginationOpts: paginationOptsValidator },
  returns: v.object({
    page: v.array(v.object({ _id: v.id("messages"), body: v.string() })),
    isDone: v.boolean(),
    continueCursor: v.string(),
  }),
  handler: async (ctx, { channelId, paginationOpts }) => {
    const result = await paginateMessages(ctx, channelId, paginationOpts, "asc");
    return {
      page: result.page.map(({ _id, body }) => ({ _id, body })),
      isDone: result.isDone,
      continueCursor: result.continueCursor,
    };
  },
});

export const saveEmbeddings = internalMutation({
  args: {
    items: v.array(v.object({ messageId: v.id("messages"), embedding: v.array(v.float64()) })),
  },
  returns: v.number(),
  handler: async (ctx, { items }) => {
    let saved = 0;
    for (const { messageId, embedding } of items) {
      if (embedding.length !== EMBEDDING_DIMENSIONS) {
        throw new Error(`expected ${EMBEDDING_DIMENSIONS} dimensions, got ${embedding.length}`);
      }
      if (await saveMessageEmbedding(ctx, messageId, embedding)) saved++;
    }
    return saved;
  },
});
