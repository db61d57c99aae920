// Data access for the `memberships` join table between users and channels.
import type { WithoutSystemFields } from "convex/server";
import type { Doc, Id } from "../../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../../_generated/server";

export type NewMembership = WithoutSystemFields<Doc<"memberships">>;

// --8<-- [start:find_membership]
export async function findMembership(
  ctx: QueryCtx,
  channelId: Id<"channels">,
  userId: Id<"users">,
): Promise<Doc<"memberships"> | null> {
  // Both equalities hit the composite index, so this is a point lookup no
  // matter how many members the channel or channels the user has.
  return await ctx.db
    .query("memberships")
    .withIndex("by_channel_and_user", (q) => q.eq("channelId", channelId).eq("userId", userId))
    .unique();
}
// --8<-- [end:find_membership]

export async function listMembershipsOfUser(ctx: QueryCtx, userId: Id<"users">): Promise<Doc<"memberships">[]> {
  // `.collect()` is fine here: the index bounds the read to this user's own
  // memberships, a set a person builds by hand. Unbounded sets (messages)
  // are read with `.take()` or `.paginate()` instead.
  // eslint-disable-next-line @convex-dev/no-collect-in-query -- bounded: one user's own memberships (see above)
  return await ctx.db
    .query("memberships")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .collect();
}

export async function insertMembership(ctx: MutationCtx, membership: NewMembership): Promise<Id<"memberships">> {
  return await ctx.db.insert("memberships", membership);
}
