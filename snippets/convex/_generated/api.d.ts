/* eslint-disable */
/**
 * Generated `api` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type * as activity from "../activity.js";
import type * as billing from "../billing.js";
import type * as channels from "../channels.js";
import type * as crons from "../crons.js";
import type * as digests from "../digests.js";
import type * as files from "../files.js";
import type * as http from "../http.js";
import type * as messages from "../messages.js";
import type * as model_auth from "../model/auth.js";
import type * as model_billing from "../model/billing.js";
import type * as model_embeddings from "../model/embeddings.js";
import type * as model_errors from "../model/errors.js";
import type * as model_functions from "../model/functions.js";
import type * as model_platformErrors from "../model/platformErrors.js";
import type * as model_repositories_activity from "../model/repositories/activity.js";
import type * as model_repositories_channels from "../model/repositories/channels.js";
import type * as model_repositories_membershipRoles from "../model/repositories/membershipRoles.js";
import type * as model_repositories_memberships from "../model/repositories/memberships.js";
import type * as model_repositories_messages from "../model/repositories/messages.js";
import type * as model_repositories_reactions from "../model/repositories/reactions.js";
import type * as model_repositories_search from "../model/repositories/search.js";
import type * as model_repositories_users from "../model/repositories/users.js";
import type * as model_services_activity from "../model/services/activity.js";
import type * as model_services_channels from "../model/services/channels.js";
import type * as model_services_messages from "../model/services/messages.js";
import type * as model_services_ownership from "../model/services/ownership.js";
import type * as model_services_profiles from "../model/services/profiles.js";
import type * as model_services_reactions from "../model/services/reactions.js";
import type * as model_services_search from "../model/services/search.js";
import type * as model_services_users from "../model/services/users.js";
import type * as model_validators from "../model/validators.js";
import type * as model_webhookPayloads from "../model/webhookPayloads.js";
import type * as ownership from "../ownership.js";
import type * as profiles from "../profiles.js";
import type * as reactions from "../reactions.js";
import type * as search from "../search.js";
import type * as users from "../users.js";

import type {
  ApiFromModules,
  FilterApi,
  FunctionReference,
} from "convex/server";

declare const fullApi: ApiFromModules<{
  activity: typeof activity;
  billing: typeof billing;
  channels: typeof channels;
  crons: typeof crons;
  digests: typeof digests;
  files: typeof files;
  http: typeof http;
  messages: typeof messages;
  "model/auth": typeof model_auth;
  "model/billing": typeof model_billing;
  "model/embeddings": typeof model_embeddings;
  "model/errors": typeof model_errors;
  "model/functions": typeof model_functions;
  "model/platformErrors": typeof model_platformErrors;
  "model/repositories/activity": typeof model_repositories_activity;
  "model/repositories/channels": typeof model_repositories_channels;
  "model/repositories/membershipRoles": typeof model_repositories_membershipRoles;
  "model/repositories/memberships": typeof model_repositories_memberships;
  "model/repositories/messages": typeof model_repositories_messages;
  "model/repositories/reactions": typeof model_repositories_reactions;
  "model/repositories/search": typeof model_repositories_search;
  "model/repositories/users": typeof model_repositories_users;
  "model/services/activity": typeof model_services_activity;
  "model/services/channels": typeof model_services_channels;
  "model/services/messages": typeof model_services_messages;
  "model/services/ownership": typeof model_services_ownership;
  "model/services/profiles": typeof model_services_profiles;
  "model/services/reactions": typeof model_services_reactions;
  "model/services/search": typeof model_services_search;
  "model/services/users": typeof model_services_users;
  "model/validators": typeof model_validators;
  "model/webhookPayloads": typeof model_webhookPayloads;
  ownership: typeof ownership;
  profiles: typeof profiles;
  reactions: typeof reactions;
  search: typeof search;
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
