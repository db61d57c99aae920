"use client";
// A channel's history with "Load older": usePaginatedQuery keeps the cursors,
// subscribes to every loaded page, and keeps them contiguous as messages
// arrive or disappear.
import { usePaginatedQuery } from "convex/react";
import { api } from "../../convex/_generated/api";
import type { Id } from "../../convex/_generated/dataModel";

// --8<-- [start:paginated_list]
export function PaginatedMessageList({ channelId }: { channelId: Id<"channels"> }) {
  // The hook adds `paginationOpts` to the arguments; everything else is
  // messages:listPage's own arguments.
  const { results, status, loadMore } = usePaginatedQuery(
    api.messages.listPage,
    { channelId },
    { initialNumItems: 30 },
  );

  if (status === "LoadingFirstPage") return <p>Loading…</p>;
  return (
    <section>
      <button disabled={status !== "CanLoadMore"} onClick={() => loadMore(30)}>
        {status === "Exhausted" ? "Start of the channel" : "Load older messages"}
      </button>
      {/* listPage returns newest first; show the oldest loaded at the top. */}
      <ol>
        {[...results].reverse().map((message) => (
          <li key={message._id}>
            <strong>{message.authorName}</strong> {message.body}
          </li>
        ))}
      </ol>
    </section>
  );
}
// --8<-- [end:paginated_list]
