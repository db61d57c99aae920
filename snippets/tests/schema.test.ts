// The schema makes invalid states unrepresentable: these writes fail in the
// database itself, whatever code attempts them.
import { describe, expect, test } from "vitest";
import type { Id } from "../convex/_generated/dataModel";
import schema from "../convex/schema";
import { newBackend } from "./support/backend";

async function seed(t: ReturnType<typeof newBackend>) {
  return await t.run(async (ctx) => {
    const userId = await ctx.db.insert("users", { name: "Ada", email: "ada@vibesaas.test", tokenIdentifier: "ada" });
    const channelId = await ctx.db.insert("channels", { name: "general", createdBy: userId });
    return { userId, channelId };
  });
}

describe("schema", () => {
  test("rejects a membership role outside the literal union", async () => {
    const t = newBackend();
    const { userId, channelId } = await seed(t);
    await expect(
      t.run((ctx) => ctx.db.insert("memberships", { channelId, userId, role: "admin" as "owner" })),
    ).rejects.toThrow(/Validator error/);
  });

  test("rejects a message whose channelId points at another table", async () => {
    const t = newBackend();
    const { userId } = await seed(t);
    await expect(
      t.run((ctx) =>
        ctx.db.insert("messages", { channelId: userId as unknown as Id<"channels">, authorId: userId, body: "hi" }),
      ),
    ).rejects.toThrow(/Validator error/);
  });

  test("rejects a document with a field the schema does not define", async () => {
    const t = newBackend();
    await expect(
      t.run((ctx) =>
        ctx.db.insert("users", { name: "A", email: "a@b.c", tokenIdentifier: "a", isAdmin: true } as never),
      ),
    ).rejects.toThrow(/Validator error/);
  });

  test("declares the indexes the repositories read through", () => {
    const indexes = Object.fromEntries(
      Object.entries(schema.tables).map(([table, definition]) => [
        table,
        // `" indexes"()` is how Convex itself lists a table's indexes.
        definition[" indexes"]().map((index) => [index.indexDescriptor, index.fields]),
      ]),
    );
    expect(indexes).toEqual({
      users: [
        ["by_token", ["tokenIdentifier"]],
        ["by_email", ["email"]],
      ],
      channels: [["by_name", ["name"]]],
      memberships: [
        ["by_channel_and_user", ["channelId", "userId"]],
        ["by_user", ["userId"]],
      ],
      messages: [["by_channel", ["channelId"]]],
      reactions: [["by_message_user_emoji", ["messageId", "userId", "emoji"]]],
      messageEmbeddings: [["by_message", ["messageId"]]],
      subscriptions: [["by_user", ["userId"]]],
      webhookEvents: [["by_source_and_event", ["source", "eventId"]]],
      files: [["by_owner", ["ownerId"]]],
      digests: [["by_user", ["userId"]]],
    });
  });
});
