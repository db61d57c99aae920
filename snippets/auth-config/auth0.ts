// auth.config.ts for Auth0 (only one auth.config.ts can live in convex/;
// the guide keeps each provider's variant here, type-checked).
import type { AuthConfig } from "convex/server";

// --8<-- [start:auth0]
export default {
  providers: [
    {
      // Your tenant's domain, e.g. https://your-tenant.us.auth0.com
      domain: process.env.AUTH0_DOMAIN!,
      // The Auth0 application's Client ID: tokens must carry it as `aud`.
      applicationID: process.env.AUTH0_CLIENT_ID!,
    },
  ],
} satisfies AuthConfig;
// --8<-- [end:auth0]
