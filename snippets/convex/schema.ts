// The data model of VibeSaaS: the single source of truth for every table,
// field and index. Function validators are derived from the field maps below,
// so a field changes in exactly one place.
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

// --8<-- [start:shared_validators]
// A literal union, not `v.string()`: a role the app does not know about can
// never be written, and TypeScript narrows `role` to "owner" | "member".
export const membershipRole = v.union(v.literal("owner"), v.literal("member"));

// Field maps are plain objects so that they can be spread into `defineTable`
// here and into function `args` / `returns` elsewhere, without restating them.
export const userFields = {
  name: v.string(),
  // Stored lower-cased by the users service, so the index finds "Ada@x.io"
  // and "ada@x.io" as the same address.
  email: v.string(),
  // "issuer|subject" from the auth provider: stable, unlike email or name.
  tokenIdentifier: v.string(),
};

export const channelFields = {
  name: v.string(),
  createdBy: v.id("users"),
};

export const membershipFields = {
  channelId: v.id("channels"),
  userId: v.id("users"),
  role: membershipRole,
};

export const messageFields = {
  channelId: v.id("channels"),
  authorId: v.id("users"),
  body: v.string(),
};
// --8<-- [end:shared_validators]

// --8<-- [start:reaction_fields]
// The reactions a message can get: a closed set, so the validator refuses
// anything else before a handler runs, and the client gets a typed union.
export const reactionEmoji = v.union(v.literal("👍"), v.literal("❤️"), v.literal("🎉"), v.literal("😂"));

export const reactionFields = {
  messageId: v.id("messages"),
  userId: v.id("users"),
  emoji: reactionEmoji,
};
// --8<-- [end:reaction_fields]

export default defineSchema({
  // --8<-- [start:users_table]
  users: defineTable(userFields)
    // Every authenticated request resolves its caller through this index.
    .index("by_token", ["tokenIdentifier"])
    // Lets the service enforce unique emails without scanning the table.
    .index("by_email", ["email"]),
  // --8<-- [end:users_table]

  // --8<-- [start:channels_table]
  channels: defineTable(channelFields)
    // Channel names are unique; this index makes the check one lookup.
    .index("by_name", ["name"]),
  // --8<-- [end:channels_table]

  // --8<-- [start:memberships_table]
  // A join table instead of an array of user ids on the channel: documents
  // stay small, and both directions ("who is in this channel", "which
  // channels am I in") are index range reads.
  memberships: defineTable(membershipFields)
    // Serves "is this user a member?" (both fields) and "all members of a
    // channel" (the channelId prefix alone), so no separate by_channel index.
    .index("by_channel_and_user", ["channelId", "userId"])
    .index("by_user", ["userId"]),
  // --8<-- [end:memberships_table]

  // --8<-- [start:messages_table]
  messages: defineTable(messageFields)
    // Convex appends _creationTime to every index, so this index already
    // returns a channel's messages in the order they were sent.
    .index("by_channel", ["channelId"])
    // Full text search over bodies, always within one channel: the filter
    // field narrows the search before any ranking happens.
    .searchIndex("search_body", { searchField: "body", filterFields: ["channelId"] }),
  // --8<-- [end:messages_table]

  // --8<-- [start:reactions_table]
  // One document per (message, person, emoji), never a counter on the
  // message: two people reacting at once write different documents, and
  // "did I react?" is a lookup rather than a scan of a list.
  reactions: defineTable(reactionFields)
    // Serves both questions the feature asks: "has this person reacted with
    // this emoji?" (all three fields) and "all reactions to a message" (the
    // messageId prefix alone).
    .index("by_message_user_emoji", ["messageId", "userId", "emoji"]),
  // --8<-- [end:reactions_table]

  // --8<-- [start:embeddings_table]
  // One embedding per message, in its own table: message documents stay
  // small for every query that lists them, and the vectors can be rebuilt
  // (new model, new dimensions) without touching messages.
  messageEmbeddings: defineTable({
    messageId: v.id("messages"),
    // Copied from the message so that vector search can filter on it.
    channelId: v.id("channels"),
    embedding: v.array(v.float64()),
  })
    .index("by_message", ["messageId"])
    // 64 must match EMBEDDING_DIMENSIONS in convex/model/embeddings.ts.
    .vectorIndex("by_embedding", { vectorField: "embedding", dimensions: 64, filterFields: ["channelId"] }),
  // --8<-- [end:embeddings_table]
  // --8<-- [start:billing_tables]
  // One row per user: the subscription state Polar last told us about.
  subscriptions: defineTable({
    userId: v.id("users"),
    polarSubscriptionId: v.string(),
    productId: v.string(),
    status: v.union(
      v.literal("incomplete"),
      v.literal("trialing"),
      v.literal("active"),
      v.literal("past_due"),
      v.literal("canceled"),
      v.literal("unpaid"),
    ),
    currentPeriodEnd: v.union(v.number(), v.null()),
    // When Polar changed the subscription (from the event), so an older
    // event delivered late can never overwrite a newer state.
    changedAt: v.number(),
    // What the state entitles the user to, stored rather than computed in
    // the query: written with the state, and flipped to "free" by a scheduled
    // mutation when a canceled subscription's paid period ends. Queries stay
    // free of Date.now(), and the end of a period is a write that subscribed
    // pages see (model/billing.ts).
    plan: v.union(v.literal("free"), v.literal("pro")),
  })
    .index("by_user", ["userId"]),
  // Every webhook delivery handled, keyed by the provider's message id:
  // the second delivery of the same event finds its row and changes nothing.
  webhookEvents: defineTable({
    source: v.union(v.literal("clerk"), v.literal("polar")),
    eventId: v.string(),
    type: v.string(),
  }).index("by_source_and_event", ["source", "eventId"]),
  // --8<-- [end:billing_tables]
  // --8<-- [start:files_table]
  files: defineTable({
    ownerId: v.id("users"),
    // A reference into Convex file storage; the bytes live there, not here.
    storageId: v.id("_storage"),
    name: v.string(),
    contentType: v.union(v.string(), v.null()),
    size: v.number(),
  }).index("by_owner", ["ownerId"]),
  // --8<-- [end:files_table]
  // --8<-- [start:digests_table]
  // A user's request for an email digest: written by a mutation, sent later
  // by a scheduled action that calls the email provider's API.
  digests: defineTable({
    userId: v.id("users"),
    status: v.union(v.literal("queued"), v.literal("sent"), v.literal("failed")),
    sendAt: v.number(),
    providerMessageId: v.optional(v.string()),
    error: v.optional(v.string()),
  }).index("by_user", ["userId"]),
  // --8<-- [end:digests_table]
});
