// profiles:get and profiles:rename (Zod through convex-helpers),
// ownership:transfer (a multi-document invariant in one transaction),
// activity:recentCount (time as an argument), and the anti-patterns of the
// layers, functions and real-time pages.
import { ConvexError, type Value } from "convex/values";
import { describe, expect, test } from "vitest";
import { send as fatSend } from "../antipatterns/fatPublicFunction";
import { api } from "../convex/_generated/api";
import type { Id } from "../convex/_generated/dataModel";
import { MAX_COUNTED } from "../convex/model/services/activity";
import { DISPLAY_NAME_MAX } from "../convex/profiles";
import { channelWithMembers, expectAppError, expectValidationError, newBackend, signIn, type Backend } from "./support/backend";

async function rolesIn(t: Backend, channelId: Id<"channels">) {
  const memberships = await t.run((ctx) =>
    ctx.db
      .query("memberships")
      .withIndex("by_channel_and_user", (q) => q.eq("channelId", channelId))
      .collect(),
  );
  return Object.fromEntries(memberships.map((m) => [m.userId, m.role]));
}

async function expectConvexErrorData(call: Promise<unknown>): Promise<Record<string, Value>> {
  const error: unknown = await call.then(
    () => {
      throw new Error("expected a ConvexError, but the call succeeded");
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ConvexError);
  return (error as ConvexError<Record<string, Value>>).data;
}

describe("profiles:get", () => {
  test("returns the name and id, never the email", async () => {
    const t = newBackend();
    const ada = await signIn(t, "ada");
    const grace = await signIn(t, "grace");
    const profile = await ada.as.query(api.profiles.get, { userId: grace.userId });
    expect(profile).toEqual({ _id: grace.userId, name: "Grace" });
  });

  test("refuses an id of another table before the handler runs", async () => {
    const t = newBackend();
    const { ada, channelId } = await channelWithMembers(t);
    await expectValidationError(
      ada.as.query(api.profiles.get, { userId: channelId as unknown as Id<"users"> }),
    );
  });

  test("refuses a signed-out caller: NOT_AUTHENTICATED", async () => {
    const t = newBackend();
    const ada = await signIn(t, "ada");
    await expectAppError(t.query(api.profiles.get, { userId: ada.userId }), "NOT_AUTHENTICATED");
  });
});

describe("profiles:rename", () => {
  test("stores the trimmed name", async () => {
    const t = newBackend();
    const ada = await signIn(t, "ada");
    await ada.as.mutation(api.profiles.rename, { name: "  Ada L.  " });
    expect(await t.run((ctx) => ctx.db.get("users", ada.userId))).toMatchObject({ name: "Ada L." });
  });

  test("refuses a non-string through the Convex validator Zod generated", async () => {
    const t = newBackend();
    const ada = await signIn(t, "ada");
    await expectValidationError(ada.as.mutation(api.profiles.rename, { name: 42 as unknown as string }));
  });

  test.each([
    ["blank", "   "],
    ["too long", "x".repeat(DISPLAY_NAME_MAX + 1)],
  ])("refuses a %s name with the Zod issues as ConvexError data", async (_case, name) => {
    const t = newBackend();
    const ada = await signIn(t, "ada");
    const data = await expectConvexErrorData(ada.as.mutation(api.profiles.rename, { name }));
    expect(data).toMatchObject({ ZodError: [expect.objectContaining({ path: ["name"] })] });
    expect(await t.run((ctx) => ctx.db.get("users", ada.userId))).toMatchObject({ name: "Ada" });
  });

  test("refuses a signed-out caller: NOT_AUTHENTICATED", async () => {
    const t = newBackend();
    await expectAppError(t.mutation(api.profiles.rename, { name: "Nobody" }), "NOT_AUTHENTICATED");
  });
});

describe("ownership:transfer", () => {
  test("moves the owner role in one step: still exactly one owner", async () => {
    const t = newBackend();
    const { ada, grace, channelId } = await channelWithMembers(t);
    await ada.as.mutation(api.ownership.transfer, { channelId, newOwnerId: grace.userId });
    expect(await rolesIn(t, channelId)).toEqual({ [ada.userId]: "member", [grace.userId]: "owner" });
  });

  test("to a non-member: NOT_A_MEMBER, and the owner's demotion is rolled back", async () => {
    const t = newBackend();
    const { ada, grace, linus, channelId } = await channelWithMembers(t);
    await expectAppError(
      ada.as.mutation(api.ownership.transfer, { channelId, newOwnerId: linus.userId }),
      "NOT_A_MEMBER",
    );
    expect(await rolesIn(t, channelId)).toEqual({ [ada.userId]: "owner", [grace.userId]: "member" });
  });

  test("by a member who is not the owner: NOT_CHANNEL_OWNER", async () => {
    const t = newBackend();
    const { grace, channelId } = await channelWithMembers(t);
    const data = await expectConvexErrorData(
      grace.as.mutation(api.ownership.transfer, { channelId, newOwnerId: grace.userId }),
    );
    expect(data).toMatchObject({ code: "NOT_CHANNEL_OWNER", channelId });
  });

  test("by an outsider: NOT_A_MEMBER", async () => {
    const t = newBackend();
    const { ada, linus, channelId } = await channelWithMembers(t);
    await expectAppError(linus.as.mutation(api.ownership.transfer, { channelId, newOwnerId: ada.userId }), "NOT_A_MEMBER");
  });

  test("to oneself writes nothing", async () => {
    const t = newBackend();
    const { ada, grace, channelId } = await channelWithMembers(t);
    await ada.as.mutation(api.ownership.transfer, { channelId, newOwnerId: ada.userId });
    expect(await rolesIn(t, channelId)).toEqual({ [ada.userId]: "owner", [grace.userId]: "member" });
  });

  test("refuses a channel id where a user id belongs", async () => {
    const t = newBackend();
    const { ada, channelId } = await channelWithMembers(t);
    await expectValidationError(
      ada.as.mutation(api.ownership.transfer, { channelId, newOwnerId: channelId as unknown as Id<"users"> }),
    );
  });

  test("refuses a signed-out caller: NOT_AUTHENTICATED", async () => {
    const t = newBackend();
    const { ada, channelId } = await channelWithMembers(t);
    await expectAppError(t.mutation(api.ownership.transfer, { channelId, newOwnerId: ada.userId }), "NOT_AUTHENTICATED");
  });
});

describe("activity:recentCount", () => {
  test("counts the messages sent at or after `since`", async () => {
    const t = newBackend();
    const { ada, channelId } = await channelWithMembers(t);
    await ada.as.mutation(api.messages.send, { channelId, body: "old" });
    const since = Date.now() + 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await ada.as.mutation(api.messages.send, { channelId, body: "new 1" });
    await ada.as.mutation(api.messages.send, { channelId, body: "new 2" });
    expect(await ada.as.query(api.activity.recentCount, { channelId, since })).toEqual({ count: 2, capped: false });
  });

  test(`caps the count at ${MAX_COUNTED}`, async () => {
    const t = newBackend();
    const { ada, channelId } = await channelWithMembers(t);
    await t.run(async (ctx) => {
      for (let n = 0; n < MAX_COUNTED + 5; n++) {
        await ctx.db.insert("messages", { channelId, authorId: ada.userId, body: `m${n}` });
      }
    });
    expect(await ada.as.query(api.activity.recentCount, { channelId, since: 0 })).toEqual({
      count: MAX_COUNTED,
      capped: true,
    });
  });

  test("refuses a non-member: NOT_A_MEMBER", async () => {
    const t = newBackend();
    const { linus, channelId } = await channelWithMembers(t);
    await expectAppError(linus.as.query(api.activity.recentCount, { channelId, since: 0 }), "NOT_A_MEMBER");
  });

  test("refuses a missing `since`", async () => {
    const t = newBackend();
    const { ada, channelId } = await channelWithMembers(t);
    await expectValidationError(
      ada.as.query(api.activity.recentCount, { channelId } as unknown as { channelId: Id<"channels">; since: number }),
    );
  });

  test("refuses a signed-out caller: NOT_AUTHENTICATED", async () => {
    const t = newBackend();
    const { channelId } = await channelWithMembers(t);
    await expectAppError(t.query(api.activity.recentCount, { channelId, since: 0 }), "NOT_AUTHENTICATED");
  });
});

describe("antipatterns/fatPublicFunction", () => {
  test("works, but its refusals are anonymous plain Errors", async () => {
    const t = newBackend();
    const { channelId } = await channelWithMembers(t);
    // The anti-pattern is not deployed, so its handler is run directly, as
    // the signed-in outsider Linus would call it.
    const handler = (fatSend as unknown as { _handler: (ctx: unknown, args: unknown) => Promise<unknown> })._handler;
    const asLinus = t.withIdentity({ subject: "linus", issuer: "https://auth.vibesaas.test" });
    const error: unknown = await asLinus.run((ctx) => handler(ctx, { channelId, body: "hi" })).catch((reason: unknown) => reason);
    expect(error).not.toBeInstanceOf(ConvexError);
    expect(String(error)).toMatch(/Not a member/);
  });
});
