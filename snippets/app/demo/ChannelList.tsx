"use client";
// The signed-in user's channels, live: joining or being added to a channel
// adds it here without a reload.
import { useConvexAuth, useQuery } from "convex/react";
import Link from "next/link";
import { api } from "../../convex/_generated/api";

export function ChannelList() {
  const { isLoading, isAuthenticated } = useConvexAuth();
  // "skip" until the client has its token: channels:listMine requires a user.
  const channels = useQuery(api.channels.listMine, isAuthenticated ? {} : "skip");
  if (isLoading) return <p>Loading…</p>;
  if (!isAuthenticated) return <p><Link href="/sign-in">Sign in</Link> to see your channels.</p>;
  if (channels === undefined) return <p>Loading…</p>;
  return (
    <ul>
      {channels.map((channel) => (
        <li key={channel._id}>
          <Link href={`/channels/${channel._id}`}>#{channel.name}</Link> ({channel.role})
        </li>
      ))}
    </ul>
  );
}
