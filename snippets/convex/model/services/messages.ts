// Business rules for messages: who may post and read, what a valid message
// is, and how a channel's history is read and cleaned up.
import type { PaginationOptions, PaginationResult } from "convex/server";
import type { Doc, Id } from "../../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../../_generated/server";
import { appError } from "../errors";
import {
  deleteMessage,
  insertMessage,
  listLatestMessages,
  paginateMessages,
  takeOldestMessages,
} from "../repositories/messages";
import { findUserById } from "../repositories/users";
import { requireMembership } from "./channels";

export const MAX_MESSAGE_LENGTH = 2_000;
export const DEFAULT_MESSAGE_LIMIT = 50;
export const MAX_MESSAGE_LIMIT = 200;
export const MAX_DELETE_BATCH_SIZE = 1_000;

export type MessageWithAuthor = Doc<"messages"> & { authorName: string };

// --8<-- [start:send_message_rule]
export async function sendMessage(
  ctx: MutationCtx,
  author: Doc<"users">,
  channelId: Id<"channels">,
  rawBody: string,
): Promise<Id<"messages">> {
  await requireMembership(ctx, author, channelId);
  const body = rawBody.trim();
  // Count code points, not UTF-16 units, so an emoji counts as one character,
  // as it does for the person typing it.
  const length = [...body].length;
  if (length === 0 || length > MAX_MESSAGE_LENGTH) {
    throw appError({
      code: "INVALID_MESSAGE",
      message: `A message has 1 to ${MAX_MESSAGE_LENGTH} characters; this one has ${length}.`,
    });
  }
  return await insertMessage(ctx, { channelId, authorId: author._id, body });
}
// --8<-- [end:send_message_rule]

// --8<-- [start:join_authors]
// Each distinct author is read once per call, however many messages they
// wrote. The query stays reactive: renaming a user re-runs it.
async function withAuthorNames(ctx: QueryCtx, messages: Doc<"messages">[]): Promise<MessageWithAuthor[]> {
  const authorIds = [...new Set(messages.map((message) => message.authorId))];
  const authors = await Promise.all(authorIds.map((authorId) => findUserById(ctx, authorId)));
  const nameById = new Map<Id<"users">, string>();
  for (const author of authors) {
    if (author !== null) {
      nameById.set(author._id, author.name);
    }
  }
  return messages.map((message) => ({
    ...message,
    authorName: nameById.get(message.authorId) ?? "Deleted user",
  }));
}
// --8<-- [end:join_authors]

// `v.number()` accepts 2.5 and -1; the range is a rule, so it lives here.
// Search limits use it too (services/search.ts).
export function checkLimit(limit: number, max: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw appError({ code: "INVALID_LIMIT", message: `Expected a whole number from 1 to ${max}, got ${limit}.` });
  }
  return limit;
}

export async function listRecentMessages(
  ctx: QueryCtx,
  reader: Doc<"users">,
  channelId: Id<"channels">,
  limit: number = DEFAULT_MESSAGE_LIMIT,
): Promise<MessageWithAuthor[]> {
  await requireMembership(ctx, reader, channelId);
  const messages = await listLatestMessages(ctx, channelId, checkLimit(limit, MAX_MESSAGE_LIMIT));
  return await withAuthorNames(ctx, messages);
}

export async function pageMessages(
  ctx: QueryCtx,
  reader: Doc<"users">,
  channelId: Id<"channels">,
  paginationOpts: PaginationOptions,
): Promise<PaginationResult<MessageWithAuthor>> {
  await requireMembership(ctx, reader, channelId);
  const result = await paginateMessages(ctx, channelId, paginationOpts);
  return { ...result, page: await withAuthorNames(ctx, result.page) };
}

export type DeleteBatchResult = { deleted: number; hasMore: boolean };

// --8<-- [start:delete_batch_rule]
// A mutation has read and write limits, so a channel with a long history is
// emptied in batches, each its own transaction; the caller decides whether
// to schedule the next batch.
export async function deleteMessagesBatch(
  ctx: MutationCtx,
  channelId: Id<"channels">,
  batchSize: number,
): Promise<DeleteBatchResult> {
  // One extra row tells whether another batch is needed without a count.
  checkLimit(batchSize, MAX_DELETE_BATCH_SIZE);
  const batch = await takeOldestMessages(ctx, channelId, batchSize + 1);
  const toDelete = batch.slice(0, batchSize);
  await Promise.all(toDelete.map((message) => deleteMessage(ctx, message._id)));
  return { deleted: toDelete.length, hasMore: batch.length > batchSize };
}
// --8<-- [end:delete_batch_rule]
