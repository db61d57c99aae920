// Who is calling: the app's auth providers (convex/auth.config.ts) and the
// identity a deployment derives from an `Authorization: Bearer <JWT>` header.
//
// A deployment verifies a token's signature against its provider's keys; the
// playground has no network and no keys, so it checks everything else the way
// a deployment does: the issuer and audience must match a configured provider,
// the token must not be expired, and the claims are renamed and dropped as in
// convex-backend's keybroker (the rules live in identity_claims.json, shared
// with the Python side). An app without auth.config.ts accepts any token, as
// a test would; a deployment would accept none.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const CLAIMS = JSON.parse(readFileSync(new URL("../identity_claims.json", import.meta.url), "utf8"));

const withProtocol = (issuer) => (/^https?:\/\//.test(issuer) ? issuer : `https://${issuer}`);
const sameIssuer = (a, b) => withProtocol(a).replace(/\/+$/, "") === withProtocol(b).replace(/\/+$/, "");

let evaluations = 0;

/**
 * Evaluates convex/auth.config.ts with the app's environment and returns its
 * providers as plain data, plus a warning for every variable it read that is
 * not set (a deployment refuses to push such a config).
 */
export async function loadAuthConfig(module) {
  if (!module) return { configured: false, providers: [], warnings: [] };
  const { source: file, output } = module;
  const missing = new Set();
  const realEnv = process.env;
  // Record reads of unset variables by the config's own code (Node's loaders read some too).
  process.env = new Proxy(realEnv, {
    get(target, name) {
      if (typeof name === "string" && !(name in target) && readByConfig(new Error().stack)) missing.add(name);
      return target[name];
    },
  });
  // The stack names the bundle, or the source file where a source map applies.
  const readByConfig = (stack) => stack.includes(output) || stack.includes(file);
  let config;
  try {
    // A fresh module instance each time, so that set_env() is seen.
    evaluations += 1;
    config = (await import(`${pathToFileURL(output).href}?playground-env=${evaluations}`)).default;
  } catch (error) {
    throw new Error(`${file}: could not evaluate the auth config: ${error?.message ?? error}`, { cause: error });
  } finally {
    process.env = realEnv;
  }
  const warnings = [...missing].map(
    (name) => `Environment variable ${name} is used in auth config file but its value was not set ` +
      `(a deployment refuses to push this auth.config.ts; pass it in Playground(app, env={...}) or pg.set_env())`,
  );
  const providers = (config?.providers ?? []).map((provider) => ({
    type: provider.type === "customJwt" ? "customJwt" : "oidc",
    issuer: provider.type === "customJwt" ? provider.issuer ?? null : provider.domain ?? null,
    applicationID: provider.applicationID ?? null,
  }));
  return { configured: true, providers, warnings };
}

function describeProviders(providers) {
  return providers
    .map((p) => (p.type === "oidc"
      ? `OIDC(domain=${p.issuer}, app_id=${p.applicationID})`
      : `CustomJWT(issuer=${p.issuer}, app_id=${p.applicationID ?? "none"})`))
    .join(", ");
}

export class AuthError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function decodePayload(token) {
  const parts = token.split(".");
  if (parts.length !== 3) throw new AuthError("InvalidAuthHeader", CLAIMS.messages.not_a_jwt);
  try {
    const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    if (claims === null || typeof claims !== "object" || Array.isArray(claims)) throw new Error("not an object");
    return claims;
  } catch {
    throw new AuthError("InvalidAuthHeader", CLAIMS.messages.not_a_jwt);
  }
}

/** The provider a token's `iss` and `aud` route it to, as a deployment picks it. */
function providerFor(claims, auth) {
  if (typeof claims.iss !== "string") throw new AuthError("InvalidAuthHeader", CLAIMS.messages.missing_issuer);
  const audiences = claims.aud === undefined ? [] : [].concat(claims.aud);
  const found = auth.providers.find((p) => p.issuer !== null && sameIssuer(p.issuer, claims.iss)
    && (p.applicationID === null || audiences.includes(p.applicationID)));
  if (found) return found;
  if (auth.providers.length === 0) throw new AuthError("NoAuthProvider", CLAIMS.messages.no_providers);
  throw new AuthError("NoAuthProvider", CLAIMS.messages.no_provider.replace("{providers}", describeProviders(auth.providers)));
}

function flatten(object, prefix, into) {
  for (const [key, value] of Object.entries(object)) {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) flatten(value, `${prefix}${key}.`, into);
    else into[`${prefix}${key}`] = value;
  }
  return into;
}

