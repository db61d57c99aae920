# --8<-- [start:atomic-launch]
# Keep the log line, but re-throw: the mutation still fails, so nothing it wrote is kept.
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
    try {
      await sendMessage(ctx, creator, channelId, welcome);
    } catch (error) {
      console.warn("welcome message failed", error);
      throw error;
    }
    return channelId;
  },
});
"""
if PLAYGROUND:
    app, scratch = scratch_app("nb04")
    write_module(app, "convex/launch.ts", LAUNCH_SOURCE)
    scratch.restart()
# --8<-- [end:atomic-launch]
