# Solutions to the exercises of notebooks/03-layers.ipynb.
# Each section replaces the exercise cell of the same id.

# --8<-- [start:thin-wrapper]
SHOUT_SOURCE = """
import { pick } from "convex-helpers";
import { v } from "convex/values";
import { mutation } from "./_generated/server";
import { requireUser } from "./model/auth";
import { sendMessage } from "./model/services/messages";
import { messageFields } from "./schema";

export const send = mutation({
  args: pick(messageFields, ["channelId", "body"]),
  returns: v.id("messages"),
  handler: async (ctx, { channelId, body }) => {
    const author = await requireUser(ctx);
    return await sendMessage(ctx, author, channelId, body.toUpperCase());
  },
});
"""
if PLAYGROUND:
    write_module(app, "convex/shout.ts", SHOUT_SOURCE)
    pg.restart()  # reloads the code; the scratch database starts empty again
# --8<-- [end:thin-wrapper]
