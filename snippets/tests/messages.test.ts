// messages:send, messages:list, messages:listPage and the internal
// messages:deleteForChannel.
import type { FunctionReturnType } from "convex/server";
import { afterEach, describe, expect, test, vi } from "vitest";
import { api, internal } from "../convex/_generated/api";
import type { Id } from "../convex/_generated/dataModel";
import { MAX_MESSAGE_LENGTH, MAX_MESSAGE_LIMIT } from "../convex/model/services/messages";
import {
  channelWithMembers,
  expectAppError,
  expectValidationError,
  identityFor,
  newBackend,
  signIn,
  type Backend,
  type Caller,
} from "./support/backend";

async function sendNumbered(as: Caller, channelId: Id<"channels">, count: number, from = 1): Promise<void> {
  for (let n = from; n < from + count; n++) {
    await as.mutation(api.messages.send, { channelId, body: `message ${n}` });
  }
}

async function messagesIn(t: Backend, channelId: Id<"channels">) {
  return await t.run((ctx) =>
    ctx.db
      .query("messages")
      .withIndex("by_channel", (q) => q.eq("channelId", channelId))
      .collect(),
  );
}

describe("messages:send", () => {
  test("stores the trimmed body with the caller as author", async () => {
    const t = newBackend();
    const { grace, channelId } = await channelWithMembers(t);

    const messageId = await grace.as.mutation(api.messages.send, { channelId, body: "  hello  " });

    const message = await t.run((ctx) => ctx.db.get("messages", messageId));
    expect(message).toMatchObject({ channelId, authorId: grace.userId, body: "hello" });
  });

  test("rejects a caller who has not joined the channel: NOT_A_MEMBER", async () => {
    const t = newBackend();
    const { linus, channelId } = await channelWithMembers(t);

    const data = await expectAppError(linus.as.mutation(api.messages.send, { channelId, body: "hi" }), "NOT_A_MEMBER");

    expect(data.channelId).toBe(channelId);
    expect(await messagesIn(t, channelId)).toEqual([]);
  });

  test.each([
    ["empty", ""],
    ["only whitespace", " \n\t "],
    ["one character too long", "x".repeat(MAX_MESSAGE_LENGTH + 1)],
  ])("rejects a body that is %s: INVALID_MESSAGE", async (_case, body) => {
    const t = newBackend();
    const { ada, channelId } = await channelWithMembers(t);
    await expectAppError(ada.as.mutation(api.messages.send, { channelId, body }), "INVALID_MESSAGE");
  });

  test("accepts exactly the maximum length, counting an emoji as one character", async () => {
    const t = newBackend();
    const { ada, channelId } = await channelWithMembers(t);

    await ada.as.mutation(api.messages.send, { channelId, body: "x".repeat(MAX_MESSAGE_LENGTH) });
    await ada.as.mutation(api.messages.send, { channelId, body: "🎉".repeat(MAX_MESSAGE_LENGTH) });

    expect(await messagesIn(t, channelId)).toHaveLength(2);
  });

  test("rejects a signed-out caller: NOT_AUTHENTICATED", async () => {
    const t = newBackend();
    const { channelId } = await channelWithMembers(t);
    await expectAppError(t.mutation(api.messages.send, { channelId, body: "hi" }), "NOT_AUTHENTICATED");
  });

  test("rejects a signed-in caller who was never stored: USER_NOT_FOUND", async () => {
    const t = newBackend();
    const { channelId } = await channelWithMembers(t);
    const as = t.withIdentity(identityFor("newcomer"));
    await expectAppError(as.mutation(api.messages.send, { channelId, body: "hi" }), "USER_NOT_FOUND");
  });

  test("rejects a body that is not a string", async () => {
    const t = newBackend();
    const { ada, channelId } = await channelWithMembers(t);
    await expectValidationError(ada.as.mutation(api.messages.send, { channelId, body: 42 } as never));
  });

  test("rejects an authorId from the client: the author is the caller", async () => {
    const t = newBackend();
    const { ada, grace, channelId } = await channelWithMembers(t);
    await expectValidationError(
      ada.as.mutation(api.messages.send, { channelId, body: "as grace", authorId: grace.userId } as never),
    );
  });
});

