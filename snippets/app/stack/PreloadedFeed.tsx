"use client";
// The client half of FirstRender.tsx: it shows the server's result at once
// and, from then on, every new result the subscription pushes.
import { type Preloaded, usePreloadedQuery } from "convex/react";
import { api } from "../../convex/_generated/api";
import { MessageList } from "../channels/[channelId]/MessageList";

// --8<-- [start:use_preloaded]
export function LiveRecentMessages({ preloaded }: { preloaded: Preloaded<typeof api.messages.list> }) {
  const messages = usePreloadedQuery(preloaded);
  return <MessageList messages={messages} />;
}
// --8<-- [end:use_preloaded]
