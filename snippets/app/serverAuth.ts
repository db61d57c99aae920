// Server-side: the JWT of the signed-in user, for preloadQuery / fetchQuery.
// With Clerk this is `(await auth()).getToken({ template: "convex" })`; here
// it is the session cookie that the app's custom JWT provider set.
import { cookies } from "next/headers";

// --8<-- [start:get_auth_token]
export async function getAuthToken(): Promise<string | undefined> {
  return (await cookies()).get("convex-jwt")?.value;
}
// --8<-- [end:get_auth_token]
