// The Next.js side of a first render (notebooks 1 and 6): a server component
// runs the same queries the notebooks call, with the signed-in user's token,
// before any JavaScript reaches the browser. `preloadQuery` hands its result
// to a client component that keeps it live; `fetchQuery` is a one-off read.
import { fetchQuery, preloadQuery } from "convex/nextjs";
import { api } from "../../convex/_generated/api";
import type { Id } from "../../convex/_generated/dataModel";
import { getAuthToken } from "../serverAuth";
import { LiveRecentMessages } from "./PreloadedFeed";

// --8<-- [start:preload_recent]
// The channel page's first paint: the ten newest messages, rendered on the
// server. Without { token } the query would run signed out and be refused.
export async function RecentMessages({ channelId }: { channelId: Id<"channels"> }) {
  const token = await getAuthToken();
  const preloaded = await preloadQuery(api.messages.list, { channelId, limit: 10 }, { token });
  return <LiveRecentMessages preloaded={preloaded} />;
}
// --8<-- [end:preload_recent]

// --8<-- [start:first_page_on_server]
// A server-rendered first page for crawlers and no-JavaScript readers. It is
// a plain read: it does not update, and its continueCursor is what a "Next
// page" link would carry (usePaginatedQuery takes over in the browser).
export async function FirstPage({ channelId }: { channelId: Id<"channels"> }) {
  const token = await getAuthToken();
  const page = await fetchQuery(
    api.messages.listPage,
    { channelId, paginationOpts: { numItems: 20, cursor: null } },
    { token },
  );
  return (
    <ol>
      {page.page.map((message) => (
        <li key={message._id}>{message.body}</li>
      ))}
    </ol>
  );
}
// --8<-- [end:first_page_on_server]
