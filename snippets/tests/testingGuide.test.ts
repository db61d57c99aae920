// The examples of the guide's page "Testing with convex-test"
// (docs/patterns/testing-with-convex-test.md): one test per technique, each
// on the reference app, included on the page by section.
import { afterEach, describe, expect, test, vi } from "vitest";
import { api, internal } from "../convex/_generated/api";
import { expectAppError, expectValidationError, identityFor, newBackend, signIn } from "./support/backend";

describe("testing with convex-test", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  // --8<-- [start:first_test]
  test("a member's message is stored with them as its author", async () => {
    const t = newBackend(); // a fresh, empty in-memory backend per test
    const ada = await signIn(t, "ada"); // an identity, plus users:store
    const channelId = await ada.as.mutation(api.channels.create, { name: "general" });

    await ada.as.mutation(api.messages.send, { channelId, body: "hello" });

    const messages = await ada.as.query(api.messages.list, { channelId });
    expect(messages).toMatchObject([{ body: "hello", authorId: ada.userId, authorName: "Ada" }]);
  });
  // --8<-- [end:first_test]

  // --8<-- [start:refusals]
  test("refuses the signed-out, the non-member and the malformed", async () => {
    const t = newBackend();
    const ada = await signIn(t, "ada");
    const channelId = await ada.as.mutation(api.channels.create, { name: "general" });

    // No identity at all: the auth check.
    await expectAppError(t.mutation(api.messages.send, { channelId, body: "hi" }), "NOT_AUTHENTICATED");
    // Signed in, but not a member: the business rule.
    const linus = await signIn(t, "linus");
    await expectAppError(linus.as.mutation(api.messages.send, { channelId, body: "hi" }), "NOT_A_MEMBER");
    // Wrong shape: the argument validator, before any of the handler runs.
    await expectValidationError(ada.as.mutation(api.messages.send, { channelId, body: 42 as unknown as string }));
  });
  // --8<-- [end:refusals]

  // --8<-- [start:direct_database]
  test("t.run reads and writes the database directly, for set-up and checks", async () => {
    const t = newBackend();
    const ada = await signIn(t, "ada");
    const channelId = await ada.as.mutation(api.channels.create, { name: "general" });
    // Seed 30 messages without going through the public API.
    await t.run(async (ctx) => {
      for (let n = 1; n <= 30; n++) {
        await ctx.db.insert("messages", { channelId, authorId: ada.userId, body: `seeded ${n}` });
      }
    });

    const latest = await ada.as.query(api.messages.list, { channelId, limit: 5 });

    expect(latest.map((message) => message.body)).toEqual(["seeded 26", "seeded 27", "seeded 28", "seeded 29", "seeded 30"]);
  });
  // --8<-- [end:direct_database]

  // --8<-- [start:rollback]
  test("a refused mutation leaves nothing behind", async () => {
    const t = newBackend();
    const ada = await signIn(t, "ada");
    await ada.as.mutation(api.channels.create, { name: "general" });

    await expectAppError(ada.as.mutation(api.channels.create, { name: "general" }), "CHANNEL_NAME_TAKEN");

    const channels = await t.run((ctx) => ctx.db.query("channels").collect());
    expect(channels).toHaveLength(1);
  });
  // --8<-- [end:rollback]

  // --8<-- [start:internal_and_scheduled]
  test("internal functions and what they schedule", async () => {
    vi.useFakeTimers(); // convex-test runs scheduled functions on timers
    const t = newBackend();
    const ada = await signIn(t, "ada");
    const channelId = await ada.as.mutation(api.channels.create, { name: "general" });
    for (let n = 0; n < 5; n++) {
      await ada.as.mutation(api.messages.send, { channelId, body: `message ${n}` });
    }

    // A test may call internal functions; a client never can.
    await t.mutation(internal.messages.deleteForChannel, { channelId, batchSize: 2 });
    await t.finishAllScheduledFunctions(vi.runAllTimers);

    expect(await ada.as.query(api.messages.list, { channelId })).toEqual([]);
  });
  // --8<-- [end:internal_and_scheduled]

  // --8<-- [start:identity_claims]
  test("identities carry the claims a provider would send", async () => {
    const t = newBackend();
    const withoutEmail = t.withIdentity(identityFor("nemo", { email: undefined }));

    await expectAppError(withoutEmail.mutation(api.users.store, {}), "INVALID_IDENTITY");
  });
  // --8<-- [end:identity_claims]
});
