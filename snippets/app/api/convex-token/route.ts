// GET /api/convex-token: the JWT of the signed-in user, which
// useAuthForConvex hands to the Convex client. DEMO ONLY: the session is
// the demo provider's token itself, kept in an httpOnly cookie.
import { cookies } from "next/headers";
import { checkDemoToken, SESSION_COOKIE } from "../../demo/demoAuth";

export async function GET(): Promise<Response> {
  const cookie = (await cookies()).get(SESSION_COOKIE)?.value;
  const token = cookie === undefined ? null : checkDemoToken(cookie);
  return Response.json({ token }, { headers: { "Cache-Control": "no-store" } });
}
