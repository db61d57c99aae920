// Data access for the `channels` table.
import type { WithoutSystemFields } from "convex/server";
import type { Doc, Id } from "../../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../../_generated/server";

export type NewChannel = WithoutSystemFields<Doc<"channels">>;

export async function findChannelById(
  ctx: QueryCtx,
  channelId: Id<"channels">,
): Promise<Doc<"channels"> | null> {
  return await ctx.db.get("channels", channelId);
}

export async function findChannelByName(ctx: QueryCtx, name: string): Promise<Doc<"channels"> | null> {
  return await ctx.db
    .query("channels")
    .withIndex("by_name", (q) => q.eq("name", name))
    .unique();
}

export async function insertChannel(ctx: MutationCtx, channel: NewChannel): Promise<Id<"channels">> {
  return await ctx.db.insert("channels", channel);
}
