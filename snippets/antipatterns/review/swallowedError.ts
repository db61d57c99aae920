// ANTI-PATTERN: catching an error inside a mutation and returning normally.
// What is wrong, and the fix:
//
// A mutation is one transaction: it commits everything it wrote if it
// returns, and nothing if it throws. Catching the failure of a later step and
// returning "ok: false" commits the earlier writes, so the channel exists
// without its owner's membership: exactly the half-done state a transaction
// exists to prevent.
//
// Fix: let the error propagate (or throw a ConvexError for the client to
// handle); the whole mutation rolls back (convex/model/services/channels.ts,
// `createChannel`, and the ConvexError codes in convex/model/errors.ts).
import type { Doc } from "../../convex/_generated/dataModel";
import type { MutationCtx } from "../../convex/_generated/server";

// --8<-- [start:swallowed_error]
export async function createChannelSwallowingErrors(
  ctx: MutationCtx,
  creator: Doc<"users">,
  name: string,
): Promise<{ ok: boolean }> {
  const channelId = await ctx.db.insert("channels", { name, createdBy: creator._id });
  try {
    if (name.length > 80) throw new Error("name too long"); // a later step fails...
    await ctx.db.insert("memberships", { channelId, userId: creator._id, role: "owner" });
    return { ok: true };
  } catch {
    return { ok: false }; // ...and the channel above is committed anyway
  }
}
// --8<-- [end:swallowed_error]
