// The caller, from the verified token (a smaller cousin of the reference
// app's convex/model/auth.ts).
import type { Doc } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";

export async function requireUser(ctx: QueryCtx): Promise<Doc<"users">> {
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null) throw new Error("Not signed in");
  const user = await ctx.db
    .query("users")
    .withIndex("by_token", (q) => q.eq("tokenIdentifier", identity.tokenIdentifier))
    .unique();
  if (user === null) throw new Error("Call users:store first");
  return user;
}
