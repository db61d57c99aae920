// Billing state, as the UI sees it and as webhooks change it. Clients only
// read; the only writer is the internal mutation the Polar webhook calls.
import { v } from "convex/values";
import { internalMutation } from "./_generated/server";
import { applyOutcome, applySubscriptionEvent, findSubscriptionOf, refreshPlan, subscriptionEvent } from "./model/billing";
import { authedQuery } from "./model/functions";
import schema from "./schema";

const subscriptionFields = schema.tables.subscriptions.validator.fields;

// --8<-- [start:my_plan_query]
// Subscribed to by the pricing page and every "Pro" badge: when the webhook
// commits a new state, or a canceled subscription's paid period ends (a
// scheduled write, see model/billing.ts), Convex re-runs this query and the
// UI updates itself. It reads the stored plan: no clock, so its result
// follows from the documents it read.
export const myPlan = authedQuery({
  args: {},
  returns: v.object({
    plan: v.union(v.literal("free"), v.literal("pro")),
    status: v.union(subscriptionFields.status, v.null()),
    currentPeriodEnd: subscriptionFields.currentPeriodEnd,
  }),
  handler: async (ctx) => {
    const subscription = await findSubscriptionOf(ctx, ctx.user._id);
    return {
      plan: subscription?.plan ?? "free",
      status: subscription?.status ?? null,
      currentPeriodEnd: subscription?.currentPeriodEnd ?? null,
    };
  },
});
// --8<-- [end:my_plan_query]

// --8<-- [start:apply_polar_event]
// Internal: reachable from the verified webhook (and the dashboard), never
// from a browser. A public mutation here would let anyone grant themselves Pro.
export const applyPolarEvent = internalMutation({
  args: { event: subscriptionEvent },
  returns: applyOutcome,
  handler: async (ctx, { event }) => {
    return await applySubscriptionEvent(ctx, event);
  },
});
// --8<-- [end:apply_polar_event]

// Scheduled by applySubscriptionEvent for the end of a canceled
// subscription's paid period; internal, so no client can run it early.
export const refreshPlanAtPeriodEnd = internalMutation({
  args: { subscriptionId: v.id("subscriptions") },
  returns: v.union(v.literal("free"), v.literal("pro"), v.null()),
  handler: async (ctx, { subscriptionId }) => {
    return await refreshPlan(ctx, subscriptionId);
  },
});

// --8<-- [start:prune_webhook_events]
// Run daily by crons.ts. Providers retry for a few days at most, so markers
// older than 30 days can no longer stop a duplicate; one batch per run keeps
// the transaction small, and the next run takes the next batch.
export const pruneWebhookEvents = internalMutation({
  args: { olderThanMs: v.optional(v.number()) },
  returns: v.number(),
  handler: async (ctx, { olderThanMs = 30 * 24 * 60 * 60 * 1000 }) => {
    const cutoff = Date.now() - olderThanMs;
    const old = await ctx.db
      .query("webhookEvents")
      .withIndex("by_creation_time", (q) => q.lt("_creationTime", cutoff))
      .take(500);
    await Promise.all(old.map((event) => ctx.db.delete("webhookEvents", event._id)));
    return old.length;
  },
});
// --8<-- [end:prune_webhook_events]
