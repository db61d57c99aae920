// Public functions for channels: thin wrappers that resolve the caller and
// hand over to the channels service.
import { pick } from "convex-helpers";
import { v } from "convex/values";
import { mutation, query } from "./_generated/server";
import { requireUser } from "./model/auth";
import { createChannel, getChannelForViewer, joinChannel, listChannelsOf } from "./model/services/channels";
import { channelForViewer, memberChannel } from "./model/validators";
import { channelFields, membershipFields } from "./schema";

// --8<-- [start:create_mutation]
export const create = mutation({
  // The argument validator is the schema's own `name` field, picked.
  args: pick(channelFields, ["name"]),
  returns: v.id("channels"),
  handler: async (ctx, { name }) => {
    const creator = await requireUser(ctx);
    return await createChannel(ctx, creator, name);
  },
});
// --8<-- [end:create_mutation]

export const join = mutation({
  args: pick(membershipFields, ["channelId"]),
  returns: v.id("memberships"),
  handler: async (ctx, { channelId }) => {
    const user = await requireUser(ctx);
    return await joinChannel(ctx, user, channelId);
  },
});

export const listMine = query({
  args: {},
  returns: v.array(memberChannel),
  handler: async (ctx) => {
    const user = await requireUser(ctx);
    return await listChannelsOf(ctx, user);
  },
});

export const get = query({
  args: { channelId: v.id("channels") },
  returns: v.union(channelForViewer, v.null()),
  handler: async (ctx, { channelId }) => {
    const viewer = await requireUser(ctx);
    return await getChannelForViewer(ctx, viewer, channelId);
  },
});
