// An integration with an outside service: email digests sent through an
// email provider's HTTP API. The mutation records the intent and schedules
// the action; the action does the network call and records the outcome.
import { v } from "convex/values";
import { internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { env, internalAction, internalMutation, internalQuery } from "./_generated/server";
import { authedMutation, authedQuery } from "./model/functions";
import { platformError } from "./model/platformErrors";
import { listMembershipsOfUser } from "./model/repositories/memberships";
import schema from "./schema";

const digestDoc = schema.doc("digests");
const MAX_DELAY_MS = 7 * 24 * 60 * 60 * 1000;

// --8<-- [start:request_digest]
// The client calls a mutation, not the action: the mutation can check who
// is asking and write down the request, and the scheduled action runs only
// if this transaction commits.
export const request = authedMutation({
  args: { delayMs: v.number() },
  returns: v.id("digests"),
  handler: async (ctx, { delayMs }): Promise<Id<"digests">> => {
    if (!Number.isFinite(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS) {
      throw platformError({ code: "INVALID_DELAY", message: "Choose a delay between now and 7 days." });
    }
    const digestId = await ctx.db.insert("digests", {
      userId: ctx.user._id,
      status: "queued",
      sendAt: Date.now() + delayMs,
    });
    await ctx.scheduler.runAfter(delayMs, internal.digests.send, { digestId });
    return digestId;
  },
});
// --8<-- [end:request_digest]

export const listMine = authedQuery({
  args: {},
  returns: v.array(digestDoc),
  handler: async (ctx) => {
    return await ctx.db
      .query("digests")
      .withIndex("by_user", (q) => q.eq("userId", ctx.user._id))
      .order("desc")
      .take(20);
  },
});

// What the action needs, read in ONE query so that it is consistent.
export const content = internalQuery({
  args: { digestId: v.id("digests") },
  returns: v.union(
    v.object({ email: v.string(), name: v.string(), channelCount: v.number(), status: digestDoc.fields.status }),
    v.null(),
  ),
  handler: async (ctx, { digestId }) => {
    const digest = await ctx.db.get("digests", digestId);
    const user = digest === null ? null : await ctx.db.get("users", digest.userId);
    if (digest === null || user === null) return null;
    const memberships = await listMembershipsOfUser(ctx, user._id);
    return { email: user.email, name: user.name, channelCount: memberships.length, status: digest.status };
  },
});

export const recordOutcome = internalMutation({
  args: {
    digestId: v.id("digests"),
    status: v.union(v.literal("sent"), v.literal("failed")),
    providerMessageId: v.optional(v.string()),
    error: v.optional(v.string()),
  },
  returns: v.null(),
  handler: async (ctx, { digestId, ...outcome }) => {
    await ctx.db.patch("digests", digestId, outcome);
    return null;
  },
});

// --8<-- [start:send_action]
// Internal action: only the scheduler runs it. `fetch` is allowed here (it
// is not in queries or mutations), and the URL and key come from the
// deployment's environment variables, declared in convex.config.ts and read
// from the typed `env`, so code never holds a secret.
export const send = internalAction({
  args: { digestId: v.id("digests") },
  returns: v.union(v.literal("sent"), v.literal("failed"), v.literal("skipped")),
  handler: async (ctx, { digestId }): Promise<"sent" | "failed" | "skipped"> => {
    const digest = await ctx.runQuery(internal.digests.content, { digestId });
    if (digest === null || digest.status !== "queued") return "skipped";

    const baseUrl = env.EMAIL_API_URL;
    const apiKey = env.EMAIL_API_KEY;
    if (!baseUrl || !apiKey) {
      // A configuration error is recorded, not thrown: a throw would mark the
      // scheduled run failed in the _scheduled_functions system table, but the
      // digest row the UI reads would stay "queued" forever.
      await ctx.runMutation(internal.digests.recordOutcome, {
        digestId,
        status: "failed",
        error: "EMAIL_API_URL and EMAIL_API_KEY must be set on the deployment.",
      });
      return "failed";
    }
    try {
      const response = await fetch(`${baseUrl}/v1/send`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({
          to: digest.email,
          subject: `Your VibeSaaS digest, ${digest.name}`,
          text: `You are a member of ${digest.channelCount} channel(s).`,
        }),
      });
      if (!response.ok) {
        throw new Error(`email API answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
      }
      const { id } = (await response.json()) as { id: string };
      await ctx.runMutation(internal.digests.recordOutcome, { digestId, status: "sent", providerMessageId: id });
      return "sent";
    } catch (error) {
      // Actions are not retried by Convex: record the failure where the UI
      // (and a retry job) can see it.
      const message = error instanceof Error ? error.message : String(error);
      await ctx.runMutation(internal.digests.recordOutcome, { digestId, status: "failed", error: message });
      return "failed";
    }
  },
});
// --8<-- [end:send_action]
