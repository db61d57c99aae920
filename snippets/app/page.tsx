// The home page: the signed-in user's channels.
import { ChannelList } from "./demo/ChannelList";
import { UserMenu } from "./demo/UserMenu";

export default function HomePage() {
  return (
    <main>
      <UserMenu />
      <h1>Channels</h1>
      <ChannelList />
    </main>
  );
}
