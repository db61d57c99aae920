// Around every page of a channel: the account menu and the links between the
// live view (the latest messages and the send form) and the full history.
import Link from "next/link";
import type { ReactNode } from "react";
import { UserMenu } from "../../demo/UserMenu";

export default async function ChannelLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ channelId: string }>;
}) {
  const { channelId } = await params;
  return (
    <>
      <UserMenu />
      <nav aria-label="Channel">
        <Link href={`/channels/${channelId}`}>Latest</Link> <Link href={`/channels/${channelId}/history`}>History</Link>
      </nav>
      {children}
    </>
  );
}
