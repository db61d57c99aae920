// ANTI-PATTERN: a public function without argument (or return) validators.
// What is wrong, and the fix:
//
// The TypeScript type on `args` is checked by the compiler for callers in
// this codebase only. A public function is called over the network by
// anyone, with any JSON: here a client can pass `{ role: "owner" }` inside
// `changes` and promote itself, or a string where an id belongs.
// (https://docs.convex.dev/understanding/best-practices/#use-argument-validators-for-all-public-functions;
// ESLint: @convex-dev/require-args-validator)
//
// Fix: `args` and `returns` validators on every public function, built from
// the schema's field maps (convex/messages.ts `send`, convex/schema.ts).
import type { Doc, Id } from "../../convex/_generated/dataModel";
import { mutation } from "../../convex/_generated/server";
import { requireUser } from "../../convex/model/auth";

// --8<-- [start:missing_validators]
export const updateMembership = mutation({
  // no `args`, no `returns`: nothing is checked at runtime
  handler: async (ctx, args: { membershipId: Id<"memberships">; changes: Partial<Doc<"memberships">> }) => {
    await requireUser(ctx);
    await ctx.db.patch("memberships", args.membershipId, args.changes);
  },
});
// --8<-- [end:missing_validators]
