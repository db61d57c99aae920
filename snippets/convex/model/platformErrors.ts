// The ConvexError codes of the platform features (files, billing, digests).
// Same shape as the app's own codes in errors.ts, `{ code, message, ... }`,
// so a client handles both the same way.
import { ConvexError } from "convex/values";

export type PlatformErrorData =
  | { code: "FILE_NOT_FOUND"; message: string }
  | { code: "INVALID_FILE_NAME"; message: string }
  | { code: "INVALID_DELAY"; message: string };

export type PlatformErrorCode = PlatformErrorData["code"];

export function platformError(data: PlatformErrorData): ConvexError<PlatformErrorData> {
  return new ConvexError(data);
}
