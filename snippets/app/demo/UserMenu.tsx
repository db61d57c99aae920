"use client";
// Who is signed in, from the live users:me query, and a sign-out button.
import { useQuery } from "convex/react";
import Link from "next/link";
import { api } from "../../convex/_generated/api";

export function UserMenu() {
  const me = useQuery(api.users.me);
  return (
    <nav aria-label="Account">
      <Link href="/">Channels</Link>{" "}
      {me == null ? (
        <Link href="/sign-in">Sign in</Link>
      ) : (
        <form method="post" action="/api/sign-out" style={{ display: "inline" }}>
          Signed in as <strong data-testid="signed-in-as">{me.name}</strong> <button type="submit">Sign out</button>
        </form>
      )}
    </nav>
  );
}
