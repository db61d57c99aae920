// search:messages (full text), search:similar (vector) and the internal
// embedding backfill search:embedChannel.
import { describe, expect, test } from "vitest";
import { api, internal } from "../convex/_generated/api";
import type { Id } from "../convex/_generated/dataModel";
import { EMBEDDING_DIMENSIONS, contentTerms, embedText } from "../convex/model/embeddings";
import { MAX_SEARCH_LIMIT, MAX_SIMILAR_LIMIT } from "../convex/model/services/search";
import { expectAppError, expectValidationError, identityFor, newBackend, signIn, type Backend } from "./support/backend";

const BODIES = [
  "deploy the billing service on friday",
  "lunch plans: pizza or ramen?",
  "the billing webhook failed twice",
  "friday deploy went fine",
];

/** Ada owns #general with four messages, #random has one; Linus is outside. */
async function channelWithHistory(t: Backend) {
  const ada = await signIn(t, "ada");
  const linus = await signIn(t, "linus");
  const channelId = await ada.as.mutation(api.channels.create, { name: "general" });
  const randomId = await ada.as.mutation(api.channels.create, { name: "random" });
  for (const body of BODIES) {
    await ada.as.mutation(api.messages.send, { channelId, body });
  }
  await ada.as.mutation(api.messages.send, { channelId: randomId, body: "billing is in another channel" });
  return { ada, linus, channelId, randomId };
}

async function embedAll(t: Backend, ...channelIds: Id<"channels">[]) {
  for (const channelId of channelIds) {
    await t.action(internal.search.embedChannel, { channelId, pageSize: 3 });
  }
}

describe("embedText", () => {
  test("returns unit vectors of the index's dimensions, identical for the same words", () => {
    const vector = embedText("Billing webhook, failed!");
    expect(vector).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(Math.hypot(...vector)).toBeCloseTo(1);
    expect(embedText("failed billing WEBHOOK")).toEqual(vector);
    expect(embedText("   ")).toEqual(new Array(EMBEDDING_DIMENSIONS).fill(0));
  });

  test("counts content words once, by stem, and ignores function words", () => {
    expect(contentTerms("Did the billing webhook fail again?")).toEqual(["bill", "webhook", "fail"]);
    expect(embedText("billing billing billing")).toEqual(embedText("billing"));
    expect(embedText("the webhook failed")).toEqual(embedText("webhook fails"));
    expect(contentTerms("Is it on?")).toEqual(["is", "it", "on"]);
  });
});

describe("search:messages", () => {
  test("finds a member's channel messages containing the words, and nothing from other channels", async () => {
    const t = newBackend();
    const { ada, channelId } = await channelWithHistory(t);

    const found = await ada.as.query(api.search.messages, { channelId, text: "billing" });

    expect(found.map((m) => m.body).sort()).toEqual([BODIES[0], BODIES[2]]);
  });

  test("returns nothing for a search without words", async () => {
    const t = newBackend();
    const { ada, channelId } = await channelWithHistory(t);
    expect(await ada.as.query(api.search.messages, { channelId, text: "  ?! " })).toEqual([]);
  });

  test("honours the limit", async () => {
    const t = newBackend();
    const { ada, channelId } = await channelWithHistory(t);
    expect(await ada.as.query(api.search.messages, { channelId, text: "friday", limit: 1 })).toHaveLength(1);
  });

  test("rejects a non-member: NOT_A_MEMBER", async () => {
    const t = newBackend();
    const { linus, channelId } = await channelWithHistory(t);
    await expectAppError(linus.as.query(api.search.messages, { channelId, text: "billing" }), "NOT_A_MEMBER");
  });

  test("rejects a signed-out caller: NOT_AUTHENTICATED", async () => {
    const t = newBackend();
    const { channelId } = await channelWithHistory(t);
    await expectAppError(t.query(api.search.messages, { channelId, text: "billing" }), "NOT_AUTHENTICATED");
  });

  test.each([0, 2.5, MAX_SEARCH_LIMIT + 1])("rejects limit %s: INVALID_LIMIT", async (limit) => {
    const t = newBackend();
    const { ada, channelId } = await channelWithHistory(t);
    await expectAppError(ada.as.query(api.search.messages, { channelId, text: "billing", limit }), "INVALID_LIMIT");
  });

  test("rejects text that is not a string", async () => {
    const t = newBackend();
    const { ada, channelId } = await channelWithHistory(t);
    await expectValidationError(ada.as.query(api.search.messages, { channelId, text: 42 } as never));
  });
});

