// Next.js settings for the reference UI in app/, which `make app` serves
// against the playground (python -m guide_tools.app).
import { fileURLToPath } from "node:url";

const snippetsDir = fileURLToPath(new URL(".", import.meta.url));

export default {
  // Next adds its own options to the tsconfig it compiles with; they live in
  // tsconfig.next.json, so tsconfig.json stays the strict project that
  // `npm run typecheck` and eslint use.
  typescript: { tsconfigPath: "tsconfig.next.json" },
  // snippets/ is the project: its package-lock.json, its node_modules.
  turbopack: { root: snippetsDir },
  outputFileTracingRoot: snippetsDir,
  // No dev-overlay badge over the demo's own buttons.
  devIndicators: false,
};
