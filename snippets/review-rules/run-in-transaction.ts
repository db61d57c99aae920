// ANTI-PATTERN for the reviewer's rule `run-in-transaction`
// (docs/reference/rules/run-in-transaction.md): a mutation that calls another
// mutation through `ctx.runMutation`. The call runs as a nested transaction
// with the overhead of a function call (argument and return validation, a new
// context) to do what a plain TypeScript function does in the same
// transaction. Fix: share the code as a helper in convex/model, as the
// reference app's `channels.create` calls `createChannel`.
import { v } from "convex/values";
import { internal } from "../convex/_generated/api";
import { mutation } from "../convex/_generated/server";
import { requireUser } from "../convex/model/auth";

// --8<-- [start:bad]
export const sendAndTouch = mutation({
  args: { channelId: v.id("channels"), body: v.string() },
  returns: v.null(),
  handler: async (ctx, { channelId, body }) => {
    const user = await requireUser(ctx);
    await ctx.db.insert("messages", { channelId, authorId: user._id, body });
    // A second function call, its own sub-transaction, for work a helper does inline.
    await ctx.runMutation(internal.users.upsertFromAuthProvider, {
      tokenIdentifier: user.tokenIdentifier,
      name: user.name,
      email: user.email,
    });
    return null;
  },
});
// --8<-- [end:bad]
