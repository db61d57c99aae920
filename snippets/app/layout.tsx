// The root layout is a server component; it renders the client provider
// around every page, so any client component below can use Convex hooks.
import type { ReactNode } from "react";
import { ConvexClientProvider } from "./ConvexClientProvider";

// --8<-- [start:root_layout]
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <ConvexClientProvider>{children}</ConvexClientProvider>
      </body>
    </html>
  );
}
// --8<-- [end:root_layout]
