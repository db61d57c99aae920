/* eslint-disable */
/**
 * Generated `api` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type * as channels from "../channels.js";
import type * as messages from "../messages.js";
import type * as model_auth from "../model/auth.js";
import type * as model_errors from "../model/errors.js";
import type * as model_repositories_channels from "../model/repositories/channels.js";
import type * as model_repositories_memberships from "../model/repositories/memberships.js";
import type * as model_repositories_messages from "../model/repositories/messages.js";
import type * as model_repositories_users from "../model/repositories/users.js";
import type * as model_services_channels from "../model/services/channels.js";
import type * as model_services_messages from "../model/services/messages.js";
import type * as model_services_users from "../model/services/users.js";
import type * as model_validators from "../model/validators.js";
import type * as users from "../users.js";

import type {
  ApiFromModules,
  FilterApi,
  FunctionReference,
} from "convex/server";

declare const fullApi: ApiFromModules<{
  channels: typeof channels;
  messages: typeof messages;
  "model/auth": typeof model_auth;
  "model/errors": typeof model_errors;
  "model/repositories/channels": typeof model_repositories_channels;
  "model/repositories/memberships": typeof model_repositories_memberships;
  "model/repositories/messages": typeof model_repositories_messages;
  "model/repositories/users": typeof model_repositories_users;
  "model/services/channels": typeof model_services_channels;
  "model/services/messages": typeof model_services_messages;
  "model/services/users": typeof model_services_users;
  "model/validators": typeof model_validators;
  users: typeof users;
}>;

/**
 * A utility for referencing Convex functions in your app's public API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
export declare const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
>;

/**
 * A utility for referencing Convex functions in your app's internal API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = internal.myModule.myFunction;
 * ```
 */
export declare const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
>;

export declare const components: {};
