// ANTI-PATTERN for the reviewer's rule `unused-index`
// (docs/reference/rules/unused-index.md): `by_status` is declared, but no
// function reads through it. Every insert, patch and delete of a ticket still
// writes the index, and it counts toward the table's limit of indexes.
// Fix: remove it, or write the query that needs it (the reference app's
// `messages.by_channel` is read by `listLatestMessages`).
import { defineTable } from "convex/server";
import { v } from "convex/values";

// --8<-- [start:bad]
export const tickets = defineTable({
  title: v.string(),
  status: v.union(v.literal("open"), v.literal("closed")),
  priority: v.number(),
})
  .index("by_status", ["status"]) // no query reads through it
  .index("by_priority", ["priority"]);
// --8<-- [end:bad]
