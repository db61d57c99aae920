// ANTI-PATTERN: an action that calls ctx.runQuery once per item.
// What is wrong, and the fix:
//
// Every ctx.runQuery (and ctx.runMutation) an action makes is its own
// transaction. Run in a loop, each one sees the database at a different
// moment: a message deleted between two calls, a membership revoked half-way
// through, and the result mixes states no single query could return. Each
// call also pays its own overhead.
// (https://docs.convex.dev/understanding/best-practices/#avoid-sequential-ctxrunmutation--ctxrunquery-calls-from-actions)
//
// Fix: one internal query that loads everything the action needs, in one
// transaction (convex/search.ts: `similar` hands all matches to
// `loadSimilar` at once). No lint rule sees this; the review does.
import { internal } from "../../convex/_generated/api";
import type { Id } from "../../convex/_generated/dataModel";
import type { ActionCtx } from "../../convex/_generated/server";
import type { SimilarMessage } from "../../convex/model/services/search";

type VectorMatch = { _id: Id<"messageEmbeddings">; _score: number };

// --8<-- [start:sequential_run_queries]
export async function loadMatchesOneByOne(
  ctx: ActionCtx,
  channelId: Id<"channels">,
  matches: VectorMatch[],
): Promise<SimilarMessage[]> {
  const results: SimilarMessage[] = [];
  for (const match of matches) {
    // One transaction per match: each sees the database at another moment.
    const loaded = await ctx.runQuery(internal.search.loadSimilar, { channelId, matches: [match] });
    results.push(...loaded);
  }
  return results;
}
// --8<-- [end:sequential_run_queries]
