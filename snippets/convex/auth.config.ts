// Which tokens this deployment accepts. Convex verifies every client's JWT
// against these providers before any function runs; `ctx.auth` only ever
// returns identities from a token that passed.
//
// This file reads `process.env`, not the typed `env`: the CLI evaluates it on
// its own, outside the functions, building the providers from the
// deployment's variables (the Convex auth docs write it this way too).
import type { AuthConfig } from "convex/server";

// --8<-- [start:clerk]
export default {
  providers: [
    {
      // The Clerk "Frontend API URL" (issuer), set per deployment with
      // `npx convex env set CLERK_JWT_ISSUER_DOMAIN https://...clerk.accounts.dev`.
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,
      // The `aud` claim of the session tokens Clerk issues once the Convex
      // integration is activated in the Clerk dashboard.
      applicationID: "convex",
    },
  ],
} satisfies AuthConfig;
// --8<-- [end:clerk]
