// Users of the flawed app.
import type { Id } from "./_generated/dataModel";
import { mutation } from "./_generated/server";
import { v } from "convex/values";

// Sound: the caller's identity comes from the verified token.
export const store = mutation({
  args: {},
  returns: v.id("users"),
  handler: async (ctx) => {
    const identity = await ctx.auth.getUserIdentity();
    if (identity === null) throw new Error("Not signed in");
    const existing = await ctx.db
      .query("users")
      .withIndex("by_token", (q) => q.eq("tokenIdentifier", identity.tokenIdentifier))
      .unique();
    if (existing !== null) return existing._id;
    return await ctx.db.insert("users", {
      name: identity.name ?? "Anonymous",
      tokenIdentifier: identity.tokenIdentifier,
      isAdmin: false,
    });
  },
});

// --8<-- [start:update_profile]
// FLAW (security: argument validators; security: identity from ctx.auth):
// no `args` validator, so the TypeScript type below is a wish, not a check.
// Any client can send any userId and any fields, including
// `{ isAdmin: true }`, and they are patched straight in.
// Fixed: convex/fixed/users.ts.
export const updateProfile = mutation({
  handler: async (ctx, args: { userId: Id<"users">; fields: { name?: string } }) => {
    await ctx.db.patch("users", args.userId, args.fields);
  },
});
// --8<-- [end:update_profile]
