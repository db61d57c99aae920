// Examples for the reviewer's own rule `invalid-suppression`
// (docs/reference/rules/invalid-suppression.md): how to silence a finding
// the reviewer gets wrong for your code, and what it refuses.
import { v } from "convex/values";
import { query } from "../convex/_generated/server";

// --8<-- [start:bad]
// convex-review-ignore unbounded-collect
export const plansWithoutReason = query({
  args: {},
  returns: v.number(),
  handler: async (ctx) => (await ctx.db.query("subscriptions").take(10)).length,
});
// --8<-- [end:bad]

// --8<-- [start:good]
// convex-review-ignore unbounded-collect: at most three plans exist, created by a migration
export const plansWithReason = query({
  args: {},
  returns: v.number(),
  handler: async (ctx) => (await ctx.db.query("subscriptions").take(10)).length,
});
// --8<-- [end:good]
