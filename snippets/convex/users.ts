// Public and internal functions for users. Each one is thin: find out who is
// calling, then hand over to the users service, which owns the rules.
import { v } from "convex/values";
import { internalMutation, mutation, query } from "./_generated/server";
import { getCurrentUser, requireIdentity } from "./model/auth";
import { profileFromIdentity, upsertUser } from "./model/services/users";
import { userFields } from "./schema";
import { userDoc } from "./model/validators";

// --8<-- [start:store_mutation]
// Called by the client right after sign-in (and on every page load, cheaply:
// an unchanged profile writes nothing). No arguments: everything comes from
// the token the auth provider signed.
export const store = mutation({
  args: {},
  returns: v.id("users"),
  handler: async (ctx) => {
    const identity = await requireIdentity(ctx);
    return await upsertUser(ctx, profileFromIdentity(identity));
  },
});
// --8<-- [end:store_mutation]

// null rather than an error when signed out, so a page can render a
// "Sign in" button from the same subscription.
// eslint-disable-next-line @convex-dev/require-access-control -- open on purpose: it returns only the caller's own document, resolved from the token by getCurrentUser, or null
export const me = query({
  args: {},
  returns: v.union(userDoc, v.null()),
  handler: async (ctx) => {
    return await getCurrentUser(ctx);
  },
});

// --8<-- [start:upsert_from_auth_provider]
// Internal: only the auth provider's webhook (an HTTP action that has
// verified the signature) may assert who a user is. A public mutation with
// these arguments would let any client impersonate anyone.
export const upsertFromAuthProvider = internalMutation({
  args: userFields,
  returns: v.id("users"),
  handler: async (ctx, profile) => {
    return await upsertUser(ctx, profile);
  },
});
// --8<-- [end:upsert_from_auth_provider]
