"use node";
// The fix for `wrong-runtime-import`: the code that needs Node.js runs in an
// action of a "use node" module, which may import Node-only modules; queries
// and mutations stay in modules without the directive.
// --8<-- [start:good]
import { v } from "convex/values";
import { internalAction } from "../../convex/_generated/server";
import { signPayload } from "./nodeSignature";

export const sign = internalAction({
  args: { payload: v.string() },
  returns: v.string(),
  handler: async (_ctx, { payload }) => signPayload("secret", payload),
});
// --8<-- [end:good]
