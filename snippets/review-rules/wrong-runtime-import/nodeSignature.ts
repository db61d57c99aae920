"use node";
// A module that needs Node.js: the "use node" directive makes Convex bundle
// it for the Node runtime, where `node:crypto` exists. Used by the
// `wrong-runtime-import` examples next to it.
import { createHmac } from "node:crypto";

export function signPayload(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(payload).digest("hex");
}
