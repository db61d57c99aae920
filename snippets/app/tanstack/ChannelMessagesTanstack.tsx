"use client";
// The same channel view with TanStack Query's hooks: convexQuery() builds the
// query key and options; the data stays live through the Convex subscription.
import { convexQuery, useConvexMutation } from "@convex-dev/react-query";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "../../convex/_generated/api";
import type { Id } from "../../convex/_generated/dataModel";

// --8<-- [start:tanstack_usage]
export function ChannelMessagesTanstack({ channelId }: { channelId: Id<"channels"> }) {
  const { data, isPending, error } = useQuery({
    ...convexQuery(api.messages.list, { channelId }),
    // How long the subscription outlives the last component using it.
    gcTime: 10_000,
  });
  const { mutate: send, isPending: sending } = useMutation({
    mutationFn: useConvexMutation(api.messages.send),
  });

  if (isPending) return <p>Loading…</p>;
  if (error) return <p>Could not load messages: {error.message}</p>;
  return (
    <section>
      <ul>
        {data.map((message) => (
          <li key={message._id}>
            <strong>{message.authorName}</strong> {message.body}
          </li>
        ))}
      </ul>
      <button disabled={sending} onClick={() => send({ channelId, body: "👋" })}>
        Wave
      </button>
    </section>
  );
}
// --8<-- [end:tanstack_usage]
