import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // convex-test recommends edge-runtime: it is closer to the runtime that
    // Convex queries and mutations run in than Node is.
    environment: "edge-runtime",
    include: ["tests/**/*.test.ts"],
    server: { deps: { inline: ["convex-test"] } },
  },
});
