# Second correct answers for notebooks/10-messaging-feature.ipynb. Each step's
# answer must also work under the next step's shipped solution (the test runs
# them in turn on one scratch app), so the names the reference feature imports
# (reactionEmoji, reactionFields, ReactionEmoji, the index name) are kept.

# --8<-- [start:reactions-table]
REACTION_FIELDS = """
export const reactionEmoji = v.union(v.literal("😂"), v.literal("🎉"), v.literal("❤️"), v.literal("👍"));
export const reactionFields = { messageId: v.id("messages"), userId: v.id("users"), emoji: reactionEmoji };
"""
REACTIONS_TABLE = """
  reactions: defineTable({ ...reactionFields })
    .index("by_message_user_emoji", ["messageId", "userId", "emoji"])
    // Everything one person reacted with, for when an account is deleted.
    .index("by_user", ["userId"]),
"""
if PLAYGROUND:
    capstone.write_schema(app, REACTION_FIELDS, REACTIONS_TABLE)
    print(capstone.load(app, pg))
# --8<-- [end:reactions-table]

# --8<-- [start:reactions-repository]
REPOSITORY_SOURCE = """
import type { Doc, Id } from "../../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../../_generated/server";

export type ReactionEmoji = Doc<"reactions">["emoji"];

function reactionsTo(ctx: QueryCtx, messageId: Id<"messages">) {
  return ctx.db.query("reactions").withIndex("by_message_user_emoji", (q) => q.eq("messageId", messageId));
}

export async function findReaction(ctx: QueryCtx, messageId: Id<"messages">, userId: Id<"users">, emoji: ReactionEmoji) {
  return await ctx.db
    .query("reactions")
    .withIndex("by_message_user_emoji", (q) => q.eq("messageId", messageId).eq("userId", userId).eq("emoji", emoji))
    .first();
}

export async function listReactions(ctx: QueryCtx, messageId: Id<"messages">) {
  const found: Doc<"reactions">[] = [];
  for await (const reaction of reactionsTo(ctx, messageId)) found.push(reaction);
  return found;
}

export const insertReaction = (ctx: MutationCtx, reaction: Pick<Doc<"reactions">, "messageId" | "userId" | "emoji">) =>
  ctx.db.insert("reactions", reaction);

export async function deleteReaction(ctx: MutationCtx, reactionId: Id<"reactions">) {
  await ctx.db.delete("reactions", reactionId);
}
"""
if PLAYGROUND:
    print(capstone.install(app, pg, "convex/model/repositories/reactions.ts", REPOSITORY_SOURCE))
# --8<-- [end:reactions-repository]

# --8<-- [start:reactions-service]
SERVICE_SOURCE = """
import type { Doc, Id } from "../../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../../_generated/server";
import { appError } from "../errors";
import { deleteReaction, findReaction, insertReaction, listReactions, type ReactionEmoji } from "../repositories/reactions";
import { requireMembership } from "./channels";

async function memberOfMessageChannel(ctx: QueryCtx, user: Doc<"users">, messageId: Id<"messages">) {
  const message = await ctx.db.get("messages", messageId);
  if (message === null) throw appError({ code: "MESSAGE_NOT_FOUND", message: "No such message.", messageId });
  await requireMembership(ctx, user, message.channelId);
}

export async function toggleReaction(ctx: MutationCtx, user: Doc<"users">, messageId: Id<"messages">, emoji: ReactionEmoji) {
  await memberOfMessageChannel(ctx, user, messageId);
  const existing = await findReaction(ctx, messageId, user._id, emoji);
  if (existing) {
    await deleteReaction(ctx, existing._id);
  } else {
    await insertReaction(ctx, { messageId, userId: user._id, emoji });
  }
  return existing === null;
}

export async function countReactions(ctx: QueryCtx, reader: Doc<"users">, messageId: Id<"messages">) {
  await memberOfMessageChannel(ctx, reader, messageId);
  const byAge = [...(await listReactions(ctx, messageId))].sort((a, b) => a._creationTime - b._creationTime);
  const emojis = [...new Set(byAge.map((reaction) => reaction.emoji))];
  return emojis.map((emoji) => {
    const these = byAge.filter((reaction) => reaction.emoji === emoji);
    return { emoji, count: these.length, reactedByMe: these.some((reaction) => reaction.userId === reader._id) };
  });
}
"""
if PLAYGROUND:
    print(capstone.install(app, pg, "convex/model/services/reactions.ts", SERVICE_SOURCE))
# --8<-- [end:reactions-service]

# --8<-- [start:reactions-functions]
PUBLIC_SOURCE = """
import { v } from "convex/values";
import { mutation, query } from "./_generated/server";
import { requireUser } from "./model/auth";
import { countReactions, toggleReaction } from "./model/services/reactions";
import { reactionEmoji } from "./schema";

export const toggle = mutation({
  args: { messageId: v.id("messages"), emoji: reactionEmoji },
  returns: v.boolean(),
  handler: async (ctx, args) => toggleReaction(ctx, await requireUser(ctx), args.messageId, args.emoji),
});

export const counts = query({
  args: { messageId: v.id("messages") },
  returns: v.array(v.object({ emoji: reactionEmoji, count: v.number(), reactedByMe: v.boolean() })),
  handler: async (ctx, { messageId }) => countReactions(ctx, await requireUser(ctx), messageId),
});
"""
if PLAYGROUND:
    print(capstone.install(app, pg, "convex/reactions.ts", PUBLIC_SOURCE))
# --8<-- [end:reactions-functions]

# --8<-- [start:reactions-test]
TEST_SOURCE = """
import { expect, test } from "vitest";
import { api } from "../convex/_generated/api";
import { channelWithMembers, expectAppError, newBackend } from "./support/backend";

test("a reaction toggled twice is gone, and outsiders cannot react", async () => {
  const t = newBackend();
  const { ada, grace, linus, channelId } = await channelWithMembers(t);
  const messageId = await grace.as.mutation(api.messages.send, { channelId, body: "lunch?" });

  await ada.as.mutation(api.reactions.toggle, { messageId, emoji: "😂" });
  await ada.as.mutation(api.reactions.toggle, { messageId, emoji: "😂" });
  const rows = await grace.as.query(api.reactions.counts, { messageId });
  expect(rows.filter((row) => row.count > 0)).toHaveLength(0);

  await expectAppError(linus.as.mutation(api.reactions.toggle, { messageId, emoji: "😂" }), "NOT_A_MEMBER");
  expect(await t.run((ctx) => ctx.db.query("reactions").collect())).toHaveLength(0);
});
"""
# --8<-- [end:reactions-test]