/** OIDC claims to UserIdentity fields: standard claims renamed, housekeeping dropped, the rest kept. */
function oidcIdentity(claims, issuer) {
  const identity = {};
  for (const [claim, value] of Object.entries(claims)) {
    // A standard claim that is null is absent; a custom one keeps its null.
    if (CLAIMS.dropped.includes(claim) || (value === null && claim in CLAIMS.renamed)) continue;
    const field = CLAIMS.renamed[claim] ?? claim;
    if (claim === "address") {
      // The backend keeps only the formatted address.
      if (typeof value === "string") identity.address = value;
      else if (typeof value?.formatted === "string") identity.address = value.formatted;
    } else if (claim === "updated_at" && typeof value === "number") {
      identity.updatedAt = new Date(value * 1000).toISOString().replace(/\.\d{3}Z$/, "+00:00");
    } else {
      identity[field] = value;
    }
  }
  identity.issuer = issuer;
  identity.tokenIdentifier = `${issuer}|${identity.subject}`;
  return identity;
}

/** Custom JWT claims: only subject and issuer are named; other claims keep their names, nested ones dotted. */
function customJwtIdentity(claims) {
  const custom = {};
  for (const [claim, value] of Object.entries(claims)) {
    if (CLAIMS.custom_jwt_registered.includes(claim) || CLAIMS.custom_jwt_dropped.includes(claim)) continue;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) flatten(value, `${claim}.`, custom);
    else custom[claim] = value;
  }
  return { ...custom, subject: claims.sub, issuer: claims.iss, tokenIdentifier: `${claims.iss}|${claims.sub}` };
}

/**
 * The identity a deployment would derive from a bearer token, or an AuthError
 * carrying the deployment's message. `nowMs` is the playground's clock.
 */
export function identityFromJwt(token, auth, nowMs) {
  const claims = decodePayload(token);
  const expired = typeof claims.exp === "number" && claims.exp * 1000 <= nowMs;
  if (!auth.configured) {
    if (expired) throw new AuthError("Unauthenticated", CLAIMS.messages.oidc_invalid);
    const issuer = typeof claims.iss === "string" ? claims.iss : CLAIMS.default_issuer;
    if (typeof claims.sub !== "string") throw new AuthError("InvalidAuthHeader", CLAIMS.messages.no_subject);
    return oidcIdentity(claims, issuer);
  }
  const provider = providerFor(claims, auth);
  if (provider.type === "customJwt") {
    if (typeof claims.exp !== "number") throw new AuthError("InvalidAuthHeader", CLAIMS.messages.custom_missing_expiry);
    if (expired) {
      throw new AuthError("InvalidAuthHeader", CLAIMS.messages.custom_expired.replace("{expired}", new Date(claims.exp * 1000).toISOString()));
    }
    if (typeof claims.sub !== "string") throw new AuthError("InvalidAuthHeader", "Missing subject");
    return customJwtIdentity(claims);
  }
  // An OIDC ID token must carry `sub` and an `exp` in the future.
  if (typeof claims.exp !== "number" || expired || typeof claims.sub !== "string") {
    throw new AuthError("Unauthenticated", CLAIMS.messages.oidc_invalid);
  }
  return oidcIdentity(claims, claims.iss);
}

/** Reads `Authorization`: no header is anonymous; a malformed one or a refused token is an AuthError. */
export function identityFromHeader(header, auth, nowMs) {
  if (header === undefined || header === null) return null;
  if (header.length <= 7 || header.slice(0, 7).toLowerCase() !== "bearer ") {
    throw new AuthError("InvalidAuthHeader", CLAIMS.messages.bearer_prefix);
  }
  return identityFromJwt(header.slice(7).trim(), auth, nowMs);
}
