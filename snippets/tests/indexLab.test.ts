// The anti-patterns of notebook 2 return the same answers as their fixes;
// what differs is how much they read (the notebook measures that).
import { describe, expect, test } from "vitest";
import { latestMessagesByCollect } from "../antipatterns/collectEverything";
import {
  filterChannelMessagesByAuthor,
  filterChannelMessagesSince,
  scanMessagesSince,
} from "../antipatterns/filterScan";
import { api } from "../convex/_generated/api";
import { takeMessagesSince } from "../convex/model/repositories/activity";
import { listLatestMessages } from "../convex/model/repositories/messages";
import { newBackend, signIn } from "./support/backend";

describe("antipatterns/filterScan and collectEverything", () => {
  test("give the same results as the index-range versions", async () => {
    const t = newBackend();
    const ada = await signIn(t, "ada");
    const grace = await signIn(t, "grace");
    const general = await ada.as.mutation(api.channels.create, { name: "general" });
    const random = await ada.as.mutation(api.channels.create, { name: "random" });
    await grace.as.mutation(api.channels.join, { channelId: general });
    for (let n = 0; n < 6; n++) {
      await ada.as.mutation(api.messages.send, { channelId: n % 2 ? general : random, body: `early ${n}` });
    }
    const since = Date.now() + 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await grace.as.mutation(api.messages.send, { channelId: general, body: "late 1" });
    await ada.as.mutation(api.messages.send, { channelId: random, body: "late 2" });

    const fixed = await t.run((ctx) => takeMessagesSince(ctx, general, since, 100));
    expect(fixed.map((m) => m.body)).toEqual(["late 1"]);
    expect(await t.run((ctx) => scanMessagesSince(ctx, general, since))).toEqual(fixed);
    expect(await t.run((ctx) => filterChannelMessagesSince(ctx, general, since))).toEqual(fixed);

    const byGrace = await t.run((ctx) => filterChannelMessagesByAuthor(ctx, general, grace.userId));
    expect(byGrace.map((m) => m.body)).toEqual(["late 1"]);

    expect(await t.run((ctx) => latestMessagesByCollect(ctx, general, 2))).toEqual(
      await t.run((ctx) => listLatestMessages(ctx, general, 2)),
    );
  });
});
