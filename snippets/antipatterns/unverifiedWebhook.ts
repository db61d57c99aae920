// ANTI-PATTERN: a webhook endpoint that believes any request it receives.
//
// What is wrong: the URL of an HTTP action is public
// (https://<deployment>.convex.site/...). Without a signature check, anyone
// who guesses the path can POST a made-up "subscription.active" event.
// Parsing with `request.json()` also throws away the raw body that a
// signature would have to be checked against. And the handler applies every
// delivery, so a provider's retry of the same event is applied twice.
//
// Fix: as convex/http.ts does, read the raw body with `request.text()`, verify
// it with the provider's library and secret from `process.env` (Svix for
// Clerk, Standard Webhooks for Polar), answer 400 when it fails, and pass
// the message id to an internal mutation that records processed events
// (convex/model/billing.ts, `applySubscriptionEvent`).
import { httpRouter } from "convex/server";
import { internal } from "../convex/_generated/api";
import { httpAction } from "../convex/_generated/server";
import { parsePolarSubscriptionEvent } from "../convex/model/webhookPayloads";

const http = httpRouter();

// --8<-- [start:unverified_webhook]
http.route({
  path: "/webhooks/polar",
  method: "POST",
  handler: httpAction(async (ctx, request) => {
    const payload: unknown = await request.json(); // no signature check at all
    const event = parsePolarSubscriptionEvent(payload, crypto.randomUUID()); // a new "id" per delivery
    if (event !== null) await ctx.runMutation(internal.billing.applyPolarEvent, { event });
    return new Response("ok");
  }),
});
// --8<-- [end:unverified_webhook]

export default http;
