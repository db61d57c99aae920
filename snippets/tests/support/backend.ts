/// <reference types="vite/client" />
// Shared set-up for the reference app's tests: a fresh in-memory Convex
// backend per test, signed-in callers, and an assertion for the app's
// ConvexError codes.
import { convexTest } from "convex-test";
import type { UserIdentity } from "convex/server";
import { ConvexError } from "convex/values";
import { expect } from "vitest";
import { api } from "../../convex/_generated/api";
import type { Id } from "../../convex/_generated/dataModel";
import type { AppErrorCode, AppErrorData } from "../../convex/model/errors";
import schema from "../../convex/schema";

// Every module under convex/, _generated included: convex-test finds the
// functions root by locating `_generated` among these paths.
const modules = import.meta.glob("../../convex/**/*.*s");

export type Backend = ReturnType<typeof newBackend>;
export type Caller = ReturnType<Backend["withIdentity"]>;

export function newBackend() {
  return convexTest(schema, modules);
}

export function identityFor(handle: string, overrides: Partial<UserIdentity> = {}): Partial<UserIdentity> {
  return {
    subject: handle,
    issuer: "https://auth.vibesaas.test",
    name: handle.charAt(0).toUpperCase() + handle.slice(1),
    email: `${handle}@vibesaas.test`,
    ...overrides,
  };
}

/** Signs `handle` in and runs `users:store`, as the client does after sign-in. */
export async function signIn(
  t: Backend,
  handle: string,
  overrides: Partial<UserIdentity> = {},
): Promise<{ as: Caller; userId: Id<"users"> }> {
  const as = t.withIdentity(identityFor(handle, overrides));
  const userId = await as.mutation(api.users.store, {});
  return { as, userId };
}

/** Awaits a call that must fail with the app's ConvexError `code`; returns its data. */
export async function expectAppError<Code extends AppErrorCode>(
  call: Promise<unknown>,
  code: Code,
): Promise<Extract<AppErrorData, { code: Code }>> {
  const error: unknown = await call.then(
    () => {
      throw new Error(`expected a ConvexError with code ${code}, but the call succeeded`);
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ConvexError);
  const data = (error as ConvexError<AppErrorData>).data;
  expect(data).toMatchObject({ code, message: expect.any(String) });
  return data as Extract<AppErrorData, { code: Code }>;
}

/**
 * Awaits a call that Convex must reject before the handler runs: a validator
 * failure, not one of the app's ConvexErrors. (convex-test words it
 * "Validator error: ...", a deployment "ArgumentValidationError: ...".)
 */
export async function expectValidationError(call: Promise<unknown>): Promise<void> {
  const error: unknown = await call.then(
    () => {
      throw new Error("expected the argument validator to reject the call, but it succeeded");
    },
    (reason: unknown) => reason,
  );
  expect(error).not.toBeInstanceOf(ConvexError);
  expect(String(error)).toMatch(/Validator error|ArgumentValidationError/);
}

// --8<-- [start:channel_with_members]
/** Ada owns #general and Grace has joined it; Linus is signed up but outside. */
export async function channelWithMembers(t: Backend) {
  const ada = await signIn(t, "ada");
  const grace = await signIn(t, "grace");
  const linus = await signIn(t, "linus");
  const channelId = await ada.as.mutation(api.channels.create, { name: "general" });
  await grace.as.mutation(api.channels.join, { channelId });
  return { ada, grace, linus, channelId };
}
// --8<-- [end:channel_with_members]
