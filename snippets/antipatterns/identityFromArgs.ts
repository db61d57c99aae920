// ANTI-PATTERN: trusting a `userId` argument to say who is calling.
//
// What is wrong: arguments are whatever the client sends. Any signed-in (or
// signed-out) visitor can call `listFilesOf` with someone else's user id,
// copied from a URL or a message author, and read their files. The function
// "checks" nothing that the caller does not control.
//
// Fix: take the caller from the verified token, never from arguments:
// `requireUser(ctx)` (convex/model/auth.ts), or build the function with
// `authedQuery`, which puts the resolved user on `ctx.user` and applies
// row-level rules to `ctx.db` (convex/model/functions.ts, convex/files.ts).
import { v } from "convex/values";
import { query } from "../convex/_generated/server";
import schema from "../convex/schema";

// --8<-- [start:identity_from_args]
export const listFilesOf = query({
  args: { userId: v.id("users") }, // ← the client picks whose files it gets
  returns: v.array(schema.doc("files")),
  handler: async (ctx, { userId }) => {
    return await ctx.db
      .query("files")
      .withIndex("by_owner", (q) => q.eq("ownerId", userId))
      .take(100);
  },
});
// --8<-- [end:identity_from_args]
