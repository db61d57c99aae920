// Business rules for "how busy is this channel?": members only, and a count
// that reads at most MAX_COUNTED messages however busy the channel is.
import type { Doc, Id } from "../../_generated/dataModel";
import type { QueryCtx } from "../../_generated/server";
import { takeMessagesSince } from "../repositories/activity";
import { requireMembership } from "./channels";

export const MAX_COUNTED = 100;

export async function countMessagesSince(
  ctx: QueryCtx,
  reader: Doc<"users">,
  channelId: Id<"channels">,
  since: number,
): Promise<{ count: number; capped: boolean }> {
  await requireMembership(ctx, reader, channelId);
  const recent = await takeMessagesSince(ctx, channelId, since, MAX_COUNTED + 1);
  // "100+" is what a badge shows anyway; counting further would read more.
  return { count: Math.min(recent.length, MAX_COUNTED), capped: recent.length > MAX_COUNTED };
}
