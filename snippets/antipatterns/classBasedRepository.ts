// ANTI-PATTERN: class-based services and a generic BaseRepository with
// `ctx: any`. It compiles, which is the problem: the compiler can no longer
// help. What is wrong, and what the reference app does instead:
//
// 1. `ctx: any` discards the generated QueryCtx / MutationCtx types, so a
//    misspelt table, a missing index or a wrong field type compiles and
//    fails at runtime. Fix: type every helper with `QueryCtx` / `MutationCtx`
//    from convex/_generated/server (convex/model/repositories/*.ts).
// 2. `zid("users").parse(id)` inside Zod only checks that the value is a
//    string; it checks the table only once converted to a Convex validator.
//    And `ctx.db.get(id)` without a table name cannot check it either.
//    Fix: take `Id<"users">` parameters, validate ids at the function
//    boundary with `v.id("users")`, and call `ctx.db.get("users", id)`.
// 3. A second schema (Zod) restates fields that convex/schema.ts already
//    defines; the two drift. Fix: derive argument and return validators from
//    the schema's exported field maps (convex/schema.ts, `pick`, `schema.doc`).
// 4. The uniqueness check scans the table with `.filter()` and compares the
//    raw email, and only afterwards lower-cases it: "Ada@x.io" slips past an
//    existing "ada@x.io". Fix: normalise first, then look up the `by_email`
//    index (convex/model/services/users.ts, `upsertUser`).
// 5. A plain `Error` reaches clients as an opaque "Server Error" in
//    production. Fix: throw `ConvexError({ code, message })`.
// 6. Static methods and an abstract base class add indirection (and `this`
//    pitfalls) where one exported function per operation is enough.
// 7. The public mutation takes the user's identity (tokenIdentifier) as an
//    argument, so any client can create users for anyone, and it declares no
//    `returns` validator. Fix: read the identity from `ctx.auth`
//    (convex/users.ts, `store`).
//
// This file is not part of the deployed app (it is outside convex/); it
// exists so that the guide can show it and the build proves it still compiles.
import { zid } from "convex-helpers/server/zod4";
import { v } from "convex/values";
import { z } from "zod";
import type { TableNames } from "../convex/_generated/dataModel";
import { mutation } from "../convex/_generated/server";

// --8<-- [start:class_repository]
export abstract class BaseRepository<T> {
  protected abstract readonly tableName: TableNames;
  protected abstract readonly schema: z.ZodType<T>;

  // `id: string` accepts an id of any table; `zid(...).parse` only checks
  // that it is a string, and `get(id)` has no table name to check against.
  async findById(ctx: any, id: string) {
    return ctx.db.get(zid(this.tableName).parse(id));
  }

  // Whatever `ctx.db.insert` returns is `any` too: callers get no Id type.
  async create(ctx: any, data: T) {
    const validated = this.schema.parse(data);
    return ctx.db.insert(this.tableName, validated);
  }
}
// --8<-- [end:class_repository]

// --8<-- [start:class_user_service]
// A second definition of the users table's fields, next to convex/schema.ts.
const createUserInput = z.object({
  name: z.string(),
  email: z.email(),
  tokenIdentifier: z.string(),
});
export type CreateUserInput = z.infer<typeof createUserInput>;

class UserRepositoryClass extends BaseRepository<CreateUserInput> {
  protected readonly tableName = "users";
  protected readonly schema = createUserInput;

  async findByEmail(ctx: any, email: string) {
    // A full table scan: `.filter()` reads every user to find one.
    return ctx.db
      .query("users")
      .filter((q: any) => q.eq(q.field("email"), email))
      .first();
  }
}
export const UserRepository = new UserRepositoryClass();

export class UserValidator {
  static async validateUnique(ctx: any, email: string): Promise<void> {
    if (await UserRepository.findByEmail(ctx, email)) {
      throw new Error("Email already exists");
    }
  }
}

export class UserService {
  static async createUser(ctx: any, data: CreateUserInput) {
    // Validated before it is normalised: the check and the stored value
    // disagree about what the email is.
    await UserValidator.validateUnique(ctx, data.email);
    const processed = await this.processUserData(data);
    return UserRepository.create(ctx, processed);
  }

  private static async processUserData(data: CreateUserInput): Promise<CreateUserInput> {
    return { ...data, email: data.email.toLowerCase() };
  }
}
// --8<-- [end:class_user_service]

// --8<-- [start:class_service_usage]
export const createUser = mutation({
  // Restated a third time, and the caller chooses whose identity to store.
  args: { name: v.string(), email: v.string(), tokenIdentifier: v.string() },
  handler: async (ctx, args) => {
    return await UserService.createUser(ctx, args);
  },
});
// --8<-- [end:class_service_usage]
