// Billing rules: how a payment provider's subscription event becomes the
// one `subscriptions` row of a user, exactly once and in order.
import type { Infer } from "convex/values";
import { v } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import schema from "../schema";

const subscriptionFields = schema.tables.subscriptions.validator.fields;
const webhookEventFields = schema.tables.webhookEvents.validator.fields;

// --8<-- [start:subscription_event]
// What the HTTP action hands over once the signature is verified: the
// provider's message id (for idempotency) and the fields the app keeps.
export const subscriptionEvent = v.object({
  eventId: webhookEventFields.eventId,
  type: webhookEventFields.type,
  // The app's user id, which the checkout passed to Polar as the customer's
  // external id; a string here, because it arrives from outside.
  externalUserId: v.string(),
  polarSubscriptionId: subscriptionFields.polarSubscriptionId,
  productId: subscriptionFields.productId,
  status: subscriptionFields.status,
  currentPeriodEnd: subscriptionFields.currentPeriodEnd,
  changedAt: subscriptionFields.changedAt,
});
export type SubscriptionEvent = Infer<typeof subscriptionEvent>;

export const applyOutcome = v.union(
  v.literal("applied"),
  v.literal("duplicate"),
  v.literal("stale"),
  v.literal("unknown_user"),
);
export type ApplyOutcome = Infer<typeof applyOutcome>;
// --8<-- [end:subscription_event]

export async function findProcessedEvent(
  ctx: QueryCtx,
  source: Doc<"webhookEvents">["source"],
  eventId: string,
): Promise<Doc<"webhookEvents"> | null> {
  return await ctx.db
    .query("webhookEvents")
    .withIndex("by_source_and_event", (q) => q.eq("source", source).eq("eventId", eventId))
    .unique();
}

export async function findSubscriptionOf(ctx: QueryCtx, userId: Id<"users">): Promise<Doc<"subscriptions"> | null> {
  return await ctx.db
    .query("subscriptions")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .unique();
}

// --8<-- [start:apply_subscription_event]
// Runs inside one mutation, so "have we seen it?", the state change and
// "remember we saw it" commit together or not at all: a delivery that
// fails half-way leaves no marker behind, and the provider's retry applies it.
export async function applySubscriptionEvent(ctx: MutationCtx, event: SubscriptionEvent): Promise<ApplyOutcome> {
  if ((await findProcessedEvent(ctx, "polar", event.eventId)) !== null) {
    return "duplicate";
  }
  await ctx.db.insert("webhookEvents", { source: "polar", eventId: event.eventId, type: event.type });

  const userId = ctx.db.normalizeId("users", event.externalUserId);
  if (userId === null || (await ctx.db.get("users", userId)) === null) {
    return "unknown_user";
  }
  const state = {
    polarSubscriptionId: event.polarSubscriptionId,
    productId: event.productId,
    status: event.status,
    currentPeriodEnd: event.currentPeriodEnd,
    changedAt: event.changedAt,
  };
  const current = await findSubscriptionOf(ctx, userId);
  if (current === null) {
    await ctx.db.insert("subscriptions", { userId, ...state });
    return "applied";
  }
  // Providers do not promise delivery order; the event's own timestamp does.
  if (current.changedAt > event.changedAt) {
    return "stale";
  }
  await ctx.db.patch("subscriptions", current._id, state);
  return "applied";
}
// --8<-- [end:apply_subscription_event]

// --8<-- [start:plan_of]
// The one place that decides what a subscription entitles a user to.
export type Plan = "free" | "pro";

export function planOf(subscription: Doc<"subscriptions"> | null, now: number): Plan {
  if (subscription === null) return "free";
  if (subscription.status === "active" || subscription.status === "trialing") return "pro";
  // Canceled at period end: paid-for time is still theirs.
  if (subscription.status === "canceled" && subscription.currentPeriodEnd !== null) {
    return subscription.currentPeriodEnd > now ? "pro" : "free";
  }
  return "free";
}
// --8<-- [end:plan_of]
