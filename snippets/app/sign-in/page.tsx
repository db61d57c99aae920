// DEMO ONLY: the sign-in page of `make app`. Picking a name signs you in as
// that seeded user; a real app would send you to its auth provider here.
import { DEMO_USERS } from "../demo/demoAuth";

export default function SignInPage() {
  return (
    <main>
      <h1>Sign in (demo)</h1>
      <p>
        A demo sign-in with no password: pick a user. Open a second window (a private one, so that it has its own
        cookie) and pick another user to watch the two sync.
      </p>
      <ul>
        {DEMO_USERS.map((user) => (
          <li key={user.key}>
            <form method="post" action="/api/sign-in">
              <input type="hidden" name="user" value={user.key} />
              <button type="submit">Sign in as {user.name}</button>
            </form>
          </li>
        ))}
      </ul>
    </main>
  );
}
