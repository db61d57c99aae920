# Solutions to the exercises of notebooks/04-transactions.ipynb.
# Each section replaces the exercise cell of the same id.

# --8<-- [start:atomic-launch]
LAUNCH_SOURCE = """
import { v } from "convex/values";
import { mutation } from "./_generated/server";
import { requireUser } from "./model/auth";
import { createChannel } from "./model/services/channels";
import { sendMessage } from "./model/services/messages";

export const createWithWelcome = mutation({
  args: { name: v.string(), welcome: v.string() },
  returns: v.id("channels"),
  handler: async (ctx, { name, welcome }) => {
    const creator = await requireUser(ctx);
    const channelId = await createChannel(ctx, creator, name);
    // No try/catch: if the welcome message is refused, the error propagates,
    // the mutation fails, and the channel insert is discarded with it.
    await sendMessage(ctx, creator, channelId, welcome);
    return channelId;
  },
});
"""
if PLAYGROUND:
    app, scratch = scratch_app("nb04")
    write_module(app, "convex/launch.ts", LAUNCH_SOURCE)
    scratch.restart()
# --8<-- [end:atomic-launch]
