// Custom function builders: `authedQuery` and `authedMutation` are `query`
// and `mutation` with the caller already resolved. A function built with
// them cannot forget the auth check, because the check runs before its
// handler and the handler receives `ctx.user`.
import { customCtx, customMutation, customQuery } from "convex-helpers/server/customFunctions";
import { wrapDatabaseReader, wrapDatabaseWriter, type Rules } from "convex-helpers/server/rowLevelSecurity";
import type { DataModel, Doc } from "../_generated/dataModel";
import { mutation, query, type QueryCtx } from "../_generated/server";
import { requireUser } from "./auth";

// --8<-- [start:rls_rules]
// Row-level rules for the tables that belong to one user. They run on every
// document the wrapped `ctx.db` reads or writes, whichever function asks, so
// a query that forgets an owner filter still cannot leak someone's files.
function ownRowsOnly(viewer: Doc<"users">): Rules<QueryCtx, DataModel> {
  return {
    files: {
      read: async (_ctx, file) => file.ownerId === viewer._id,
      modify: async (_ctx, file) => file.ownerId === viewer._id,
      insert: async (_ctx, file) => file.ownerId === viewer._id,
    },
    subscriptions: {
      read: async (_ctx, subscription) => subscription.userId === viewer._id,
    },
    digests: {
      read: async (_ctx, digest) => digest.userId === viewer._id,
      modify: async (_ctx, digest) => digest.userId === viewer._id,
      insert: async (_ctx, digest) => digest.userId === viewer._id,
    },
  };
}
// --8<-- [end:rls_rules]

// --8<-- [start:authed_builders]
export const authedQuery = customQuery(
  query,
  customCtx(async (ctx) => {
    const user = await requireUser(ctx);
    return { user, db: wrapDatabaseReader(ctx, ctx.db, ownRowsOnly(user)) };
  }),
);

export const authedMutation = customMutation(
  mutation,
  customCtx(async (ctx) => {
    const user = await requireUser(ctx);
    return { user, db: wrapDatabaseWriter(ctx, ctx.db, ownRowsOnly(user)) };
  }),
);
// --8<-- [end:authed_builders]
