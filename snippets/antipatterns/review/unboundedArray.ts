// ANTI-PATTERN: a relationship that grows, stored as an array on the parent.
// What is wrong, and the fix:
//
// 1. A document holds at most 8,192 array elements and 1 MiB in total
//    (https://docs.convex.dev/production/state/limits): a popular channel
//    eventually cannot take another member.
// 2. Every join or leave rewrites the whole channel document, so every query
//    that read the channel re-runs, and concurrent joins conflict on it.
// 3. "Which channels am I in?" has no index to use: it scans every channel.
//
// Fix: a join table with an index for each direction (convex/schema.ts,
// `memberships` with `by_channel_and_user` and `by_user`).
import { defineTable } from "convex/server";
import { v } from "convex/values";

// --8<-- [start:member_array]
export const channels = defineTable({
  name: v.string(),
  memberIds: v.array(v.id("users")), // grows with every join
});
// --8<-- [end:member_array]
