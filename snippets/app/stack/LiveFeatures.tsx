"use client";
// The Next.js side of notebooks 5, 8 and 9: the hooks a component uses for
// the time-windowed badge, search, the billing page and the email digest.
// The notebooks show these sections next to the cells that make the same calls.
import { useAction, useMutation, useQuery } from "convex/react";
import { useEffect, useState } from "react";
import { api } from "../../convex/_generated/api";
import type { Id } from "../../convex/_generated/dataModel";

const MINUTE = 60_000;

// --8<-- [start:recent_count]
// The clock lives in the client. `since` changes once a minute, so the
// subscription is replaced once a minute; within the minute every client
// shares one cached result, and new messages still arrive live.
function useMinuteStart(): number {
  const [minuteStart, setMinuteStart] = useState(() => Math.floor(Date.now() / MINUTE) * MINUTE);
  useEffect(() => {
    const timer = setInterval(() => setMinuteStart(Math.floor(Date.now() / MINUTE) * MINUTE), 5_000);
    return () => clearInterval(timer);
  }, []);
  return minuteStart;
}

export function ActivityBadge({ channelId }: { channelId: Id<"channels"> }) {
  const since = useMinuteStart();
  const recent = useQuery(api.activity.recentCount, { channelId, since });
  if (recent === undefined) return null;
  return <span>{recent.capped ? `${recent.count}+` : recent.count} this minute</span>;
}
// --8<-- [end:recent_count]

// --8<-- [start:search_messages]
// Full text search is an ordinary query: live, and skipped while the box is empty.
export function SearchResults({ channelId, text }: { channelId: Id<"channels">; text: string }) {
  const results = useQuery(api.search.messages, text.trim() ? { channelId, text, limit: 20 } : "skip");
  return <ul>{results?.map((message) => <li key={message._id}>{message.body}</li>)}</ul>;
}
// --8<-- [end:search_messages]

// --8<-- [start:similar_messages]
// Vector search runs in an action: called once, on demand, never subscribed.
export function useSimilarMessages(channelId: Id<"channels">) {
  const similar = useAction(api.search.similar);
  return (text: string) => similar({ channelId, text, limit: 4 });
}
// --8<-- [end:similar_messages]

// --8<-- [start:my_plan]
// The pricing page re-renders when the webhook's internal mutation commits.
export function PlanBadge() {
  const plan = useQuery(api.billing.myPlan);
  if (plan === undefined) return null;
  return <span>{plan.plan === "pro" ? "Pro" : "Free"}</span>;
}
// --8<-- [end:my_plan]

// --8<-- [start:request_digest]
// The client asks a mutation; the mutation schedules the action that emails.
// The list below shows the row go from "queued" to "sent" (or "failed").
export function DigestButton() {
  const request = useMutation(api.digests.request);
  const digests = useQuery(api.digests.listMine);
  return (
    <section>
      <button onClick={() => void request({ delayMs: 60_000 })}>Email me a digest in a minute</button>
      <ul>{digests?.map((digest) => <li key={digest._id}>{digest.status}</li>)}</ul>
    </section>
  );
}
// --8<-- [end:request_digest]
