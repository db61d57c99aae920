// Who is calling? Public functions answer this from the verified auth token
// (`ctx.auth`), never from their arguments: a client can send any `userId`
// it likes, but it cannot forge the identity the auth provider signed.
import type { UserIdentity } from "convex/server";
import type { Doc } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { appError } from "./errors";
import { findUserByToken } from "./repositories/users";

// --8<-- [start:require_identity]
// Takes only `auth`, so queries, mutations and actions can all use it.
export async function requireIdentity(ctx: Pick<QueryCtx, "auth">): Promise<UserIdentity> {
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null) {
    throw appError({ code: "NOT_AUTHENTICATED", message: "Sign in to do this." });
  }
  return identity;
}
// --8<-- [end:require_identity]

// For queries that render something for signed-out visitors too.
export async function getCurrentUser(ctx: QueryCtx): Promise<Doc<"users"> | null> {
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null) {
    return null;
  }
  return await findUserByToken(ctx, identity.tokenIdentifier);
}

// --8<-- [start:require_user]
// A MutationCtx is a QueryCtx with write access, so one helper serves both.
export async function requireUser(ctx: QueryCtx): Promise<Doc<"users">> {
  const identity = await requireIdentity(ctx);
  const user = await findUserByToken(ctx, identity.tokenIdentifier);
  if (user === null) {
    // Signed in with the provider but never stored: the client should call
    // `users:store` right after sign-in (or the webhook has not arrived yet).
    throw appError({
      code: "USER_NOT_FOUND",
      message: "No user record for this sign-in yet; call users:store first.",
    });
  }
  return user;
}
// --8<-- [end:require_user]
