// The app's configuration: the environment variables every deployment of it
// must have. Declaring them does three things the Convex docs describe
// (https://docs.convex.dev/production/environment-variables#declaring):
// a push to a deployment that lacks a required one fails, the dashboard and
// `npx convex env remove` refuse to remove it, and codegen turns this list
// into the typed `env` that functions import from `./_generated/server`
// instead of reading `process.env` (convex 1.44 and later). The values are
// still set per deployment with `npx convex env set NAME value`.
import { defineApp } from "convex/server";
import { v } from "convex/values";

// --8<-- [start:declare_env]
const app = defineApp({
  env: {
    // The Clerk Frontend API URL: which tokens auth.config.ts accepts, and
    // the issuer the Clerk webhook builds a user's tokenIdentifier from.
    CLERK_JWT_ISSUER_DOMAIN: v.string(),
    // Signing secrets of the two webhooks in http.ts.
    CLERK_WEBHOOK_SECRET: v.string(),
    POLAR_WEBHOOK_SECRET: v.string(),
    // The email provider of digests.ts. Optional: a deployment without email
    // still runs, and records each digest as failed with the reason.
    EMAIL_API_URL: v.optional(v.string()),
    EMAIL_API_KEY: v.optional(v.string()),
  },
});
// --8<-- [end:declare_env]

export default app;
