// Server-side: the JWT of the signed-in user, for preloadQuery / fetchQuery.
// With Clerk this is `(await auth()).getToken()`: once the Convex integration
// is activated in Clerk, its session token already carries `aud: "convex"`, so
// no JWT template is needed. Here it is the session cookie that the app's
// custom JWT provider set.
import { cookies } from "next/headers";

// --8<-- [start:get_auth_token]
export async function getAuthToken(): Promise<string | undefined> {
  return (await cookies()).get("convex-jwt")?.value;
}
// --8<-- [end:get_auth_token]
