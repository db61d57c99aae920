// ANTI-PATTERN for the reviewer's rule `old-function-syntax`
// (docs/reference/rules/old-function-syntax.md): a function registered with a
// bare handler. There is no place for an `args` or `returns` validator, so
// nothing checks what a client sends. Fix: the object form
// `query({ args, returns, handler })`, as every function of the reference
// app is written (convex/messages.ts `list`).
import { query } from "../convex/_generated/server";

// --8<-- [start:bad]
export const channelCount = query(async (ctx) => {
  const channels = await ctx.db.query("channels").take(1000);
  return channels.length;
});
// --8<-- [end:bad]
