// Business rules for users: how an auth-provider identity becomes a user
// document, and that no two users share an email address.
import type { UserIdentity } from "convex/server";
import type { Id } from "../../_generated/dataModel";
import type { MutationCtx } from "../../_generated/server";
import { appError } from "../errors";
import { findUserByEmail, findUserByToken, insertUser, updateUser, type NewUser } from "../repositories/users";

// Case and surrounding spaces are not part of an address: normalising before
// both the uniqueness check and the write keeps the `by_email` index honest.
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

// Auth providers fill in different claims; the app needs a token, an email
// and something to display, and says so clearly when the email is missing.
export function profileFromIdentity(identity: UserIdentity): NewUser {
  if (identity.email === undefined) {
    throw appError({
      code: "INVALID_IDENTITY",
      message: "The auth provider sent no email address; enable the email claim in its JWT template.",
    });
  }
  const emailName = identity.email.split("@")[0] ?? identity.email;
  return {
    tokenIdentifier: identity.tokenIdentifier,
    email: identity.email,
    name: identity.name ?? identity.nickname ?? emailName,
  };
}

// --8<-- [start:upsert_user_rule]
// One rule for both ways users arrive (the client's `users:store` after
// sign-in, and the provider's webhook), so they cannot drift apart.
export async function upsertUser(ctx: MutationCtx, profile: NewUser): Promise<Id<"users">> {
  const email = normalizeEmail(profile.email);
  if (!email.includes("@")) {
    throw appError({ code: "INVALID_IDENTITY", message: `"${profile.email}" is not an email address.` });
  }
  const name = profile.name.trim() || email;

  const existing = await findUserByToken(ctx, profile.tokenIdentifier);
  const emailOwner = await findUserByEmail(ctx, email);
  // The read and the write below run in one transaction: if another
  // mutation claims the email concurrently, Convex retries this one and the
  // check sees it. No unique constraint is needed in the database.
  if (emailOwner !== null && emailOwner._id !== existing?._id) {
    throw appError({ code: "EMAIL_TAKEN", message: "Another account already uses this email address." });
  }

  if (existing === null) {
    return await insertUser(ctx, { tokenIdentifier: profile.tokenIdentifier, name, email });
  }
  // Skip no-op writes: every write re-runs the queries subscribed to it.
  if (existing.name !== name || existing.email !== email) {
    await updateUser(ctx, existing._id, { name, email });
  }
  return existing._id;
}
// --8<-- [end:upsert_user_rule]
