// Public function for handing a channel to another member: a thin wrapper
// around the ownership service, which keeps "exactly one owner" true.
import { v } from "convex/values";
import { mutation } from "./_generated/server";
import { requireUser } from "./model/auth";
import { transferOwnership } from "./model/services/ownership";

// --8<-- [start:transfer_mutation]
export const transfer = mutation({
  args: { channelId: v.id("channels"), newOwnerId: v.id("users") },
  returns: v.null(),
  handler: async (ctx, { channelId, newOwnerId }) => {
    const caller = await requireUser(ctx);
    return await transferOwnership(ctx, caller, channelId, newOwnerId);
  },
});
// --8<-- [end:transfer_mutation]
