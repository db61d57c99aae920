// auth.config.ts for any provider that issues JWTs and publishes a JWKS,
// without a full OpenID Connect discovery document.
import type { AuthConfig } from "convex/server";

// --8<-- [start:custom_jwt]
export default {
  providers: [
    {
      type: "customJwt",
      // Must equal the token's `iss` claim.
      issuer: "https://auth.example.com",
      // Where Convex fetches the public keys that verify the signature.
      jwks: "https://auth.example.com/.well-known/jwks.json",
      algorithm: "RS256",
      // Leave this out only if you know why: without it, a token minted for
      // any other app by the same issuer would be accepted here.
      applicationID: "vibesaas",
    },
  ],
} satisfies AuthConfig;
// --8<-- [end:custom_jwt]
