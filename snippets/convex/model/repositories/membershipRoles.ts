// Data access for changing a member's role. Kept next to the memberships
// repository: a repository knows the table and its fields, not the rules
// about who may hold which role (that is the ownership service).
import type { Doc, Id } from "../../_generated/dataModel";
import type { MutationCtx } from "../../_generated/server";

export async function setMembershipRole(
  ctx: MutationCtx,
  membershipId: Id<"memberships">,
  role: Doc<"memberships">["role"],
): Promise<void> {
  await ctx.db.patch("memberships", membershipId, { role });
}
