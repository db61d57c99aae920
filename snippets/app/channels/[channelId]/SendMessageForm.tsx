"use client";
// Sending a message with an optimistic update: the message appears in the
// list at once. When the mutation completes, Convex rolls the local change
// back and the list shows the server's result (with the real message, or
// without it if the mutation failed).
import { useMutation, useQuery } from "convex/react";
import { type FormEvent, useState } from "react";
import { api } from "../../../convex/_generated/api";
import type { Id } from "../../../convex/_generated/dataModel";

// --8<-- [start:optimistic_send]
export function SendMessageForm({ channelId }: { channelId: Id<"channels"> }) {
  const me = useQuery(api.users.me);
  const [body, setBody] = useState("");

  const send = useMutation(api.messages.send).withOptimisticUpdate((localStore, args) => {
    // Only the query the user is looking at: messages:list for this channel
    // with its default limit. Other argument sets stay untouched.
    const current = localStore.getQuery(api.messages.list, { channelId: args.channelId });
    if (current === undefined || me == null) return; // not loaded: nothing to patch
    const pending = {
      _id: crypto.randomUUID() as Id<"messages">, // temporary; the real id arrives with the server's result
      _creationTime: Date.now(),
      channelId: args.channelId,
      authorId: me._id,
      authorName: me.name,
      body: args.body.trim(),
    };
    // A new array, never `current.push(...)`: mutating objects the local
    // store hands out corrupts the client's state.
    localStore.setQuery(api.messages.list, { channelId: args.channelId }, [...current, pending]);
  });

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = body;
    setBody("");
    try {
      await send({ channelId, body: text });
    } catch {
      setBody(text); // the optimistic message is already gone; give the text back
    }
  }

  return (
    <form onSubmit={(event) => void onSubmit(event)}>
      <input value={body} onChange={(event) => setBody(event.target.value)} placeholder="Message" />
      <button type="submit" disabled={body.trim() === ""}>
        Send
      </button>
    </form>
  );
}
// --8<-- [end:optimistic_send]
