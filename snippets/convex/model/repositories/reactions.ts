// Data access for the `reactions` table. Both reads go through the
// `by_message_user_emoji` index: a whole key for one person's reaction, the
// messageId prefix for everything a message got.
import type { Infer } from "convex/values";
import type { Doc, Id } from "../../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../../_generated/server";
import type { reactionEmoji } from "../../schema";

export type ReactionEmoji = Infer<typeof reactionEmoji>;

// --8<-- [start:find_reaction]
export async function findReaction(
  ctx: QueryCtx,
  messageId: Id<"messages">,
  userId: Id<"users">,
  emoji: ReactionEmoji,
): Promise<Doc<"reactions"> | null> {
  // Every index field is pinned, so this reads at most one document.
  return await ctx.db
    .query("reactions")
    .withIndex("by_message_user_emoji", (q) => q.eq("messageId", messageId).eq("userId", userId).eq("emoji", emoji))
    .unique();
}
// --8<-- [end:find_reaction]

export async function insertReaction(
  ctx: MutationCtx,
  reaction: { messageId: Id<"messages">; userId: Id<"users">; emoji: ReactionEmoji },
): Promise<Id<"reactions">> {
  return await ctx.db.insert("reactions", reaction);
}

export async function deleteReaction(ctx: MutationCtx, reactionId: Id<"reactions">): Promise<void> {
  await ctx.db.delete("reactions", reactionId);
}

// --8<-- [start:list_reactions]
export async function listReactions(ctx: QueryCtx, messageId: Id<"messages">): Promise<Doc<"reactions">[]> {
  // The prefix of the index: this message's reactions and no others, at
  // most four per member of its channel.
  // eslint-disable-next-line @convex-dev/no-collect-in-query -- bounded: one message's reactions (see above)
  return await ctx.db
    .query("reactions")
    .withIndex("by_message_user_emoji", (q) => q.eq("messageId", messageId))
    .collect();
}
// --8<-- [end:list_reactions]
