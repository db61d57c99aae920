// ANTI-PATTERN: a query that forgets its owner filter, written twice. What
// is wrong, and what catches it:
//
// 1. `digestsPlain` is a plain `query`: it checks that someone is signed in,
//    then lists digests without `.withIndex("by_user", …)`. Every signed-in
//    user sees every user's digests.
// 2. `digestsWithRules` makes the same mistake inside `authedQuery`, whose
//    `ctx.db` is wrapped in the row-level rules of convex/model/functions.ts
//    (`ownRowsOnly`). The rule runs on every document the query reads and
//    drops the ones the caller does not own, so the mistake leaks nothing.
//    It still costs: `.take(50)` keeps reading until 50 rows pass the rule,
//    so with few rows of the caller's it reads the whole table.
// Fix: the owner filter, still (the index read is also cheaper: see
// digests:listMine); the rules are the net under it, not a replacement.
import { v } from "convex/values";
import { query } from "../convex/_generated/server";
import { requireUser } from "../convex/model/auth";
import { authedQuery } from "../convex/model/functions";

// --8<-- [start:forgotten_filter]
export const digestsPlain = query({
  args: {},
  returns: v.array(v.id("users")),
  handler: async (ctx) => {
    await requireUser(ctx);
    const digests = await ctx.db.query("digests").take(50); // no owner filter
    return digests.map((digest) => digest.userId);
  },
});

export const digestsWithRules = authedQuery({
  args: {},
  returns: v.array(v.id("users")),
  handler: async (ctx) => {
    const digests = await ctx.db.query("digests").take(50); // the same mistake
    return digests.map((digest) => digest.userId);
  },
});
// --8<-- [end:forgotten_filter]
