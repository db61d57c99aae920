// The deployment's HTTP endpoints (served on https://<deployment>.convex.site).
// Each webhook route does three things and nothing else: verify the
// signature over the raw body, translate the provider's payload into the
// app's terms, and hand over to an internal mutation.
import { httpRouter } from "convex/server";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";
import { internal } from "./_generated/api";
import { env, httpAction } from "./_generated/server";
import { parseClerkUserEvent, parsePolarSubscriptionEvent } from "./model/webhookPayloads";

const http = httpRouter();

// --8<-- [start:verify_helpers]
// Verification needs the body exactly as it was signed: read it as text
// once, verify, and only then parse the JSON.
function headersOf(request: Request, names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, request.headers.get(name) ?? ""]));
}

function plain(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain" } });
}
// --8<-- [end:verify_helpers]

// --8<-- [start:clerk_route]
http.route({
  path: "/webhooks/clerk",
  method: "POST",
  handler: httpAction(async (ctx, request) => {
    // Declared as required in convex.config.ts, so a deployment cannot lack
    // them; convex-test and the guide's playground do not apply declarations,
    // and an empty value is still possible, hence the check.
    const secret = env.CLERK_WEBHOOK_SECRET;
    const issuer = env.CLERK_JWT_ISSUER_DOMAIN;
    if (!secret || !issuer) return plain(500, "webhook not configured");

    const body = await request.text();
    try {
      // Clerk delivers through Svix: svix-id, svix-timestamp, svix-signature.
      // verify() throws on a bad signature and on a timestamp too far from
      // now, which stops replays of old deliveries.
      new SvixWebhook(secret).verify(body, headersOf(request, ["svix-id", "svix-timestamp", "svix-signature"]));
    } catch {
      return plain(400, "invalid signature");
    }

    const event = parseClerkUserEvent(JSON.parse(body), issuer);
    if (event === null) return plain(200, "ignored"); // an event type this app does not use
    // Upserting is idempotent by nature: a redelivery writes the same profile.
    await ctx.runMutation(internal.users.upsertFromAuthProvider, event.profile);
    return plain(200, "ok");
  }),
});
// --8<-- [end:clerk_route]

// --8<-- [start:polar_route]
http.route({
  path: "/webhooks/polar",
  method: "POST",
  handler: httpAction(async (ctx, request) => {
    const secret = env.POLAR_WEBHOOK_SECRET;
    if (!secret) return plain(500, "webhook not configured");

    const body = await request.text();
    const headers = headersOf(request, ["webhook-id", "webhook-timestamp", "webhook-signature"]);
    try {
      // Polar signs with the Standard Webhooks scheme.
      new StandardWebhook(secret).verify(body, headers);
    } catch {
      return plain(400, "invalid signature");
    }

    // The message id is the idempotency key: a retried delivery keeps it.
    const event = parsePolarSubscriptionEvent(JSON.parse(body), headers["webhook-id"] ?? "");
    if (event === null) return plain(200, "ignored");
    const outcome = await ctx.runMutation(internal.billing.applyPolarEvent, { event });
    // 2xx for duplicates and stale events too: they were handled, and a
    // non-2xx answer would only make the provider retry them.
    return plain(200, outcome);
  }),
});
// --8<-- [end:polar_route]

export default http;
