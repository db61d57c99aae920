// The fix for the reviewer's rule `read-limit` (docs/reference/rules/read-limit.md):
// count a table a page at a time, each page in its own transaction, instead
// of reading every document in one query (flawed-app's `countAll`, which
// fails once the table passes the 32,000-documents read limit).
import { v } from "convex/values";
import { internalQuery } from "../convex/_generated/server";

// --8<-- [start:good]
// One page per call: each call reads at most 1,000 documents, whatever the
// table's size. A scheduled action (or the client) sums the pages, and a
// count shown often is better kept in its own document, updated on write.
export const countPage = internalQuery({
  args: { cursor: v.union(v.string(), v.null()) },
  returns: v.object({ count: v.number(), cursor: v.string(), isDone: v.boolean() }),
  handler: async (ctx, { cursor }) => {
    const page = await ctx.db.query("messages").paginate({ cursor, numItems: 1000 });
    return { count: page.page.length, cursor: page.continueCursor, isDone: page.isDone };
  },
});
// --8<-- [end:good]
