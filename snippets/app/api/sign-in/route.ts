// POST /api/sign-in (the demo sign-in page's forms). DEMO ONLY: it signs in
// as the seeded user the form names, with no password. The cookie is
// httpOnly: page scripts never read the token, they ask /api/convex-token.
//
// A route handler answering with a redirect, not a server action: the
// browser loads the next page in full, so ConvexClientProvider starts again
// and useAuthForConvex fetches the new user's token. A client-side
// navigation would keep the signed-out client of the sign-in page.
import { cookies } from "next/headers";
import { findDemoUser, mintDemoToken, seeOther, SESSION_COOKIE, TOKEN_LIFETIME_SECONDS } from "../../demo/demoAuth";

export async function POST(request: Request): Promise<Response> {
  const user = findDemoUser(String((await request.formData()).get("user")));
  if (user === undefined) return seeOther("/sign-in");
  (await cookies()).set(SESSION_COOKIE, mintDemoToken(user), {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: TOKEN_LIFETIME_SECONDS,
  });
  return seeOther("/");
}
