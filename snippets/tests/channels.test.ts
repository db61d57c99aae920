// channels:create, channels:join, channels:listMine and channels:get.
import { describe, expect, test } from "vitest";
import { api } from "../convex/_generated/api";
import type { Id } from "../convex/_generated/dataModel";
import { MAX_CHANNEL_NAME_LENGTH } from "../convex/model/services/channels";
import {
  expectAppError,
  expectValidationError,
  identityFor,
  newBackend,
  signIn,
  type Backend,
} from "./support/backend";

/** An id that has the channels table's format but no document behind it. */
async function deletedChannelId(t: Backend): Promise<Id<"channels">> {
  return await t.run(async (ctx) => {
    const owner = await ctx.db.insert("users", { name: "Gone", email: "gone@vibesaas.test", tokenIdentifier: "gone" });
    const channelId = await ctx.db.insert("channels", { name: "gone", createdBy: owner });
    await ctx.db.delete("channels", channelId);
    return channelId;
  });
}

describe("channels:create", () => {
  test("creates the channel and makes the creator its owner, in one transaction", async () => {
    const t = newBackend();
    const { as, userId } = await signIn(t, "ada");

    const channelId = await as.mutation(api.channels.create, { name: "  general " });

    const { channel, memberships } = await t.run(async (ctx) => ({
      channel: await ctx.db.get("channels", channelId),
      memberships: await ctx.db.query("memberships").collect(),
    }));
    expect(channel).toMatchObject({ name: "general", createdBy: userId });
    expect(memberships).toEqual([expect.objectContaining({ channelId, userId, role: "owner" })]);
  });

  test("rejects a name that is taken, after trimming: CHANNEL_NAME_TAKEN", async () => {
    const t = newBackend();
    const { as } = await signIn(t, "ada");
    const grace = await signIn(t, "grace");
    await as.mutation(api.channels.create, { name: "general" });

    const data = await expectAppError(grace.as.mutation(api.channels.create, { name: "general  " }), "CHANNEL_NAME_TAKEN");
    expect(data.name).toBe("general");
  });

  test.each([
    ["empty", ""],
    ["only spaces", "   "],
    ["too long", "x".repeat(MAX_CHANNEL_NAME_LENGTH + 1)],
  ])("rejects a name that is %s: INVALID_CHANNEL_NAME", async (_case, name) => {
    const t = newBackend();
    const { as } = await signIn(t, "ada");
    await expectAppError(as.mutation(api.channels.create, { name }), "INVALID_CHANNEL_NAME");
  });

  test("rejects a signed-out caller: NOT_AUTHENTICATED", async () => {
    const t = newBackend();
    await expectAppError(t.mutation(api.channels.create, { name: "general" }), "NOT_AUTHENTICATED");
  });

  test("rejects a signed-in caller who was never stored: USER_NOT_FOUND", async () => {
    const t = newBackend();
    const as = t.withIdentity(identityFor("ada"));
    await expectAppError(as.mutation(api.channels.create, { name: "general" }), "USER_NOT_FOUND");
  });

  test("rejects a name that is not a string", async () => {
    const t = newBackend();
    const { as } = await signIn(t, "ada");
    await expectValidationError(as.mutation(api.channels.create, { name: 42 } as never));
  });

  test("rejects a createdBy from the client", async () => {
    const t = newBackend();
    const { as, userId } = await signIn(t, "ada");
    await expectValidationError(as.mutation(api.channels.create, { name: "general", createdBy: userId } as never));
  });
});

