// reactions:toggle and reactions:counts, the feature notebook 10 builds step
// by step. The notebook runs this file against the reader's scratch app.
import { describe, expect, test } from "vitest";
import { api } from "../convex/_generated/api";
import { channelWithMembers, expectAppError, expectValidationError, newBackend } from "./support/backend";

async function postedMessage() {
  const t = newBackend();
  const people = await channelWithMembers(t);
  const messageId = await people.ada.as.mutation(api.messages.send, { channelId: people.channelId, body: "Ship it?" });
  return { t, messageId, ...people };
}

describe("reactions", () => {
  // --8<-- [start:toggle_test]
  test("a second toggle takes the reaction back", async () => {
    const { grace, messageId } = await postedMessage();

    expect(await grace.as.mutation(api.reactions.toggle, { messageId, emoji: "👍" })).toBe(true);
    expect(await grace.as.query(api.reactions.counts, { messageId })).toEqual([
      { emoji: "👍", count: 1, reactedByMe: true },
    ]);

    expect(await grace.as.mutation(api.reactions.toggle, { messageId, emoji: "👍" })).toBe(false);
    expect(await grace.as.query(api.reactions.counts, { messageId })).toEqual([]);
  });
  // --8<-- [end:toggle_test]

  test("counts one reaction per person and emoji, and marks the reader's own", async () => {
    const { ada, grace, messageId } = await postedMessage();
    await ada.as.mutation(api.reactions.toggle, { messageId, emoji: "🎉" });
    await grace.as.mutation(api.reactions.toggle, { messageId, emoji: "🎉" });
    await grace.as.mutation(api.reactions.toggle, { messageId, emoji: "👍" });

    expect(await ada.as.query(api.reactions.counts, { messageId })).toEqual([
      { emoji: "🎉", count: 2, reactedByMe: true },
      { emoji: "👍", count: 1, reactedByMe: false },
    ]);
  });

  // --8<-- [start:member_test]
  test("someone outside the channel can neither react nor read the counts: NOT_A_MEMBER", async () => {
    const { t, linus, messageId } = await postedMessage();

    await expectAppError(linus.as.mutation(api.reactions.toggle, { messageId, emoji: "👍" }), "NOT_A_MEMBER");
    await expectAppError(linus.as.query(api.reactions.counts, { messageId }), "NOT_A_MEMBER");
    expect(await t.run((ctx) => ctx.db.query("reactions").collect())).toEqual([]);
  });
  // --8<-- [end:member_test]

  test("refuses an emoji outside the set before the handler runs", async () => {
    const { grace, messageId } = await postedMessage();
    // @ts-expect-error: the client's types already rule out "🦀"; the validator rules it out at run time.
    await expectValidationError(grace.as.mutation(api.reactions.toggle, { messageId, emoji: "🦀" }));
  });
});
