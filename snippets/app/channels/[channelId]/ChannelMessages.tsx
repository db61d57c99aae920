"use client";
// The client half of the page. usePreloadedQuery shows the server's result
// at once and then subscribes, so new messages appear without a reload.
import { preloadedQueryResult } from "convex/nextjs";
import { type Preloaded, useConvexAuth, usePreloadedQuery } from "convex/react";
import type { api } from "../../../convex/_generated/api";
import { MessageList } from "./MessageList";

type Props = { preloaded: Preloaded<typeof api.messages.list> };

// --8<-- [start:auth_gated_preloaded]
export function ChannelMessages({ preloaded }: Props) {
  const { isLoading, isAuthenticated } = useConvexAuth();
  // The auth race: on the first client render the Convex client may not
  // have its token yet. Subscribing now would run messages:list signed out,
  // and its requireUser() would throw NOT_AUTHENTICATED into the page.
  // Until the client is authenticated, show what the server rendered.
  if (isLoading || !isAuthenticated) {
    return <MessageList messages={preloadedQueryResult(preloaded)} />;
  }
  return <LiveMessages preloaded={preloaded} />;
}

function LiveMessages({ preloaded }: Props) {
  // Returns the preloaded value until the live subscription answers, then
  // every new result the server pushes.
  const messages = usePreloadedQuery(preloaded);
  return <MessageList messages={messages} />;
}
// --8<-- [end:auth_gated_preloaded]
