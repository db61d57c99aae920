// Billing rules: how a payment provider's subscription event becomes the
// one `subscriptions` row of a user, exactly once and in order.
import type { Infer } from "convex/values";
import { v } from "convex/values";
import { internal } from "../_generated/api";
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
  // Date.now() is allowed here: in a mutation it is fixed for the whole run.
  const now = Date.now();
  const plan = planOf(state, now);
  const current = await findSubscriptionOf(ctx, userId);
  let subscriptionId: Id<"subscriptions">;
  if (current === null) {
    subscriptionId = await ctx.db.insert("subscriptions", { userId, ...state, plan });
  } else {
    // Providers do not promise delivery order; the event's own timestamp does.
    if (current.changedAt > event.changedAt) {
      return "stale";
    }
    await ctx.db.patch("subscriptions", current._id, { ...state, plan });
    subscriptionId = current._id;
  }
  await scheduleEndOfPaidPeriod(ctx, subscriptionId, state, now);
  return "applied";
}
// --8<-- [end:apply_subscription_event]

// --8<-- [start:end_of_paid_period]
// A canceled subscription stays "pro" until its period ends. Rather than have
// every query compare the period with the clock (which a subscribed query
// cannot do: it re-runs on writes, not as time passes), the end of the period
// becomes a write: a mutation scheduled for that moment recomputes the plan.
async function scheduleEndOfPaidPeriod(
  ctx: MutationCtx,
  subscriptionId: Id<"subscriptions">,
  state: EntitlementState,
  now: number,
): Promise<void> {
  if (state.status === "canceled" && state.currentPeriodEnd !== null && state.currentPeriodEnd > now) {
    await ctx.scheduler.runAt(state.currentPeriodEnd, internal.billing.refreshPlanAtPeriodEnd, { subscriptionId });
  }
}

// Recomputes the stored plan from the stored state. Safe to run at any time
// and any number of times: a later event (a renewal, say) already wrote the
// plan it implies, and then this writes nothing.
export async function refreshPlan(ctx: MutationCtx, subscriptionId: Id<"subscriptions">): Promise<Plan | null> {
  const subscription = await ctx.db.get("subscriptions", subscriptionId);
  if (subscription === null) return null;
  const plan = planOf(subscription, Date.now());
  if (plan !== subscription.plan) {
    await ctx.db.patch("subscriptions", subscriptionId, { plan });
  }
  return plan;
}
// --8<-- [end:end_of_paid_period]

// --8<-- [start:plan_of]
// The one place that decides what a subscription state entitles a user to.
// Called by the writers above, never by a query: `now` is a mutation's clock.
export type Plan = Doc<"subscriptions">["plan"];
type EntitlementState = Pick<Doc<"subscriptions">, "status" | "currentPeriodEnd">;

export function planOf(subscription: EntitlementState | null, now: number): Plan {
  if (subscription === null) return "free";
  if (subscription.status === "active" || subscription.status === "trialing") return "pro";
  // Canceled at period end: paid-for time is still theirs.
  if (subscription.status === "canceled" && subscription.currentPeriodEnd !== null) {
    return subscription.currentPeriodEnd > now ? "pro" : "free";
  }
  return "free";
}
// --8<-- [end:plan_of]
