// The anti-patterns are not only ugly; these tests show the bugs they let
// through, next to the reference app refusing the same thing.
import { describe, expect, test } from "vitest";
import { UserRepository, UserService } from "../antipatterns/classBasedRepository";
import { api } from "../convex/_generated/api";
import { expectAppError, identityFor, newBackend, signIn } from "./support/backend";

describe("antipatterns/classBasedRepository", () => {
  test("lets a second account in with the same email in other case; users:store does not", async () => {
    const t = newBackend();
    await t.run((ctx) => UserService.createUser(ctx, { name: "Ada", email: "ada@vibesaas.test", tokenIdentifier: "a" }));
    await t.run((ctx) => UserService.createUser(ctx, { name: "Eve", email: "ADA@vibesaas.test", tokenIdentifier: "e" }));

    const emails = await t.run(async (ctx) => (await ctx.db.query("users").collect()).map((user) => user.email));
    expect(emails).toEqual(["ada@vibesaas.test", "ada@vibesaas.test"]);

    const reference = newBackend();
    await signIn(reference, "ada");
    const eve = reference.withIdentity(identityFor("eve", { email: "ADA@vibesaas.test" }));
    await expectAppError(eve.mutation(api.users.store, {}), "EMAIL_TAKEN");
  });

  test("findById hands back a document from another table when given its id", async () => {
    const t = newBackend();
    const { as } = await signIn(t, "ada");
    const channelId = await as.mutation(api.channels.create, { name: "general" });

    const found = await t.run((ctx) => UserRepository.findById(ctx, channelId));

    // Asked for a user, got a channel: nothing in the types or at runtime objected.
    expect(found).toMatchObject({ _id: channelId, name: "general" });
  });
});
