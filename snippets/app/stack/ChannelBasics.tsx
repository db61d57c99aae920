"use client";
// The Next.js side of notebooks 1, 3, 4 and 7: each hook call here is what a
// React component writes for the Python call a notebook makes. The notebooks
// show these sections next to the cells that run the same functions.
import { useConvexAuth, useMutation, useQuery } from "convex/react";
import { ConvexError } from "convex/values";
import { type FormEvent, useEffect, useState } from "react";
import { api } from "../../convex/_generated/api";
import type { Id } from "../../convex/_generated/dataModel";
import type { AppErrorData } from "../../convex/model/errors";
import { MessageList } from "../channels/[channelId]/MessageList";

// --8<-- [start:store_user]
// Right after sign-in, once: create or refresh the caller's user document.
// users:store takes no arguments; the identity comes from the token.
export function useStoreUser(): Id<"users"> | null {
  const { isAuthenticated } = useConvexAuth();
  const storeUser = useMutation(api.users.store);
  const [userId, setUserId] = useState<Id<"users"> | null>(null);
  useEffect(() => {
    if (!isAuthenticated) return;
    void storeUser().then(setUserId);
  }, [isAuthenticated, storeUser]);
  return userId;
}
// --8<-- [end:store_user]

// --8<-- [start:list_messages]
// A live list: undefined while loading, then every new result the server pushes.
export function MessageFeed({ channelId }: { channelId: Id<"channels"> }) {
  const messages = useQuery(api.messages.list, { channelId });
  if (messages === undefined) return <p>Loading…</p>;
  return <MessageList messages={messages} />;
}
// --8<-- [end:list_messages]

// --8<-- [start:signed_out_skip]
// A signed-out visitor has no token: the query would throw NOT_AUTHENTICATED.
// "skip" does not run it at all until the client is authenticated.
export function useMyChannels() {
  const { isAuthenticated } = useConvexAuth();
  return useQuery(api.channels.listMine, isAuthenticated ? {} : "skip");
}
// --8<-- [end:signed_out_skip]

// --8<-- [start:send_with_codes]
// A refused send is a ConvexError whose data carries a code: branch on it.
function explain(error: unknown): string {
  if (!(error instanceof ConvexError)) return "Something went wrong."; // a bug: Convex hides the text in production
  const data = error.data as AppErrorData;
  switch (data.code) {
    case "NOT_A_MEMBER":
      return "Join the channel to post.";
    case "INVALID_MESSAGE":
      return data.message;
    default:
      return data.message;
  }
}

export function ComposeMessage({ channelId }: { channelId: Id<"channels"> }) {
  const send = useMutation(api.messages.send);
  const [body, setBody] = useState("");
  const [problem, setProblem] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    try {
      await send({ channelId, body });
      setBody("");
      setProblem(null);
    } catch (error) {
      setProblem(explain(error));
    }
  }

  return (
    <form onSubmit={(event) => void onSubmit(event)}>
      <input value={body} onChange={(event) => setBody(event.target.value)} />
      <button type="submit">Send</button>
      {problem && <p role="alert">{problem}</p>}
    </form>
  );
}
// --8<-- [end:send_with_codes]

// --8<-- [start:create_and_join]
// Creating a channel returns its id; joining takes it. Both are mutations.
export function useChannelActions() {
  const create = useMutation(api.channels.create);
  const join = useMutation(api.channels.join);
  return {
    createChannel: (name: string) => create({ name }),
    joinChannel: (channelId: Id<"channels">) => join({ channelId }),
  };
}
// --8<-- [end:create_and_join]

// --8<-- [start:transfer_ownership]
// One call, one transaction: both memberships change together, or neither does.
export function TransferButton({ channelId, to }: { channelId: Id<"channels">; to: Id<"users"> }) {
  const transfer = useMutation(api.ownership.transfer);
  const channel = useQuery(api.channels.get, { channelId });
  if (channel?.viewerRole !== "owner") return null;
  return <button onClick={() => void transfer({ channelId, newOwnerId: to })}>Make owner</button>;
}
// --8<-- [end:transfer_ownership]
