// POST /api/sign-out: forgets the demo session and loads the sign-in page in
// full, which also drops the Convex client that was signed in.
import { cookies } from "next/headers";
import { seeOther, SESSION_COOKIE } from "../../demo/demoAuth";

export async function POST(): Promise<Response> {
  (await cookies()).delete(SESSION_COOKIE);
  return seeOther("/sign-in");
}
