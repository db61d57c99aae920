// Return validators of the public API, derived from the schema rather than
// restated: `schema.doc(table)` is the table's fields plus `_id` and
// `_creationTime`, and `.extend` adds what a function joins in.
import { v } from "convex/values";
import schema, { membershipRole } from "../schema";

// --8<-- [start:derived_validators]
export const userDoc = schema.doc("users");

export const memberChannel = schema.doc("channels").extend({ role: membershipRole });

export const channelForViewer = schema.doc("channels").extend({
  // null: the viewer can see the channel but has not joined it.
  viewerRole: v.union(membershipRole, v.null()),
});

export const messageWithAuthor = schema.doc("messages").extend({ authorName: v.string() });
// --8<-- [end:derived_validators]
