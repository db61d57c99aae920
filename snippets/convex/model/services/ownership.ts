// Business rule: a channel has exactly one owner, and only the owner may hand
// the channel over. The invariant spans two documents (the old and the new
// owner's memberships), so both writes happen in one mutation: a Convex
// mutation commits all of its writes or none of them.
import { ConvexError } from "convex/values";
import type { Doc, Id } from "../../_generated/dataModel";
import type { MutationCtx } from "../../_generated/server";
import { appError } from "../errors";
import { setMembershipRole } from "../repositories/membershipRoles";
import { findMembership } from "../repositories/memberships";
import { requireMembership } from "./channels";

// An error code of this module's own; it has the same { code, message }
// shape as the app's AppErrorData, so clients handle it the same way.
export type OwnershipErrorData = { code: "NOT_CHANNEL_OWNER"; message: string; channelId: Id<"channels"> };

// --8<-- [start:transfer_ownership_rule]
export async function transferOwnership(
  ctx: MutationCtx,
  caller: Doc<"users">,
  channelId: Id<"channels">,
  newOwnerId: Id<"users">,
): Promise<null> {
  const current = await requireMembership(ctx, caller, channelId);
  if (current.role !== "owner") {
    throw new ConvexError<OwnershipErrorData>({
      code: "NOT_CHANNEL_OWNER",
      message: "Only the channel's owner can hand it over.",
      channelId,
    });
  }
  if (newOwnerId === caller._id) {
    return null; // already the owner: nothing to write
  }
  // Write 1: the caller steps down. Written before the new owner is checked
  // on purpose, to show that order does not matter inside a transaction:
  // if the check below throws, this write is discarded with everything else.
  await setMembershipRole(ctx, current._id, "member");

  const next = await findMembership(ctx, channelId, newOwnerId);
  if (next === null) {
    throw appError({ code: "NOT_A_MEMBER", message: "The new owner must be a member of the channel.", channelId });
  }
  // Write 2: the new owner steps up. Readers never see zero or two owners:
  // either both writes commit or neither does.
  await setMembershipRole(ctx, next._id, "owner");
  return null;
}
// --8<-- [end:transfer_ownership_rule]
