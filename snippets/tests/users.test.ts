// users:store, users:me and users:upsertFromAuthProvider.
import { describe, expect, test } from "vitest";
import { api, internal } from "../convex/_generated/api";
import { expectAppError, expectValidationError, identityFor, newBackend, signIn } from "./support/backend";

describe("users:store", () => {
  test("creates the caller's user from the identity, with the email normalised", async () => {
    const t = newBackend();
    const as = t.withIdentity(identityFor("ada", { email: "  Ada@VibeSaaS.test " }));

    const userId = await as.mutation(api.users.store, {});

    const user = await t.run((ctx) => ctx.db.get("users", userId));
    expect(user).toMatchObject({
      name: "Ada",
      email: "ada@vibesaas.test",
      tokenIdentifier: "https://auth.vibesaas.test|ada",
    });
  });

  test("is idempotent and picks up profile changes from the provider", async () => {
    const t = newBackend();
    const { userId } = await signIn(t, "ada");

    const again = await t.withIdentity(identityFor("ada", { name: "Ada Lovelace" })).mutation(api.users.store, {});

    expect(again).toBe(userId);
    const users = await t.run((ctx) => ctx.db.query("users").collect());
    expect(users).toHaveLength(1);
    expect(users[0]?.name).toBe("Ada Lovelace");
  });

  test("falls back to the email's local part when the provider sends no name", async () => {
    const t = newBackend();
    const { userId } = await signIn(t, "grace", { name: undefined });

    const user = await t.run((ctx) => ctx.db.get("users", userId));
    expect(user?.name).toBe("grace");
  });

  test("rejects a caller without an identity: NOT_AUTHENTICATED", async () => {
    const t = newBackend();
    await expectAppError(t.mutation(api.users.store, {}), "NOT_AUTHENTICATED");
  });

  test("rejects an email that another account uses, whatever its case: EMAIL_TAKEN", async () => {
    const t = newBackend();
    await signIn(t, "ada");
    const impostor = t.withIdentity(identityFor("impostor", { email: "ADA@vibesaas.test" }));

    await expectAppError(impostor.mutation(api.users.store, {}), "EMAIL_TAKEN");
    expect(await t.run((ctx) => ctx.db.query("users").collect())).toHaveLength(1);
  });

  test("rejects an identity without an email claim: INVALID_IDENTITY", async () => {
    const t = newBackend();
    const as = t.withIdentity(identityFor("ghost", { email: undefined }));
    await expectAppError(as.mutation(api.users.store, {}), "INVALID_IDENTITY");
  });

  test("takes no arguments: a userId from the client is rejected", async () => {
    const t = newBackend();
    const as = t.withIdentity(identityFor("ada"));
    await expectValidationError(as.mutation(api.users.store, { userId: "someone-else" } as never));
  });
});

describe("users:me", () => {
  test("is null for a signed-out visitor", async () => {
    const t = newBackend();
    expect(await t.query(api.users.me, {})).toBeNull();
  });

  test("is null for a signed-in caller who was never stored", async () => {
    const t = newBackend();
    expect(await t.withIdentity(identityFor("ada")).query(api.users.me, {})).toBeNull();
  });

  test("is the caller's own user document", async () => {
    const t = newBackend();
    const { as, userId } = await signIn(t, "ada");
    await signIn(t, "grace");

    const me = await as.query(api.users.me, {});

    expect(me).toMatchObject({ _id: userId, name: "Ada", email: "ada@vibesaas.test" });
    expect(me?._creationTime).toEqual(expect.any(Number));
  });

  test("rejects arguments", async () => {
    const t = newBackend();
    await expectValidationError(t.query(api.users.me, { tokenIdentifier: "x" } as never));
  });
});

describe("users:upsertFromAuthProvider (internal)", () => {
  const profile = { tokenIdentifier: "https://auth.vibesaas.test|ada", name: "Ada", email: "Ada@VibeSaaS.test" };

  test("creates a user, then updates the same document on the next event", async () => {
    const t = newBackend();
    const created = await t.mutation(internal.users.upsertFromAuthProvider, profile);
    const updated = await t.mutation(internal.users.upsertFromAuthProvider, { ...profile, name: "Ada L." });

    expect(updated).toBe(created);
    const user = await t.run((ctx) => ctx.db.get("users", created));
    expect(user).toMatchObject({ name: "Ada L.", email: "ada@vibesaas.test" });
  });

  test("agrees with users:store: the webhook's user is the one the client stores", async () => {
    const t = newBackend();
    const fromWebhook = await t.mutation(internal.users.upsertFromAuthProvider, profile);
    const { userId } = await signIn(t, "ada");
    expect(userId).toBe(fromWebhook);
  });

  test("applies the same uniqueness rule: EMAIL_TAKEN", async () => {
    const t = newBackend();
    await signIn(t, "ada");
    await expectAppError(
      t.mutation(internal.users.upsertFromAuthProvider, { ...profile, tokenIdentifier: "other|1" }),
      "EMAIL_TAKEN",
    );
  });

  test("rejects a value that is not an email address: INVALID_IDENTITY", async () => {
    const t = newBackend();
    await expectAppError(
      t.mutation(internal.users.upsertFromAuthProvider, { ...profile, email: "   " }),
      "INVALID_IDENTITY",
    );
  });

  test("rejects a payload with a missing field", async () => {
    const t = newBackend();
    const { email: _email, ...withoutEmail } = profile;
    await expectValidationError(t.mutation(internal.users.upsertFromAuthProvider, withoutEmail as never));
  });
});
