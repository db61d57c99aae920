// auth.config.ts for Convex Auth: the deployment itself issues the tokens,
// so the provider is the deployment's own HTTP actions URL.
import type { AuthConfig } from "convex/server";

// --8<-- [start:convex_auth]
export default {
  providers: [
    {
      // Set automatically on every deployment.
      domain: process.env.CONVEX_SITE_URL!,
      applicationID: "convex",
    },
  ],
} satisfies AuthConfig;
// --8<-- [end:convex_auth]
