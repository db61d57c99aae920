// Business rules for public profiles: what other signed-in users may see of
// a user (the name, not the email), and renaming oneself.
import type { Doc, Id } from "../../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../../_generated/server";
import { findUserById, updateUser } from "../repositories/users";

export type PublicProfile = Pick<Doc<"users">, "_id" | "name">;

export async function getPublicProfile(ctx: QueryCtx, userId: Id<"users">): Promise<PublicProfile | null> {
  const user = await findUserById(ctx, userId);
  // Only the fields meant for others leave the server.
  return user === null ? null : { _id: user._id, name: user.name };
}

export async function renameUser(ctx: MutationCtx, user: Doc<"users">, name: string): Promise<void> {
  // Skip a no-op write: it would re-run every query that read this user.
  if (user.name !== name) {
    await updateUser(ctx, user._id, { name });
  }
}
