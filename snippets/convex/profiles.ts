// Public profile functions written with Zod through convex-helpers. Zod earns
// its place where a rule is richer than a Convex validator (trimming, length
// bounds, formats) and you want it declared at the boundary. The Zod schema
// is converted to a Convex validator for the deployment (`name` below is
// still checked as `v.string()` before the handler runs), and Zod then
// parses and transforms the arguments inside the function.
import { customCtx } from "convex-helpers/server/customFunctions";
import { zCustomMutation, zCustomQuery, zid } from "convex-helpers/server/zod4";
import { z } from "zod";
import { mutation, query } from "./_generated/server";
import { requireUser } from "./model/auth";
import { getPublicProfile, renameUser } from "./model/services/profiles";

// --8<-- [start:zod_builders]
// Custom builders: every function made with them resolves the signed-in user
// first (or throws NOT_AUTHENTICATED / USER_NOT_FOUND), and takes Zod
// argument and return schemas.
const authedZodQuery = zCustomQuery(
  query,
  customCtx(async (ctx) => ({ user: await requireUser(ctx) })),
);
const authedZodMutation = zCustomMutation(
  mutation,
  customCtx(async (ctx) => ({ user: await requireUser(ctx) })),
);
// --8<-- [end:zod_builders]

// --8<-- [start:zod_public_profile]
const publicProfile = z.object({ _id: zid("users"), name: z.string() });

export const get = authedZodQuery({
  // zid("users") becomes v.id("users") for the deployment, so an id of
  // another table is refused before the handler runs.
  args: { userId: zid("users") },
  returns: publicProfile.nullable(),
  handler: async (ctx, { userId }) => {
    return await getPublicProfile(ctx, userId);
  },
});
// --8<-- [end:zod_public_profile]

// --8<-- [start:zod_rename]
export const DISPLAY_NAME_MAX = 60;

export const rename = authedZodMutation({
  // Trimmed, then bounded: Zod runs the transform before the length checks,
  // so "   " is refused as empty. A failure reaches the client as a
  // ConvexError whose data is { ZodError: [issues] }.
  args: { name: z.string().trim().min(1).max(DISPLAY_NAME_MAX) },
  returns: z.null(),
  handler: async (ctx, { name }) => {
    await renameUser(ctx, ctx.user, name);
    return null;
  },
});
// --8<-- [end:zod_rename]
