// ANTI-PATTERN: free strings and boolean flags for a field with a fixed set
// of states. What is wrong, and the fix:
//
// 1. `v.string()` accepts "admin", "Owner" and "" as a role: the database
//    stores whatever a bug writes, and every reader must re-check it.
// 2. Two booleans make four states, and `isOwner: true, isBanned: true` is
//    probably not one the product has.
//
// Fix: a literal union (convex/schema.ts, `membershipRole`); TypeScript then
// narrows the field, and a `switch` over it is checked for completeness.
import { defineTable } from "convex/server";
import { v } from "convex/values";

// --8<-- [start:stringly_typed]
export const memberships = defineTable({
  channelId: v.id("channels"),
  userId: v.id("users"),
  role: v.string(), // "owner"? "member"? "Owner"?
  isOwner: v.boolean(), // and what if it disagrees with role?
  isBanned: v.boolean(),
});
// --8<-- [end:stringly_typed]
