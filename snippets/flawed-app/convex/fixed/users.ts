// The fixed profile update: validated arguments, identity from the token.
import { v } from "convex/values";
import { mutation } from "../_generated/server";
import { requireUser } from "./auth";

// --8<-- [start:update_profile]
export const updateProfile = mutation({
  // Exactly the fields a person may change about themselves; anything else
  // (isAdmin, another user's id) is refused before the handler runs.
  args: { name: v.string() },
  returns: v.null(),
  handler: async (ctx, { name }) => {
    const user = await requireUser(ctx);
    await ctx.db.patch("users", user._id, { name });
    return null;
  },
});
// --8<-- [end:update_profile]
