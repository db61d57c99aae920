"use client";
// A channel's whole history, a page at a time, with "Load older messages".
// A client page: the paginated list subscribes once the client has its token.
import { useConvexAuth } from "convex/react";
import { useParams } from "next/navigation";
import type { Id } from "../../../../convex/_generated/dataModel";
import { PaginatedMessageList } from "../../../pagination/MessageList";

export default function ChannelHistoryPage() {
  const { channelId } = useParams<{ channelId: string }>();
  const { isLoading, isAuthenticated } = useConvexAuth();
  if (isLoading) return <p>Loading…</p>;
  if (!isAuthenticated) return <p>Sign in to read this channel.</p>;
  // The cast is checked on the server: listPage's v.id("channels") refuses anything else.
  return (
    <main>
      <PaginatedMessageList channelId={channelId as Id<"channels">} />
    </main>
  );
}
