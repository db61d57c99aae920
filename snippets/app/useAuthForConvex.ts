"use client";
// The adapter ConvexProviderWithAuth needs: "is auth still loading, is the
// user signed in, and how do I get a fresh JWT?". With Clerk you would not
// write this: ConvexProviderWithClerk adapts Clerk's own useAuth. This one
// asks the app's own route handler (app/api/convex-token) for the JWT of the
// session cookie, which is how a custom OIDC or JWT provider is wired in.
import { useCallback, useEffect, useMemo, useState } from "react";

type TokenResponse = { token: string | null };

async function fetchTokenFromServer(): Promise<string | null> {
  const response = await fetch("/api/convex-token", { cache: "no-store" });
  if (!response.ok) return null;
  const { token } = (await response.json()) as TokenResponse;
  return token;
}

// --8<-- [start:use_auth_adapter]
export function useAuthForConvex() {
  const [state, setState] = useState<{ isLoading: boolean; token: string | null }>({
    isLoading: true,
    token: null,
  });

  useEffect(() => {
    let cancelled = false;
    void fetchTokenFromServer().then((token) => {
      if (!cancelled) setState({ isLoading: false, token });
    });
    return () => {
      cancelled = true;
    };
  }, []);

  // Convex calls this whenever it needs a token, and again with
  // forceRefreshToken: true when the one it has was rejected as expired.
  const fetchAccessToken = useCallback(
    async ({ forceRefreshToken }: { forceRefreshToken: boolean }) => {
      if (!forceRefreshToken && state.token !== null) return state.token;
      return await fetchTokenFromServer();
    },
    [state.token],
  );

  return useMemo(
    () => ({ isLoading: state.isLoading, isAuthenticated: state.token !== null, fetchAccessToken }),
    [state.isLoading, state.token, fetchAccessToken],
  );
}
// --8<-- [end:use_auth_adapter]