describe("search:embedChannel (internal)", () => {
  test("embeds every message of the channel once, page by page, and again without duplicates", async () => {
    const t = newBackend();
    const { channelId } = await channelWithHistory(t);

    expect(await t.action(internal.search.embedChannel, { channelId, pageSize: 3 })).toEqual({ embedded: 4 });
    expect(await t.action(internal.search.embedChannel, { channelId })).toEqual({ embedded: 4 });

    const stored = await t.run((ctx) => ctx.db.query("messageEmbeddings").collect());
    expect(stored).toHaveLength(4);
    expect(stored.every((row) => row.channelId === channelId)).toBe(true);
  });

  test("refuses vectors of the wrong size", async () => {
    const t = newBackend();
    await channelWithHistory(t);
    const [message] = await t.run((ctx) => ctx.db.query("messages").take(1));
    await expect(
      t.mutation(internal.search.saveEmbeddings, { items: [{ messageId: message!._id, embedding: [1, 0] }] }),
    ).rejects.toThrow(/dimensions/);
    expect(await t.run((ctx) => ctx.db.query("messageEmbeddings").collect())).toEqual([]);
  });
});

describe("search:similar", () => {
  test("ranks the channel's messages by shared words, best first, scores included", async () => {
    const t = newBackend();
    const { ada, channelId, randomId } = await channelWithHistory(t);
    await embedAll(t, channelId, randomId);

    const results = await ada.as.action(api.search.similar, { channelId, text: "billing webhook", limit: 3 });

    expect(results).toHaveLength(3);
    expect(results[0]!.message.body).toBe("the billing webhook failed twice");
    expect(results.every((r) => r.message.channelId === channelId)).toBe(true);
    const scores = results.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  test("ranks by shared content words: neither a repeated word nor 'the' wins", async () => {
    const t = newBackend();
    const ada = await signIn(t, "ada");
    const channelId = await ada.as.mutation(api.channels.create, { name: "general" });
    // The messages of notebook 9, where a plain hashed bag of words ranked the
    // "billing billing billing" message first, for its repeats and its "the".
    for (const body of [
      "Deploy to production is scheduled for Friday afternoon",
      "The billing webhook failed twice overnight",
      "Who wants pizza for lunch?",
      "Billing retries are capped at three attempts",
      "Friday deploys make me nervous",
      "The webhook signature check rejects old timestamps",
      "Ramen place downstairs is open again",
      "Please review the billing billing billing dashboard before the deploy",
      "New onboarding checklist for the support team",
      "The deployment pipeline now runs the tests twice",
    ]) {
      await ada.as.mutation(api.messages.send, { channelId, body });
    }
    await embedAll(t, channelId);

    const results = await ada.as.action(api.search.similar, { channelId, text: "did the billing webhook fail again" });
    expect(results[0]!.message.body).toBe("The billing webhook failed twice overnight");

    // Sharing only "the" is not similarity: no message comes close to a text
    // whose content words it lacks (a model would relate "payment" and "billing").
    const unrelated = await ada.as.action(api.search.similar, { channelId, text: "the payment callback broke" });
    expect(Math.max(...unrelated.map((r) => r.score))).toBeLessThan(0.3);
  });

  test("returns nothing for a search without words", async () => {
    const t = newBackend();
    const { ada, channelId } = await channelWithHistory(t);
    expect(await ada.as.action(api.search.similar, { channelId, text: "" })).toEqual([]);
  });

  test("rejects a non-member: NOT_A_MEMBER", async () => {
    const t = newBackend();
    const { linus, channelId } = await channelWithHistory(t);
    await embedAll(t, channelId);
    await expectAppError(linus.as.action(api.search.similar, { channelId, text: "billing" }), "NOT_A_MEMBER");
  });

  test("rejects a signed-out caller: NOT_AUTHENTICATED", async () => {
    const t = newBackend();
    const { channelId } = await channelWithHistory(t);
    await expectAppError(t.action(api.search.similar, { channelId, text: "billing" }), "NOT_AUTHENTICATED");
  });

  test("rejects a signed-in caller who was never stored: USER_NOT_FOUND", async () => {
    const t = newBackend();
    const { channelId } = await channelWithHistory(t);
    await embedAll(t, channelId);
    const stranger = t.withIdentity(identityFor("newcomer"));
    await expectAppError(stranger.action(api.search.similar, { channelId, text: "billing" }), "USER_NOT_FOUND");
  });

  test("rejects limit above the maximum: INVALID_LIMIT", async () => {
    const t = newBackend();
    const { ada, channelId } = await channelWithHistory(t);
    await expectAppError(
      ada.as.action(api.search.similar, { channelId, text: "billing", limit: MAX_SIMILAR_LIMIT + 1 }),
      "INVALID_LIMIT",
    );
  });

  test("rejects a channelId that is not an id", async () => {
    const t = newBackend();
    const { ada } = await channelWithHistory(t);
    await expectValidationError(ada.as.action(api.search.similar, { channelId: 7, text: "billing" } as never));
  });
});
