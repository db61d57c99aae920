// ANTI-PATTERN: a function inside convex/ that schedules, or `ctx.run*`-calls,
// a PUBLIC function through `api.*`. What is wrong, and the fix:
//
// 1. A public function is callable by anyone on the internet, so it must
//    check auth and validate everything itself. Server-to-server calls do not
//    need that surface, and routing them through `api.*` means the public
//    function cannot be tightened (or removed) without breaking the server.
// 2. A scheduled or `ctx.runMutation` call runs without the original user's
//    identity: `ctx.auth` in the scheduled function is empty, so a public
//    function that rightly calls requireUser() fails there.
// 3. `ctx.runMutation` inside a mutation is a nested transaction with extra
//    overhead; a plain helper function does the same work in the same
//    transaction.
// Fix: schedule `internal.*` functions only (convex/messages.ts
// `deleteForChannel` schedules `internal.messages.deleteForChannel`), and
// share code between a public and an internal function through a helper in
// convex/model. Convex's best practices: "Only schedule and ctx.run* internal
// functions" (https://docs.convex.dev/understanding/best-practices/).
//
// Not deployed (it lives outside convex/); it compiles, which is the point:
// the type checker does not catch this, a review (or a lint rule) has to.
import { v } from "convex/values";
import { api } from "../convex/_generated/api";
import { mutation } from "../convex/_generated/server";
import { requireUser } from "../convex/model/auth";

// --8<-- [start:api_from_inside]
export const welcome = mutation({
  args: { channelId: v.id("channels") },
  returns: v.null(),
  handler: async (ctx, { channelId }) => {
    await requireUser(ctx);
    // Schedules the PUBLIC messages:send. It runs later with no signed-in
    // user, so its requireUser() throws NOT_AUTHENTICATED, and the only
    // "fix" that makes it work would be to weaken the public function.
    await ctx.scheduler.runAfter(0, api.messages.send, { channelId, body: "Welcome!" });
    return null;
  },
});
// --8<-- [end:api_from_inside]
