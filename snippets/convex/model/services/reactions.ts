// Business rules for reactions: only members of a message's channel react
// or see the counts, and a person has at most one reaction per emoji on a
// message, which a second click takes back.
import type { Doc, Id } from "../../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../../_generated/server";
import { appError } from "../errors";
import { findMessageById } from "../repositories/messages";
import {
  deleteReaction,
  findReaction,
  insertReaction,
  listReactions,
  type ReactionEmoji,
} from "../repositories/reactions";
import { requireMembership } from "./channels";

export type ReactionCount = { emoji: ReactionEmoji; count: number; reactedByMe: boolean };

// Reacting to a message is a right of the channel's members, like reading it.
async function requireReadableMessage(
  ctx: QueryCtx,
  user: Doc<"users">,
  messageId: Id<"messages">,
): Promise<Doc<"messages">> {
  const message = await findMessageById(ctx, messageId);
  if (message === null) {
    throw appError({ code: "MESSAGE_NOT_FOUND", message: "This message no longer exists.", messageId });
  }
  await requireMembership(ctx, user, message.channelId);
  return message;
}

// --8<-- [start:toggle_reaction_rule]
/** Adds the caller's reaction, or takes it back if it is there; true when it is there afterwards. */
export async function toggleReaction(
  ctx: MutationCtx,
  user: Doc<"users">,
  messageId: Id<"messages">,
  emoji: ReactionEmoji,
): Promise<boolean> {
  await requireReadableMessage(ctx, user, messageId);
  // The read and the write are one transaction: two clicks racing each other
  // are serialized by Convex, so the pair never ends up stored twice.
  const existing = await findReaction(ctx, messageId, user._id, emoji);
  if (existing !== null) {
    await deleteReaction(ctx, existing._id);
    return false;
  }
  await insertReaction(ctx, { messageId, userId: user._id, emoji });
  return true;
}
// --8<-- [end:toggle_reaction_rule]

// --8<-- [start:count_reactions]
/** One row per emoji the message has, in the order of each emoji's oldest reaction. */
export async function countReactions(
  ctx: QueryCtx,
  reader: Doc<"users">,
  messageId: Id<"messages">,
): Promise<ReactionCount[]> {
  await requireReadableMessage(ctx, reader, messageId);
  // The index returns them by user and emoji; oldest first keeps the row
  // order stable while people click, instead of following user ids.
  const oldestFirst = (await listReactions(ctx, messageId)).sort((a, b) => a._creationTime - b._creationTime);
  // A Map keeps its keys in insertion order: here, each emoji's first use.
  const counts = new Map<ReactionEmoji, ReactionCount>();
  for (const reaction of oldestFirst) {
    const row = counts.get(reaction.emoji) ?? { emoji: reaction.emoji, count: 0, reactedByMe: false };
    row.count += 1;
    row.reactedByMe ||= reaction.userId === reader._id;
    counts.set(reaction.emoji, row);
  }
  return [...counts.values()];
}
// --8<-- [end:count_reactions]
