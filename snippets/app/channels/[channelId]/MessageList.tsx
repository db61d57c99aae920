// Pure presentation: no Convex hooks, so it renders the same from a
// server-preloaded value or a live one.
import type { FunctionReturnType } from "convex/server";
import type { api } from "../../../convex/_generated/api";

export type ChannelMessagesResult = FunctionReturnType<typeof api.messages.list>;

export function MessageList({ messages }: { messages: ChannelMessagesResult }) {
  return (
    <ul>
      {messages.map((message) => (
        <li key={message._id}>
          <strong>{message.authorName}</strong> {message.body}
        </li>
      ))}
    </ul>
  );
}
