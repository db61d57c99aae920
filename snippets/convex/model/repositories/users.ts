// Data access for the `users` table. Repositories know tables and indexes and
// nothing about rules: "emails are unique" lives in the users service.
import type { WithoutSystemFields } from "convex/server";
import type { Doc, Id } from "../../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../../_generated/server";

export type NewUser = WithoutSystemFields<Doc<"users">>;

export async function findUserById(ctx: QueryCtx, userId: Id<"users">): Promise<Doc<"users"> | null> {
  // Naming the table makes a mix-up between id types a type error and lets
  // Convex check the id against the right table at runtime.
  return await ctx.db.get("users", userId);
}

// --8<-- [start:find_user_by_token]
export async function findUserByToken(ctx: QueryCtx, tokenIdentifier: string): Promise<Doc<"users"> | null> {
  // An index range read, not `.filter()`: Convex reads one document instead
  // of scanning every user. `.unique()` throws if two users ever share a
  // token, which surfaces a broken invariant instead of picking one at random.
  return await ctx.db
    .query("users")
    .withIndex("by_token", (q) => q.eq("tokenIdentifier", tokenIdentifier))
    .unique();
}
// --8<-- [end:find_user_by_token]

export async function findUserByEmail(ctx: QueryCtx, email: string): Promise<Doc<"users"> | null> {
  return await ctx.db
    .query("users")
    .withIndex("by_email", (q) => q.eq("email", email))
    .unique();
}

export async function insertUser(ctx: MutationCtx, user: NewUser): Promise<Id<"users">> {
  return await ctx.db.insert("users", user);
}

export async function updateUser(
  ctx: MutationCtx,
  userId: Id<"users">,
  changes: Partial<NewUser>,
): Promise<void> {
  await ctx.db.patch("users", userId, changes);
}
