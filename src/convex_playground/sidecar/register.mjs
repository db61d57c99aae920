// Registers the playground's module hooks. Passed to node with `--import`.
import { register } from "node:module";
import { pathToFileURL } from "node:url";

const toolchain = process.env.CONVEX_PLAYGROUND_TOOLCHAIN;
if (!toolchain) {
  throw new Error("CONVEX_PLAYGROUND_TOOLCHAIN is not set: the folder whose node_modules holds convex and convex-test");
}
register(new URL("./hooks.mjs", import.meta.url), {
  data: { fallbackParent: pathToFileURL(toolchain.replace(/\/?$/, "/")).href + "package.json" },
});
