// ANTI-PATTERN: the webhook handler writes through a PUBLIC mutation.
//
// What is wrong: the HTTP action may verify the provider's signature, but
// `setPlan` is public, so every browser can call it directly with
// `{ userId, status: "active" }` and give itself a paid plan. The signature
// check protects one door while another stands open.
//
// Fix: the function the webhook calls is an `internalMutation`
// (convex/billing.ts, `applyPolarEvent`), reachable only from server code:
// HTTP actions, other functions, the scheduler, the dashboard.
import { v } from "convex/values";
import { mutation } from "../convex/_generated/server";
import schema from "../convex/schema";

// --8<-- [start:public_webhook_mutation]
export const setPlan = mutation({
  args: {
    userId: v.id("users"),
    status: schema.tables.subscriptions.validator.fields.status,
  },
  returns: v.null(),
  handler: async (ctx, { userId, status }) => {
    const current = await ctx.db
      .query("subscriptions")
      .withIndex("by_user", (q) => q.eq("userId", userId))
      .unique();
    if (current !== null) await ctx.db.patch("subscriptions", current._id, { status });
    return null;
  },
});
// --8<-- [end:public_webhook_mutation]