describe("messages:list", () => {
  test("returns the newest 50 by default, oldest first", async () => {
    const t = newBackend();
    const { ada, channelId } = await channelWithMembers(t);
    await sendNumbered(ada.as, channelId, 55);

    const messages = await ada.as.query(api.messages.list, { channelId });

    expect(messages).toHaveLength(50);
    expect(messages[0]?.body).toBe("message 6");
    expect(messages.at(-1)?.body).toBe("message 55");
  });

  test("honours limit and joins in each author's current name", async () => {
    const t = newBackend();
    const { ada, grace, channelId } = await channelWithMembers(t);
    await sendNumbered(ada.as, channelId, 2);
    await grace.as.mutation(api.messages.send, { channelId, body: "hi Ada" });
    await t.withIdentity(identityFor("ada", { name: "Ada Lovelace" })).mutation(api.users.store, {});

    const messages = await grace.as.query(api.messages.list, { channelId, limit: 2 });

    expect(messages.map(({ body, authorName, authorId }) => ({ body, authorName, authorId }))).toEqual([
      { body: "message 2", authorName: "Ada Lovelace", authorId: ada.userId },
      { body: "hi Ada", authorName: "Grace", authorId: grace.userId },
    ]);
  });

  test("only shows the channel asked for", async () => {
    const t = newBackend();
    const { ada, channelId } = await channelWithMembers(t);
    const other = await ada.as.mutation(api.channels.create, { name: "other" });
    await ada.as.mutation(api.messages.send, { channelId: other, body: "elsewhere" });
    await ada.as.mutation(api.messages.send, { channelId, body: "here" });

    expect((await ada.as.query(api.messages.list, { channelId })).map((m) => m.body)).toEqual(["here"]);
  });

  test("rejects a reader who has not joined the channel: NOT_A_MEMBER", async () => {
    const t = newBackend();
    const { linus, channelId } = await channelWithMembers(t);
    await expectAppError(linus.as.query(api.messages.list, { channelId }), "NOT_A_MEMBER");
  });

  test.each([0, -1, 2.5, MAX_MESSAGE_LIMIT + 1])("rejects limit %s: INVALID_LIMIT", async (limit) => {
    const t = newBackend();
    const { ada, channelId } = await channelWithMembers(t);
    await expectAppError(ada.as.query(api.messages.list, { channelId, limit }), "INVALID_LIMIT");
  });

  test("rejects a signed-out caller: NOT_AUTHENTICATED", async () => {
    const t = newBackend();
    const { channelId } = await channelWithMembers(t);
    await expectAppError(t.query(api.messages.list, { channelId }), "NOT_AUTHENTICATED");
  });

  test("rejects a limit that is not a number", async () => {
    const t = newBackend();
    const { ada, channelId } = await channelWithMembers(t);
    await expectValidationError(ada.as.query(api.messages.list, { channelId, limit: "10" } as never));
  });
});

describe("messages:listPage", () => {
  test("pages through the whole history, newest first, without gaps or repeats", async () => {
    const t = newBackend();
    const { ada, grace, channelId } = await channelWithMembers(t);
    await sendNumbered(ada.as, channelId, 25);

    const bodies: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (;;) {
      const result: FunctionReturnType<typeof api.messages.listPage> = await grace.as.query(api.messages.listPage, {
        channelId,
        paginationOpts: { numItems: 10, cursor },
      });
      pages++;
      bodies.push(...result.page.map((message) => message.body));
      expect(result.page.every((message) => message.authorName === "Ada")).toBe(true);
      if (result.isDone) break;
      cursor = result.continueCursor;
    }

    expect(pages).toBe(3);
    expect(bodies).toEqual(Array.from({ length: 25 }, (_, i) => `message ${25 - i}`));
  });

  test("rejects a reader who has not joined the channel: NOT_A_MEMBER", async () => {
    const t = newBackend();
    const { linus, channelId } = await channelWithMembers(t);
    await expectAppError(
      linus.as.query(api.messages.listPage, { channelId, paginationOpts: { numItems: 10, cursor: null } }),
      "NOT_A_MEMBER",
    );
  });

  test("rejects a signed-out caller: NOT_AUTHENTICATED", async () => {
    const t = newBackend();
    const { channelId } = await channelWithMembers(t);
    await expectAppError(
      t.query(api.messages.listPage, { channelId, paginationOpts: { numItems: 10, cursor: null } }),
      "NOT_AUTHENTICATED",
    );
  });

  test("rejects a call without paginationOpts", async () => {
    const t = newBackend();
    const { ada, channelId } = await channelWithMembers(t);
    await expectValidationError(ada.as.query(api.messages.listPage, { channelId } as never));
  });
});

describe("messages:deleteForChannel (internal)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test("empties a channel in batches, scheduling itself until done", async () => {
    const t = newBackend();
    const { ada, channelId } = await channelWithMembers(t);
    const other = await ada.as.mutation(api.channels.create, { name: "other" });
    await sendNumbered(ada.as, channelId, 7);
    await sendNumbered(ada.as, other, 2);
    vi.useFakeTimers();

    const first = await t.mutation(internal.messages.deleteForChannel, { channelId, batchSize: 3 });
    expect(first).toEqual({ deleted: 3, hasMore: true });
    expect(await messagesIn(t, channelId)).toHaveLength(4);

    await t.finishAllScheduledFunctions(vi.runAllTimers);

    expect(await messagesIn(t, channelId)).toEqual([]);
    expect(await messagesIn(t, other)).toHaveLength(2);
  });

  test("reports nothing more to do on an empty channel", async () => {
    const t = newBackend();
    const { channelId } = await channelWithMembers(t);
    expect(await t.mutation(internal.messages.deleteForChannel, { channelId })).toEqual({ deleted: 0, hasMore: false });
  });

  test("rejects a batch size outside 1 to 1000: INVALID_LIMIT", async () => {
    const t = newBackend();
    const { channelId } = await channelWithMembers(t);
    await expectAppError(t.mutation(internal.messages.deleteForChannel, { channelId, batchSize: 0 }), "INVALID_LIMIT");
  });

  test("rejects a channelId that is not an id", async () => {
    const t = newBackend();
    await expectValidationError(
      t.mutation(internal.messages.deleteForChannel, { channelId: 7 as unknown as Id<"channels"> }),
    );
  });
});
