// A server component: it runs on the server only, fetches the channel's
// messages with the user's token, and hands the result to a client
// component that keeps it live.
import { preloadQuery } from "convex/nextjs";
import { api } from "../../../convex/_generated/api";
import type { Id } from "../../../convex/_generated/dataModel";
import { getAuthToken } from "../../serverAuth";
import { ChannelMessages } from "./ChannelMessages";
import { SendMessageForm } from "./SendMessageForm";

// --8<-- [start:preload_page]
export default async function ChannelPage({ params }: { params: Promise<{ channelId: string }> }) {
  const { channelId: raw } = await params;
  // A URL segment is a plain string. The cast is safe to make because the
  // query's `v.id("channels")` validator refuses anything that is not one.
  const channelId = raw as Id<"channels">;
  const token = await getAuthToken();
  // Without { token } the query would run signed out and throw
  // NOT_AUTHENTICATED during server rendering.
  const preloaded = await preloadQuery(api.messages.list, { channelId }, { token });
  return (
    <main>
      <ChannelMessages preloaded={preloaded} />
      <SendMessageForm channelId={channelId} />
    </main>
  );
}
// --8<-- [end:preload_page]
