"use client";
// The Next.js side of notebooks 1 and 7: who the signed-in caller is, and a
// members-only list that a signed-out visitor never asks for.
import { useConvexAuth, useQuery } from "convex/react";
import { api } from "../../convex/_generated/api";
import type { Id } from "../../convex/_generated/dataModel";
import { MessageList } from "../channels/[channelId]/MessageList";

// --8<-- [start:current_user]
// users:me reads the caller's own document: no argument names the user. It
// is undefined while loading and null until users:store has created it.
export function Greeting() {
  const me = useQuery(api.users.me);
  if (!me) return null;
  return <p>Signed in as {me.name}</p>;
}
// --8<-- [end:current_user]

// --8<-- [start:members_only_feed]
// Signed out, the query is skipped rather than refused. Signed in but not a
// member, it is refused: useQuery throws the ConvexError while rendering, and
// the nearest React error boundary shows it.
export function MembersOnlyFeed({ channelId }: { channelId: Id<"channels"> }) {
  const { isAuthenticated } = useConvexAuth();
  const messages = useQuery(api.messages.list, isAuthenticated ? { channelId } : "skip");
  if (!isAuthenticated) return <p>Sign in to read this channel.</p>;
  if (messages === undefined) return <p>Loading…</p>;
  return <MessageList messages={messages} />;
}
// --8<-- [end:members_only_feed]
