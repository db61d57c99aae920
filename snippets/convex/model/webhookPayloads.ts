// Translating providers' webhook payloads into the app's own terms. Only
// verified payloads get here; they are still parsed, not cast, because a
// provider's payload is an outside format that can change under you.
import { z } from "zod";
import type { NewUser } from "./repositories/users";
import type { SubscriptionEvent } from "./billing";

// --8<-- [start:clerk_payload]
const clerkUserEvent = z.object({
  type: z.string(),
  data: z.object({
    id: z.string(),
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    username: z.string().nullish(),
    primary_email_address_id: z.string().nullish(),
    email_addresses: z.array(z.object({ id: z.string(), email_address: z.string() })).default([]),
  }),
});

// The webhook knows Clerk's user id (the token's `subject`); the app keys
// users by tokenIdentifier, which Convex builds as "<issuer>|<subject>".
export function parseClerkUserEvent(payload: unknown, issuer: string): { profile: NewUser } | null {
  const parsed = clerkUserEvent.safeParse(payload);
  if (!parsed.success || (parsed.data.type !== "user.created" && parsed.data.type !== "user.updated")) {
    return null;
  }
  const user = parsed.data.data;
  const primary = user.email_addresses.find((address) => address.id === user.primary_email_address_id);
  const email = (primary ?? user.email_addresses[0])?.email_address;
  if (email === undefined) return null;
  const fullName = [user.first_name, user.last_name].filter(Boolean).join(" ");
  return {
    profile: {
      tokenIdentifier: `${issuer}|${user.id}`,
      email,
      name: fullName || user.username || email,
    },
  };
}
// --8<-- [end:clerk_payload]

// --8<-- [start:polar_payload]
const polarSubscriptionEvent = z.object({
  type: z.string().startsWith("subscription."),
  data: z.object({
    id: z.string(),
    status: z.enum(["incomplete", "trialing", "active", "past_due", "canceled", "unpaid"]),
    product_id: z.string(),
    current_period_end: z.string().nullish(),
    modified_at: z.string().nullish(),
    created_at: z.string(),
    customer: z.object({ external_id: z.string().nullish() }),
  }),
});

export function parsePolarSubscriptionEvent(payload: unknown, eventId: string): SubscriptionEvent | null {
  const parsed = polarSubscriptionEvent.safeParse(payload);
  if (!parsed.success || eventId === "") return null;
  const { type, data } = parsed.data;
  const externalUserId = data.customer.external_id;
  // A subscription bought without the app's user id cannot be attributed.
  if (!externalUserId) return null;
  return {
    eventId,
    type,
    externalUserId,
    polarSubscriptionId: data.id,
    productId: data.product_id,
    status: data.status,
    currentPeriodEnd: data.current_period_end ? Date.parse(data.current_period_end) : null,
    changedAt: Date.parse(data.modified_at ?? data.created_at),
  };
}
// --8<-- [end:polar_payload]
