// DEMO ONLY: the stand-in for a real auth provider that `make app` runs the
// reference UI with. Signing in is picking a name; no password is asked. A
// real app gets its JWT from Clerk, Auth0 or its own OIDC server instead.
//
// The token it mints has what the app's convex/auth.config.ts asks of its
// provider: `iss` is the provider's domain (DEMO_AUTH_ISSUER, which the runner
// sets to the playground's CLERK_JWT_ISSUER_DOMAIN), `aud` is "convex", and
// `sub`, `exp`, `name` and `email` are set, so users:store can build a user
// from it. It is signed with RS256 by a key the runner generates at every
// start (DEMO_AUTH_PRIVATE_KEY); no key is ever stored in the repository.
import { createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import demoUsers from "./demoUsers.json";

export type DemoUser = { key: string; name: string; email: string };

export const DEMO_USERS: readonly DemoUser[] = demoUsers;
export const SESSION_COOKIE = "convex-jwt";
export const TOKEN_LIFETIME_SECONDS = 8 * 60 * 60;

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(`${name} is not set: start the demo with \`make app\`, which sets it.`);
  }
  return value;
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

// A relative Location keeps the host the browser used: the dev server's
// request.url says "localhost" even when the page is on 127.0.0.1, and the
// session cookie belongs to the host it was set on.
export function seeOther(path: string): Response {
  return new Response(null, { status: 303, headers: { Location: path } });
}

export function findDemoUser(key: string): DemoUser | undefined {
  return DEMO_USERS.find((user) => user.key === key);
}

/** The subject the demo provider gives a user; the runner seeds users with the same one. */
export function demoSubject(user: DemoUser): string {
  return `demo|${user.key}`;
}

export function mintDemoToken(user: DemoUser, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const header = base64url({ alg: "RS256", typ: "JWT", kid: "make-app-demo" });
  const claims = base64url({
    iss: required("DEMO_AUTH_ISSUER"),
    aud: "convex",
    sub: demoSubject(user),
    name: user.name,
    email: user.email,
    iat: nowSeconds,
    exp: nowSeconds + TOKEN_LIFETIME_SECONDS,
  });
  const signature = sign("sha256", Buffer.from(`${header}.${claims}`), createPrivateKey(required("DEMO_AUTH_PRIVATE_KEY")));
  return `${header}.${claims}.${signature.toString("base64url")}`;
}

/**
 * The token if this demo provider signed it and it has not expired, else null:
 * a cookie from an earlier run (another key) or an old one counts as signed out.
 */
export function checkDemoToken(token: string, nowSeconds = Math.floor(Date.now() / 1000)): string | null {
  const [header, claims, signature] = token.split(".");
  if (header === undefined || claims === undefined || signature === undefined) return null;
  const publicKey = createPublicKey(createPrivateKey(required("DEMO_AUTH_PRIVATE_KEY")));
  if (!verify("sha256", Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature, "base64url"))) return null;
  const { exp } = JSON.parse(Buffer.from(claims, "base64url").toString("utf8")) as { exp?: number };
  return typeof exp === "number" && exp > nowSeconds ? token : null;
}
