// Business rules for channels: names are unique, the creator owns the
// channel, and membership is what grants access to its messages.
import type { Doc, Id } from "../../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../../_generated/server";
import { appError } from "../errors";
import { findChannelById, findChannelByName, insertChannel } from "../repositories/channels";
import { findMembership, insertMembership, listMembershipsOfUser } from "../repositories/memberships";

export const MAX_CHANNEL_NAME_LENGTH = 80;

export type MembershipRole = Doc<"memberships">["role"];
export type MemberChannel = Doc<"channels"> & { role: MembershipRole };
export type ChannelForViewer = Doc<"channels"> & { viewerRole: MembershipRole | null };

function normalizeChannelName(rawName: string): string {
  const name = rawName.trim();
  if (name.length === 0 || name.length > MAX_CHANNEL_NAME_LENGTH) {
    throw appError({
      code: "INVALID_CHANNEL_NAME",
      message: `A channel name has 1 to ${MAX_CHANNEL_NAME_LENGTH} characters.`,
    });
  }
  return name;
}

// --8<-- [start:require_membership]
// The one gate in front of every read and write of a channel's content.
// A channel that does not exist has no members, so this needs no separate
// existence check.
export async function requireMembership(
  ctx: QueryCtx,
  user: Doc<"users">,
  channelId: Id<"channels">,
): Promise<Doc<"memberships">> {
  const membership = await findMembership(ctx, channelId, user._id);
  if (membership === null) {
    throw appError({ code: "NOT_A_MEMBER", message: "Join this channel first.", channelId });
  }
  return membership;
}
// --8<-- [end:require_membership]

// --8<-- [start:create_channel_rule]
export async function createChannel(ctx: MutationCtx, creator: Doc<"users">, rawName: string): Promise<Id<"channels">> {
  const name = normalizeChannelName(rawName);
  if ((await findChannelByName(ctx, name)) !== null) {
    throw appError({ code: "CHANNEL_NAME_TAKEN", message: `A channel named "${name}" already exists.`, name });
  }
  const channelId = await insertChannel(ctx, { name, createdBy: creator._id });
  // Same transaction as the insert: there is never a channel without owner.
  await insertMembership(ctx, { channelId, userId: creator._id, role: "owner" });
  return channelId;
}
// --8<-- [end:create_channel_rule]

// Joining twice is not an error: the client may retry after a lost reply.
export async function joinChannel(
  ctx: MutationCtx,
  user: Doc<"users">,
  channelId: Id<"channels">,
): Promise<Id<"memberships">> {
  if ((await findChannelById(ctx, channelId)) === null) {
    throw appError({ code: "CHANNEL_NOT_FOUND", message: "This channel does not exist.", channelId });
  }
  const existing = await findMembership(ctx, channelId, user._id);
  if (existing !== null) {
    return existing._id;
  }
  return await insertMembership(ctx, { channelId, userId: user._id, role: "member" });
}

export async function listChannelsOf(ctx: QueryCtx, user: Doc<"users">): Promise<MemberChannel[]> {
  const memberships = await listMembershipsOfUser(ctx, user._id);
  // Independent point reads: issue them together rather than one by one.
  const channels = await Promise.all(
    memberships.map(async (membership) => {
      const channel = await findChannelById(ctx, membership.channelId);
      return channel === null ? null : { ...channel, role: membership.role };
    }),
  );
  return channels
    .filter((channel): channel is MemberChannel => channel !== null)
    .sort((a, b) => a.name.localeCompare(b.name));
}

// A channel's name and owner are visible to any signed-in user (so an invite
// link can show what it leads to); its messages are not.
export async function getChannelForViewer(
  ctx: QueryCtx,
  viewer: Doc<"users">,
  channelId: Id<"channels">,
): Promise<ChannelForViewer | null> {
  const channel = await findChannelById(ctx, channelId);
  if (channel === null) {
    return null;
  }
  const membership = await findMembership(ctx, channelId, viewer._id);
  return { ...channel, viewerRole: membership?.role ?? null };
}
