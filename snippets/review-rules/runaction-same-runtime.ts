// Examples for the reviewer's rule `runaction-same-runtime`
// (docs/reference/rules/runaction-same-runtime.md).
//
// BAD: an action calls another action of the same runtime through
// `ctx.runAction`. That starts a second function, with its own memory and
// time limits, and counts as another function call, for code that could run
// right here. `ctx.runAction` is only needed to cross from the Convex
// runtime to Node.js ("use node") or back.
// GOOD: the shared code is a plain async function both actions call.
import { v } from "convex/values";
import { internal } from "../convex/_generated/api";
import { internalAction } from "../convex/_generated/server";

// --8<-- [start:bad]
export const sendAllDigests = internalAction({
  args: { digestIds: v.array(v.id("digests")) },
  returns: v.null(),
  handler: async (ctx, { digestIds }) => {
    for (const digestId of digestIds) {
      // convex/digests.ts has no "use node": same runtime, a needless extra function call.
      await ctx.runAction(internal.digests.send, { digestId });
    }
    return null;
  },
});
// --8<-- [end:bad]

// --8<-- [start:good]
async function formatDigest(lines: string[]): Promise<string> {
  return lines.map((line) => `- ${line}`).join("\n");
}

export const previewDigest = internalAction({
  args: { lines: v.array(v.string()) },
  returns: v.string(),
  handler: async (_ctx, { lines }) => await formatDigest(lines), // a plain call, same function
});
// --8<-- [end:good]
