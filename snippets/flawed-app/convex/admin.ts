// Operator tools of the flawed app.
import { v } from "convex/values";
import { mutation } from "./_generated/server";

// --8<-- [start:purge_channel]
// FLAW (security / code organisation: internal functions): an operator tool
// exported as a public mutation, with no access check. Every client of the
// deployment can call it, signed in or not, and empty any channel.
// Notebook 11's exercise makes it internal.
export const purgeChannel = mutation({
  args: { channelId: v.id("channels") },
  returns: v.number(),
  handler: async (ctx, { channelId }) => {
    const messages = await ctx.db
      .query("messages")
      .withIndex("by_channel", (q) => q.eq("channelId", channelId))
      .take(1000);
    for (const message of messages) {
      await ctx.db.delete("messages", message._id);
    }
    return messages.length;
  },
});
// --8<-- [end:purge_channel]
