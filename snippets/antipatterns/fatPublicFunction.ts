// ANTI-PATTERN: a "fat" public mutation that does everything inline: looks up
// the caller, checks membership, validates the body and writes, all in the
// handler. It works, and that is why it spreads. What is wrong, and the fix:
//
// 1. Nothing in it can be reused: the next function that needs "who is
//    calling" or "is this a member" copies these lines, and the copies drift.
//    Fix: helpers in convex/model (requireUser, requireMembership) called by
//    thin public functions (convex/messages.ts `send`).
// 2. The caller is found with `.filter()`, which scans the users table; and
//    the membership with `.filter()`, which scans every membership.
//    Fix: the `by_token` and `by_channel_and_user` indexes, behind repository
//    functions (convex/model/repositories/*.ts).
// 3. Failures are plain `Error`s: a client cannot tell "not a member" from
//    "too long" from a bug, and in production sees only "Server Error".
//    Fix: ConvexError with a `code` (convex/model/errors.ts).
// 4. No `returns` validator, and a rule ("a message has 1 to 2,000
//    characters") that no test can reach without going through auth.
//    Fix: the rule lives in a service function that tests call directly.
//
// It lives outside convex/ and is not deployed; notebook 3 loads it into a
// scratch copy of the app to run it next to the layered version.
import { v } from "convex/values";
import { mutation } from "../convex/_generated/server";

// --8<-- [start:fat_send]
export const send = mutation({
  args: { channelId: v.id("channels"), body: v.string() },
  handler: async (ctx, { channelId, body }) => {
    const identity = await ctx.auth.getUserIdentity();
    if (!identity) throw new Error("Unauthenticated");
    const user = await ctx.db
      .query("users")
      .filter((q) => q.eq(q.field("tokenIdentifier"), identity.tokenIdentifier))
      .first();
    if (!user) throw new Error("User not found");
    const membership = await ctx.db
      .query("memberships")
      .filter((q) => q.and(q.eq(q.field("channelId"), channelId), q.eq(q.field("userId"), user._id)))
      .first();
    if (!membership) throw new Error("Not a member");
    const text = body.trim();
    if (text.length === 0 || text.length > 2000) throw new Error("Bad message");
    return await ctx.db.insert("messages", { channelId, authorId: user._id, body: text });
  },
});
// --8<-- [end:fat_send]
