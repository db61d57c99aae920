// Public functions for reactions: who is calling comes from the auth token,
// the arguments from the schema's validators, the rules from the service.
import { pick } from "convex-helpers";
import { v } from "convex/values";
import { mutation, query } from "./_generated/server";
import { requireUser } from "./model/auth";
import { countReactions, toggleReaction } from "./model/services/reactions";
import { reactionEmoji, reactionFields } from "./schema";

// --8<-- [start:toggle_mutation]
export const toggle = mutation({
  // No userId argument: the reaction is always the caller's own.
  args: pick(reactionFields, ["messageId", "emoji"]),
  returns: v.boolean(),
  handler: async (ctx, { messageId, emoji }) => {
    const user = await requireUser(ctx);
    return await toggleReaction(ctx, user, messageId, emoji);
  },
});
// --8<-- [end:toggle_mutation]

// --8<-- [start:counts_query]
export const counts = query({
  args: pick(reactionFields, ["messageId"]),
  returns: v.array(v.object({ emoji: reactionEmoji, count: v.number(), reactedByMe: v.boolean() })),
  handler: async (ctx, { messageId }) => {
    const reader = await requireUser(ctx);
    return await countReactions(ctx, reader, messageId);
  },
});
// --8<-- [end:counts_query]
