// The review checklist's own anti-patterns (snippets/antipatterns/review/)
// do the harm their comments describe; the reference app does not.
import { describe, expect, test } from "vitest";
import { api } from "../convex/_generated/api";
import { createChannelSwallowingErrors } from "../antipatterns/review/swallowedError";
import { expectAppError, newBackend, signIn } from "./support/backend";

describe("antipatterns/review/swallowedError", () => {
  test("commits a channel without its owner's membership; channels:create commits nothing", async () => {
    const t = newBackend();
    const ada = await signIn(t, "ada");
    const creator = await t.run(async (ctx) => await ctx.db.get("users", ada.userId));
    if (creator === null) throw new Error("ada was not stored");
    const tooLong = "x".repeat(81);

    const result = await t.run((ctx) => createChannelSwallowingErrors(ctx, creator, tooLong));

    expect(result).toEqual({ ok: false });
    const leftBehind = await t.run(async (ctx) => ({
      channels: (await ctx.db.query("channels").collect()).length,
      memberships: (await ctx.db.query("memberships").collect()).length,
    }));
    expect(leftBehind).toEqual({ channels: 1, memberships: 0 });

    const reference = newBackend();
    const grace = await signIn(reference, "grace");
    await expectAppError(grace.as.mutation(api.channels.create, { name: tooLong }), "INVALID_CHANNEL_NAME");
    expect(await reference.run((ctx) => ctx.db.query("channels").collect())).toEqual([]);
  });
});