describe("channels:join", () => {
  test("adds the caller as a member, once, however often it is called", async () => {
    const t = newBackend();
    const ada = await signIn(t, "ada");
    const grace = await signIn(t, "grace");
    const channelId = await ada.as.mutation(api.channels.create, { name: "general" });

    const first = await grace.as.mutation(api.channels.join, { channelId });
    const second = await grace.as.mutation(api.channels.join, { channelId });

    expect(second).toBe(first);
    const membership = await t.run((ctx) => ctx.db.get("memberships", first));
    expect(membership).toMatchObject({ channelId, userId: grace.userId, role: "member" });
  });

  test("keeps the owner an owner when the owner joins again", async () => {
    const t = newBackend();
    const { as } = await signIn(t, "ada");
    const channelId = await as.mutation(api.channels.create, { name: "general" });

    const membershipId = await as.mutation(api.channels.join, { channelId });

    expect((await t.run((ctx) => ctx.db.get("memberships", membershipId)))?.role).toBe("owner");
  });

  test("rejects a channel that does not exist: CHANNEL_NOT_FOUND", async () => {
    const t = newBackend();
    const { as } = await signIn(t, "ada");
    const channelId = await deletedChannelId(t);

    const data = await expectAppError(as.mutation(api.channels.join, { channelId }), "CHANNEL_NOT_FOUND");
    expect(data.channelId).toBe(channelId);
  });

  test("rejects a signed-out caller: NOT_AUTHENTICATED", async () => {
    const t = newBackend();
    const channelId = await deletedChannelId(t);
    await expectAppError(t.mutation(api.channels.join, { channelId }), "NOT_AUTHENTICATED");
  });

  test("rejects a string that is not a channel id", async () => {
    const t = newBackend();
    const { as } = await signIn(t, "ada");
    await expectValidationError(as.mutation(api.channels.join, { channelId: "general" as Id<"channels"> }));
  });

  test("rejects the id of a document in another table", async () => {
    const t = newBackend();
    const { as, userId } = await signIn(t, "ada");
    await expectValidationError(as.mutation(api.channels.join, { channelId: userId as unknown as Id<"channels"> }));
  });
});

describe("channels:listMine", () => {
  test("lists the caller's channels by name, each with the caller's role", async () => {
    const t = newBackend();
    const ada = await signIn(t, "ada");
    const grace = await signIn(t, "grace");
    const random = await ada.as.mutation(api.channels.create, { name: "random" });
    await ada.as.mutation(api.channels.create, { name: "ada-only" });
    const design = await grace.as.mutation(api.channels.create, { name: "design" });
    await grace.as.mutation(api.channels.join, { channelId: random });

    const mine = await grace.as.query(api.channels.listMine, {});

    expect(mine.map(({ _id, name, role }) => ({ _id, name, role }))).toEqual([
      { _id: design, name: "design", role: "owner" },
      { _id: random, name: "random", role: "member" },
    ]);
  });

  test("is empty for a user who has joined nothing", async () => {
    const t = newBackend();
    const { as } = await signIn(t, "ada");
    expect(await as.query(api.channels.listMine, {})).toEqual([]);
  });

  test("rejects a signed-out caller: NOT_AUTHENTICATED", async () => {
    const t = newBackend();
    await expectAppError(t.query(api.channels.listMine, {}), "NOT_AUTHENTICATED");
  });

  test("rejects arguments: whose channels is decided by the token", async () => {
    const t = newBackend();
    const { as, userId } = await signIn(t, "ada");
    await expectValidationError(as.query(api.channels.listMine, { userId } as never));
  });
});

describe("channels:get", () => {
  test("shows the channel with the viewer's role, or null for a non-member", async () => {
    const t = newBackend();
    const ada = await signIn(t, "ada");
    const grace = await signIn(t, "grace");
    const linus = await signIn(t, "linus");
    const channelId = await ada.as.mutation(api.channels.create, { name: "general" });
    await grace.as.mutation(api.channels.join, { channelId });

    expect(await ada.as.query(api.channels.get, { channelId })).toMatchObject({
      _id: channelId,
      name: "general",
      createdBy: ada.userId,
      viewerRole: "owner",
    });
    expect((await grace.as.query(api.channels.get, { channelId }))?.viewerRole).toBe("member");
    expect((await linus.as.query(api.channels.get, { channelId }))?.viewerRole).toBeNull();
  });

  test("is null for a channel that does not exist", async () => {
    const t = newBackend();
    const { as } = await signIn(t, "ada");
    expect(await as.query(api.channels.get, { channelId: await deletedChannelId(t) })).toBeNull();
  });

  test("rejects a signed-out caller: NOT_AUTHENTICATED", async () => {
    const t = newBackend();
    const channelId = await deletedChannelId(t);
    await expectAppError(t.query(api.channels.get, { channelId }), "NOT_AUTHENTICATED");
  });

  test("rejects a missing channelId", async () => {
    const t = newBackend();
    const { as } = await signIn(t, "ada");
    await expectValidationError(as.query(api.channels.get, {} as never));
  });
});
