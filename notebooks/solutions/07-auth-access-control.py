# Solutions to the exercises of notebooks/07-auth-access-control.ipynb.
# Each section replaces the exercise cell of the same id.

# --8<-- [start:guard-latest]
LATEST_MODULE = """
import { v } from "convex/values";
import { query } from "./_generated/server";
import { requireUser } from "./model/auth";
import { requireMembership } from "./model/services/channels";

// The ten latest message bodies of a channel, for members only.
export const latest = query({
  args: { channelId: v.id("channels") },
  returns: v.array(v.string()),
  handler: async (ctx, { channelId }) => {
    const reader = await requireUser(ctx); // authentication: who is calling?
    await requireMembership(ctx, reader, channelId); // authorization: may they read it?
    const messages = await ctx.db
      .query("messages")
      .withIndex("by_channel", (q) => q.eq("channelId", channelId))
      .order("desc")
      .take(10);
    return messages.map((message) => message.body);
  },
});
"""

if PLAYGROUND:
    write_module(scratch, "convex/latest.ts", LATEST_MODULE)
    spg.restart()  # reloads the app, with an empty database
# --8<-- [end:guard-latest]
