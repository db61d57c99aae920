# --8<-- [start:thin-wrapper]
SHOUT_SOURCE = """
import { pick } from "convex-helpers";
import { v } from "convex/values";
import { mutation } from "./_generated/server";
import { requireUser } from "./model/auth";
import { sendMessage } from "./model/services/messages";
import { messageFields } from "./schema";

const shoutArgs = pick(messageFields, ["channelId", "body"]);

export const send = mutation({
  args: shoutArgs,
  returns: v.id("messages"),
  handler: async (ctx, args) => {
    const loud = args.body.toLocaleUpperCase("en");
    return sendMessage(ctx, await requireUser(ctx), args.channelId, loud);
  },
});
"""
if PLAYGROUND:
    write_module(app, "convex/shout.ts", SHOUT_SOURCE)
    pg.restart()
# --8<-- [end:thin-wrapper]
