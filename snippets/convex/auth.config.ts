// Which tokens this deployment accepts. Convex verifies every client's JWT
// against these providers before any function runs; `ctx.auth` only ever
// returns identities from a token that passed.
import type { AuthConfig } from "convex/server";

// --8<-- [start:clerk]
export default {
  providers: [
    {
      // The Clerk "Frontend API URL" (issuer), set per deployment with
      // `npx convex env set CLERK_JWT_ISSUER_DOMAIN https://...clerk.accounts.dev`.
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,
      // The `aud` claim of Clerk's "convex" JWT template.
      applicationID: "convex",
    },
  ],
} satisfies AuthConfig;
// --8<-- [end:clerk]
