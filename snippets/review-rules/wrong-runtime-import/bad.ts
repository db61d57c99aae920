// ANTI-PATTERN for the reviewer's rule `wrong-runtime-import`
// (docs/reference/rules/wrong-runtime-import.md): a module WITHOUT "use node"
// (it runs in Convex's own runtime) imports one that needs Node.js. The push
// fails to bundle, or the import fails when the function runs. Fix: call the
// Node code from an action in a "use node" module (good.ts).
// --8<-- [start:bad]
import { v } from "convex/values";
import { internalMutation } from "../../convex/_generated/server";
import { signPayload } from "./nodeSignature"; // a "use node" module

export const recordSigned = internalMutation({
  args: { payload: v.string() },
  returns: v.string(),
  handler: async (_ctx, { payload }) => signPayload("secret", payload),
});
// --8<-- [end:bad]
