// ANTI-PATTERN: an index that is a prefix of another index on the same table.
// What is wrong, and the fix:
//
// `by_channel` (["channelId"]) is a prefix of `by_channel_and_author`
// (["channelId", "authorId"]). Every query `by_channel` serves,
// `by_channel_and_author` serves too: `q.eq("channelId", c)` alone is a
// valid range on the longer index. The short index still costs storage and
// a write on every insert, patch and delete, and counts toward the limit of
// 32 indexes per table.
//
// Fix: keep only the longer index and query it with the prefix. (Careful
// with ordering: documents come back ordered by the index's fields, so a
// range on the prefix alone is ordered by authorId first, then time. If
// "the channel's messages in time order" is a query you need, the two
// indexes are NOT redundant: a prefix serves the filter, not the order.)
//
// This file is not part of the deployed app (it is outside convex/).
import { defineTable } from "convex/server";
import { messageFields } from "../convex/schema";

// --8<-- [start:redundant_index]
export const messagesWithRedundantIndex = defineTable(messageFields)
  .index("by_channel", ["channelId"])
  .index("by_channel_and_author", ["channelId", "authorId"]);
// --8<-- [end:redundant_index]
