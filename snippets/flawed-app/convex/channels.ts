// Channels of the flawed app (sound: the flaws are elsewhere).
import { v } from "convex/values";
import { mutation } from "./_generated/server";

export const create = mutation({
  args: { name: v.string() },
  returns: v.id("channels"),
  handler: async (ctx, { name }) => {
    if ((await ctx.auth.getUserIdentity()) === null) throw new Error("Not signed in");
    return await ctx.db.insert("channels", { name });
  },
});
