// Public and internal functions for messages. Clients subscribe to `list`
// (or `listPage`); every committed `send` re-runs those subscriptions.
import { pick } from "convex-helpers";
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { internal } from "./_generated/api";
import { internalMutation, mutation, query } from "./_generated/server";
import { requireUser } from "./model/auth";
import {
  deleteMessagesBatch,
  listRecentMessages,
  pageMessages,
  sendMessage,
  type DeleteBatchResult,
} from "./model/services/messages";
import { messageWithAuthor } from "./model/validators";
import { messageFields } from "./schema";

// --8<-- [start:send_mutation]
export const send = mutation({
  // Reused from the schema: the client cannot send an authorId, because the
  // author is whoever the auth token says is calling.
  args: pick(messageFields, ["channelId", "body"]),
  returns: v.id("messages"),
  handler: async (ctx, { channelId, body }) => {
    const author = await requireUser(ctx);
    return await sendMessage(ctx, author, channelId, body);
  },
});
// --8<-- [end:send_mutation]

// --8<-- [start:list_query]
export const list = query({
  args: { ...pick(messageFields, ["channelId"]), limit: v.optional(v.number()) },
  returns: v.array(messageWithAuthor),
  handler: async (ctx, { channelId, limit }) => {
    const reader = await requireUser(ctx);
    return await listRecentMessages(ctx, reader, channelId, limit);
  },
});
// --8<-- [end:list_query]

// --8<-- [start:list_page_query]
export const listPage = query({
  args: { ...pick(messageFields, ["channelId"]), paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(messageWithAuthor),
  handler: async (ctx, { channelId, paginationOpts }) => {
    const reader = await requireUser(ctx);
    return await pageMessages(ctx, reader, channelId, paginationOpts);
  },
});
// --8<-- [end:list_page_query]

// --8<-- [start:delete_for_channel]
// Internal: server-side clean-up (an admin tool, a cron, a future
// channels:remove), never a client. It deletes one batch per transaction
// and schedules itself until the channel is empty.
export const deleteForChannel = internalMutation({
  args: { ...pick(messageFields, ["channelId"]), batchSize: v.optional(v.number()) },
  returns: v.object({ deleted: v.number(), hasMore: v.boolean() }),
  // The annotation breaks a type cycle: this module's type feeds `internal`,
  // which the handler uses.
  handler: async (ctx, { channelId, batchSize = 100 }): Promise<DeleteBatchResult> => {
    const result = await deleteMessagesBatch(ctx, channelId, batchSize);
    if (result.hasMore) {
      await ctx.scheduler.runAfter(0, internal.messages.deleteForChannel, { channelId, batchSize });
    }
    return result;
  },
});
// --8<-- [end:delete_for_channel]
