"use client";
// The one client component every page shares: it owns the ConvexReactClient
// (one WebSocket per browser tab) and tells it how to get the user's JWT.
import { ConvexProviderWithAuth, ConvexReactClient } from "convex/react";
import type { ReactNode } from "react";
import { useAuthForConvex } from "./useAuthForConvex";

// --8<-- [start:client_provider]
const url = process.env.NEXT_PUBLIC_CONVEX_URL;
if (url === undefined) {
  throw new Error("Set NEXT_PUBLIC_CONVEX_URL (npx convex dev writes it to .env.local).");
}
// Created once, at module level: a client per render would open a new
// connection and drop every subscription on each re-render.
const convex = new ConvexReactClient(url);

export function ConvexClientProvider({ children }: { children: ReactNode }) {
  return (
    <ConvexProviderWithAuth client={convex} useAuth={useAuthForConvex}>
      {children}
    </ConvexProviderWithAuth>
  );
}
// --8<-- [end:client_provider]
