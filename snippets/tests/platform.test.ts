// Tests for the platform features: webhooks over HTTP (signatures,
// idempotency, ordering), billing state, file storage, scheduled digests,
// crons, the custom function builders and the auth config variants.
import { Webhook as StandardWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";
import { ConvexError } from "convex/values";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import auth0Config from "../auth-config/auth0";
import convexAuthConfig from "../auth-config/convexAuth";
import customJwtConfig from "../auth-config/customJwt";
import { api, internal } from "../convex/_generated/api";
import type { Id } from "../convex/_generated/dataModel";
import clerkConfig from "../convex/auth.config";
import crons from "../convex/crons";
import type { PlatformErrorCode } from "../convex/model/platformErrors";
import { expectAppError, expectValidationError, newBackend, signIn, type Backend } from "./support/backend";

const CLERK_SECRET = `whsec_${btoa("clerk-test-secret-0123456789abcdef")}`;
const POLAR_SECRET = btoa("polar-test-secret-0123456789abcdef");
const ISSUER = "https://clerk.vibesaas.test";

beforeEach(() => {
  vi.stubEnv("CLERK_WEBHOOK_SECRET", CLERK_SECRET);
  vi.stubEnv("CLERK_JWT_ISSUER_DOMAIN", ISSUER);
  vi.stubEnv("POLAR_WEBHOOK_SECRET", POLAR_SECRET);
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

async function expectPlatformError(call: Promise<unknown>, code: PlatformErrorCode): Promise<void> {
  const error: unknown = await call.then(
    () => {
      throw new Error(`expected a ConvexError with code ${code}, but the call succeeded`);
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ConvexError);
  expect((error as ConvexError<{ code: string }>).data).toMatchObject({ code, message: expect.any(String) });
}

function clerkDelivery(payload: object, id = "msg_clerk_1", secret = CLERK_SECRET): RequestInit {
  const body = JSON.stringify(payload);
  const timestamp = new Date();
  const signature = new SvixWebhook(secret).sign(id, timestamp, body);
  return {
    method: "POST",
    body,
    headers: {
      "svix-id": id,
      "svix-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
      "svix-signature": signature,
    },
  };
}

function polarDelivery(payload: object, id: string, secret = POLAR_SECRET): RequestInit {
  const body = JSON.stringify(payload);
  const timestamp = new Date();
  const signature = new StandardWebhook(secret).sign(id, timestamp, body);
  return {
    method: "POST",
    body,
    headers: {
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
      "webhook-signature": signature,
    },
  };
}

function subscriptionPayload(userId: Id<"users">, status: string, modifiedAt: string, periodEnd = "2030-01-01T00:00:00Z") {
  return {
    type: "subscription.updated",
    data: {
      id: "sub_1",
      status,
      product_id: "prod_pro",
      current_period_end: periodEnd,
      modified_at: modifiedAt,
      created_at: "2026-01-01T00:00:00Z",
      customer: { external_id: userId },
    },
  };
}

const clerkUser = {
  type: "user.created",
  data: {
    id: "user_2abc",
    first_name: "Ada",
    last_name: "Lovelace",
    primary_email_address_id: "idn_1",
    email_addresses: [{ id: "idn_1", email_address: "Ada@Example.com" }],
  },
};

describe("POST /webhooks/clerk", () => {
  test("a verified user.created event stores the user under issuer|subject", async () => {
    const t = newBackend();
    const response = await t.fetch("/webhooks/clerk", clerkDelivery(clerkUser));
    expect(await response.text()).toBe("ok");
    const users = await t.run((ctx) => ctx.db.query("users").collect());
    expect(users).toMatchObject([{ tokenIdentifier: `${ISSUER}|user_2abc`, email: "ada@example.com", name: "Ada Lovelace" }]);
  });

  test("redelivering the same event leaves one user", async () => {
    const t = newBackend();
    await t.fetch("/webhooks/clerk", clerkDelivery(clerkUser));
    await t.fetch("/webhooks/clerk", clerkDelivery(clerkUser));
    expect(await t.run(async (ctx) => (await ctx.db.query("users").collect()).length)).toBe(1);
  });

  test("a wrong signature is refused with 400 and writes nothing", async () => {
    const t = newBackend();
    const forged = clerkDelivery(clerkUser, "msg_1", `whsec_${btoa("not-the-real-secret-0123456789")}`);
    const response = await t.fetch("/webhooks/clerk", forged);
    expect(response.status).toBe(400);
    expect(await t.run(async (ctx) => (await ctx.db.query("users").collect()).length)).toBe(0);
  });

  test("a missing signature is refused with 400", async () => {
    const t = newBackend();
    const response = await t.fetch("/webhooks/clerk", { method: "POST", body: JSON.stringify(clerkUser) });
    expect(response.status).toBe(400);
  });

  test("event types the app does not use are acknowledged and ignored", async () => {
    const t = newBackend();
    const response = await t.fetch("/webhooks/clerk", clerkDelivery({ type: "session.created", data: { id: "sess_1" } }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ignored");
  });

  test("without its secret the endpoint answers 500 instead of trusting the request", async () => {
    vi.stubEnv("CLERK_WEBHOOK_SECRET", "");
    const t = newBackend();
    const response = await t.fetch("/webhooks/clerk", clerkDelivery(clerkUser));
    expect(response.status).toBe(500);
  });
});

describe("POST /webhooks/polar and billing:myPlan", () => {
  async function paidUser(t: Backend) {
    return await signIn(t, "ada");
  }

  test("an active subscription makes the user pro", async () => {
    const t = newBackend();
    const { as, userId } = await paidUser(t);
    expect(await as.query(api.billing.myPlan, {})).toMatchObject({ plan: "free", status: null });

    const response = await t.fetch(
      "/webhooks/polar",
      polarDelivery(subscriptionPayload(userId, "active", "2026-02-01T00:00:00Z"), "evt_1"),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("applied");
    expect(await as.query(api.billing.myPlan, {})).toMatchObject({ plan: "pro", status: "active" });
  });

  test("the same event delivered twice changes state once", async () => {
    const t = newBackend();
    const { userId } = await paidUser(t);
    const delivery = polarDelivery(subscriptionPayload(userId, "active", "2026-02-01T00:00:00Z"), "evt_1");
    const first = await t.fetch("/webhooks/polar", delivery);
    const second = await t.fetch("/webhooks/polar", delivery);
    expect([await first.text(), await second.text()]).toEqual(["applied", "duplicate"]);
    const counts = await t.run(async (ctx) => ({
      subscriptions: (await ctx.db.query("subscriptions").collect()).length,
      markers: (await ctx.db.query("webhookEvents").collect()).length,
    }));
    expect(counts).toEqual({ subscriptions: 1, markers: 1 });
  });

  test("an older event arriving late does not overwrite a newer state", async () => {
    const t = newBackend();
    const { as, userId } = await paidUser(t);
    await t.fetch("/webhooks/polar", polarDelivery(subscriptionPayload(userId, "past_due", "2026-03-01T00:00:00Z"), "evt_2"));
    const late = await t.fetch("/webhooks/polar", polarDelivery(subscriptionPayload(userId, "active", "2026-02-01T00:00:00Z"), "evt_1"));
    expect(await late.text()).toBe("stale");
    expect(await as.query(api.billing.myPlan, {})).toMatchObject({ plan: "free", status: "past_due" });
  });

  test("a forged signature is refused with 400 and writes nothing", async () => {
    const t = newBackend();
    const { userId } = await paidUser(t);
    const forged = polarDelivery(subscriptionPayload(userId, "active", "2026-02-01T00:00:00Z"), "evt_1", btoa("guessed-secret-0123456789abcdef"));
    const response = await t.fetch("/webhooks/polar", forged);
    expect(response.status).toBe(400);
    expect(await t.run(async (ctx) => (await ctx.db.query("webhookEvents").collect()).length)).toBe(0);
  });

  test("a tampered body fails verification", async () => {
    const t = newBackend();
    const { userId } = await paidUser(t);
    const delivery = polarDelivery(subscriptionPayload(userId, "past_due", "2026-02-01T00:00:00Z"), "evt_1");
    const tampered = { ...delivery, body: String(delivery.body).replace("past_due", "active") };
    expect((await t.fetch("/webhooks/polar", tampered)).status).toBe(400);
  });

  test("an event for an unknown customer is recorded but grants nothing", async () => {
    const t = newBackend();
    const response = await t.fetch(
      "/webhooks/polar",
      polarDelivery(subscriptionPayload("not-a-user-id" as Id<"users">, "active", "2026-02-01T00:00:00Z"), "evt_9"),
    );
    expect(await response.text()).toBe("unknown_user");
    expect(await t.run(async (ctx) => (await ctx.db.query("subscriptions").collect()).length)).toBe(0);
  });

  test("a canceled subscription stays pro until its period ends, then drops to free with no event", async () => {
    vi.useFakeTimers({ now: Date.parse("2026-01-15T00:00:00Z") });
    const t = newBackend();
    const { as, userId } = await paidUser(t);
    const canceled = subscriptionPayload(userId, "canceled", "2026-01-15T00:00:00Z", "2026-02-01T00:00:00Z");
    expect(await (await t.fetch("/webhooks/polar", polarDelivery(canceled, "evt_1"))).text()).toBe("applied");
    expect(await as.query(api.billing.myPlan, {})).toMatchObject({ plan: "pro", status: "canceled" });

    // The end of the paid period is a scheduled write, so a subscribed
    // pricing page re-runs and shows "free" without any other write.
    vi.setSystemTime(Date.parse("2026-02-01T00:00:01Z"));
    vi.runOnlyPendingTimers();
    await t.finishInProgressScheduledFunctions();
    expect(await as.query(api.billing.myPlan, {})).toMatchObject({ plan: "free", status: "canceled" });
  });

  test("a renewal before the period ends keeps the plan when the old end passes", async () => {
    vi.useFakeTimers({ now: Date.parse("2026-01-15T00:00:00Z") });
    const t = newBackend();
    const { as, userId } = await paidUser(t);
    const canceled = subscriptionPayload(userId, "canceled", "2026-01-15T00:00:00Z", "2026-02-01T00:00:00Z");
    expect(await (await t.fetch("/webhooks/polar", polarDelivery(canceled, "evt_1"))).text()).toBe("applied");
    vi.setSystemTime(Date.parse("2026-01-20T00:00:00Z"));
    const renewed = subscriptionPayload(userId, "active", "2026-01-20T00:00:00Z", "2026-03-01T00:00:00Z");
    expect(await (await t.fetch("/webhooks/polar", polarDelivery(renewed, "evt_2"))).text()).toBe("applied");

    vi.setSystemTime(Date.parse("2026-02-01T00:00:01Z"));
    vi.runOnlyPendingTimers();
    await t.finishInProgressScheduledFunctions();
    expect(await as.query(api.billing.myPlan, {})).toMatchObject({ plan: "pro", status: "active" });
  });

  test("myPlan refuses anonymous callers", async () => {
    const t = newBackend();
    await expectAppError(t.query(api.billing.myPlan, {}), "NOT_AUTHENTICATED");
  });

  test("pruneWebhookEvents deletes markers older than the cut-off", async () => {
    const t = newBackend();
    await t.run((ctx) => ctx.db.insert("webhookEvents", { source: "polar", eventId: "old", type: "subscription.updated" }));
    expect(await t.mutation(internal.billing.pruneWebhookEvents, { olderThanMs: 60_000 })).toBe(0);
    expect(await t.mutation(internal.billing.pruneWebhookEvents, { olderThanMs: -1 })).toBe(1);
  });
});

describe("files", () => {
  async function upload(t: Backend, text: string): Promise<Id<"_storage">> {
    return await t.run((ctx) => ctx.storage.store(new Blob([text], { type: "text/plain" })));
  }

  test("upload URL, save, list with a URL, remove", async () => {
    const t = newBackend();
    const { as } = await signIn(t, "ada");
    expect(await as.mutation(api.files.generateUploadUrl, {})).toMatch(/^https:\/\//);
    const storageId = await upload(t, "hello");
    const fileId = await as.mutation(api.files.save, { storageId, name: "  notes.txt " });
    const files = await as.query(api.files.listMine, {});
    expect(files).toMatchObject([{ _id: fileId, name: "notes.txt", size: 5, url: expect.stringMatching(/^https:/) }]);
    await as.mutation(api.files.remove, { fileId });
    expect(await as.query(api.files.listMine, {})).toEqual([]);
  });

  test("anonymous callers get no upload URL", async () => {
    const t = newBackend();
    await expectAppError(t.mutation(api.files.generateUploadUrl, {}), "NOT_AUTHENTICATED");
  });

  test("save validates its arguments", async () => {
    const t = newBackend();
    const { as } = await signIn(t, "ada");
    await expectValidationError(as.mutation(api.files.save, { storageId: "nope" as Id<"_storage">, name: "x" }));
  });

  test("save refuses blank names and unknown storage ids", async () => {
    const t = newBackend();
    const { as } = await signIn(t, "ada");
    const storageId = await upload(t, "hello");
    await expectPlatformError(as.mutation(api.files.save, { storageId, name: "   " }), "INVALID_FILE_NAME");
    await t.run((ctx) => ctx.storage.delete(storageId));
    await expectPlatformError(as.mutation(api.files.save, { storageId, name: "gone.txt" }), "FILE_NOT_FOUND");
  });

  test("someone else's file reads as not found, so it cannot be removed", async () => {
    const t = newBackend();
    const ada = await signIn(t, "ada");
    const eve = await signIn(t, "eve");
    const fileId = await ada.as.mutation(api.files.save, { storageId: await upload(t, "secret"), name: "secret.txt" });
    await expectPlatformError(eve.as.mutation(api.files.remove, { fileId }), "FILE_NOT_FOUND");
    expect(await eve.as.query(api.files.listMine, {})).toEqual([]);
    expect(await ada.as.query(api.files.listMine, {})).toHaveLength(1);
  });
});

describe("digests (scheduled action calling an external API)", () => {
  test("request schedules the send; the action posts to the API and records the outcome", async () => {
    vi.useFakeTimers();
    vi.stubEnv("EMAIL_API_URL", "https://email.test");
    vi.stubEnv("EMAIL_API_KEY", "key_123");
    const calls: { url: string; init: RequestInit | undefined }[] = [];
    vi.stubGlobal("fetch", async (url: string, init?: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify({ id: "email_42" }), { status: 200 });
    });
    const t = newBackend();
    const { as } = await signIn(t, "ada");
    const digestId = await as.mutation(api.digests.request, { delayMs: 60_000 });
    expect(await as.query(api.digests.listMine, {})).toMatchObject([{ _id: digestId, status: "queued" }]);

    vi.advanceTimersByTime(60_000);
    await t.finishInProgressScheduledFunctions();

    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe("https://email.test/v1/send");
    expect(new Headers(calls[0]?.init?.headers).get("authorization")).toBe("Bearer key_123");
    expect(await as.query(api.digests.listMine, {})).toMatchObject([{ status: "sent", providerMessageId: "email_42" }]);
  });

  test("a failing API is recorded as failed, not retried", async () => {
    vi.stubEnv("EMAIL_API_URL", "https://email.test");
    vi.stubEnv("EMAIL_API_KEY", "key_123");
    vi.stubGlobal("fetch", async () => new Response("overloaded", { status: 503 }));
    const t = newBackend();
    const { as } = await signIn(t, "ada");
    const digestId = await as.mutation(api.digests.request, { delayMs: 0 });
    expect(await t.action(internal.digests.send, { digestId })).toBe("failed");
    expect(await as.query(api.digests.listMine, {})).toMatchObject([{ status: "failed", error: expect.stringContaining("503") }]);
    // Sending again does nothing: only queued digests are sent.
    expect(await t.action(internal.digests.send, { digestId })).toBe("skipped");
  });

  test("missing configuration is recorded as a failure", async () => {
    vi.stubEnv("EMAIL_API_URL", "");
    const t = newBackend();
    const { as } = await signIn(t, "ada");
    const digestId = await as.mutation(api.digests.request, { delayMs: 0 });
    expect(await t.action(internal.digests.send, { digestId })).toBe("failed");
  });

  test("request refuses anonymous callers, bad arguments and out-of-range delays", async () => {
    const t = newBackend();
    await expectAppError(t.mutation(api.digests.request, { delayMs: 0 }), "NOT_AUTHENTICATED");
    const { as } = await signIn(t, "ada");
    await expectValidationError(as.mutation(api.digests.request, { delayMs: "soon" as unknown as number }));
    await expectPlatformError(as.mutation(api.digests.request, { delayMs: -5 }), "INVALID_DELAY");
    await expectPlatformError(as.mutation(api.digests.request, { delayMs: 8 * 24 * 60 * 60 * 1000 }), "INVALID_DELAY");
  });
});

describe("crons and auth configuration", () => {
  test("crons.ts registers the daily prune (convex-test does not run crons)", () => {
    expect(Object.keys(crons.crons)).toEqual(["prune webhook markers"]);
    expect(crons.crons["prune webhook markers"]).toMatchObject({
      name: "billing:pruneWebhookEvents",
      schedule: { type: "daily", hourUTC: 3, minuteUTC: 15 },
    });
  });

  test("every auth.config variant names at least one provider", () => {
    for (const config of [clerkConfig, auth0Config, convexAuthConfig, customJwtConfig]) {
      expect(config.providers.length).toBeGreaterThan(0);
    }
    expect(customJwtConfig.providers[0]).toMatchObject({ type: "customJwt", algorithm: "RS256" });
  });
});
