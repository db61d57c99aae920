// Every error a client can act on is a ConvexError with a machine-readable
// `code` and a human `message`. Clients branch on `code`; `message` is for
// people. Plain `Error`s are reserved for bugs: Convex hides their text from
// clients in production, while a ConvexError's `data` always reaches them.
import { ConvexError } from "convex/values";
import type { Id } from "../_generated/dataModel";

// --8<-- [start:error_codes]
// One union of every expected failure: a typo in a code is a type error, and
// the guide's error table can be checked against this list.
export type AppErrorData =
  | { code: "NOT_AUTHENTICATED"; message: string }
  | { code: "INVALID_IDENTITY"; message: string }
  | { code: "USER_NOT_FOUND"; message: string }
  | { code: "EMAIL_TAKEN"; message: string }
  | { code: "INVALID_CHANNEL_NAME"; message: string }
  | { code: "CHANNEL_NAME_TAKEN"; message: string; name: string }
  | { code: "CHANNEL_NOT_FOUND"; message: string; channelId: Id<"channels"> }
  | { code: "NOT_A_MEMBER"; message: string; channelId: Id<"channels"> }
  | { code: "INVALID_MESSAGE"; message: string }
  | { code: "MESSAGE_NOT_FOUND"; message: string; messageId: Id<"messages"> }
  | { code: "INVALID_LIMIT"; message: string };

export type AppErrorCode = AppErrorData["code"];

export function appError(data: AppErrorData): ConvexError<AppErrorData> {
  return new ConvexError(data);
}
// --8<-- [end:error_codes]
