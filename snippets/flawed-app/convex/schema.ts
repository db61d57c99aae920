// The flawed app's data model. The schema itself is sound (the indexes the
// functions need exist); the flaws are in how the functions use it.
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  users: defineTable({
    name: v.string(),
    tokenIdentifier: v.string(),
    // Only an administrator may set this; see users:updateProfile.
    isAdmin: v.boolean(),
  }).index("by_token", ["tokenIdentifier"]),

  channels: defineTable({
    name: v.string(),
  }),

  messages: defineTable({
    channelId: v.id("channels"),
    authorId: v.id("users"),
    body: v.string(),
  }).index("by_channel", ["channelId"]),
});
