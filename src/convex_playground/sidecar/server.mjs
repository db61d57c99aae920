// The playground's loopback HTTP server: the two origins a deployment has,
// each on its own 127.0.0.1 port chosen by the OS.
//
// * cloud (CONVEX_CLOUD_URL, https://<name>.convex.cloud on a deployment):
//   Convex's own endpoints under /api/..., here file uploads and downloads.
// * site (CONVEX_SITE_URL, https://<name>.convex.site): the app's HTTP
//   actions, every path handed to convex/http.ts.
//
// The two are separate ports because an app's router may use any path,
// /api/... included. Routes are matched by method and path in the order they
// were added; more endpoints (the client protocol) are added the same way.
import { createServer } from "node:http";

/** A request as plain data: what route handlers receive. */
function plainRequest(incoming, body) {
  const url = new URL(incoming.url, "http://127.0.0.1");
  const headers = {};
  for (const [name, value] of Object.entries(incoming.headers)) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  return { method: incoming.method, path: url.pathname, search: url.search, headers, body };
}

async function readBody(incoming) {
  const chunks = [];
  for await (const chunk of incoming) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export class LoopbackServer {
  /** `around(run)` wraps every request, e.g. to bring the playground clock up to date first. */
  constructor({ around = (run) => run() } = {}) {
    this.around = around;
    this.routes = { cloud: [], site: [] };
    this.servers = {};
    this.urls = {};
  }

  /** Adds a route on "cloud" or "site"; `path` is a string or a RegExp; method "*" matches any. */
  route(origin, method, path, handler) {
    this.routes[origin].push({ method, path, handler });
    return this;
  }

  async listen() {
    for (const origin of ["cloud", "site"]) {
      const server = createServer((incoming, outgoing) => this.#answer(origin, incoming, outgoing));
      await new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", resolve);
      });
      server.unref(); // the sidecar's life is its stdin, not its listeners
      this.servers[origin] = server;
      this.urls[origin] = `http://127.0.0.1:${server.address().port}`;
    }
    return { cloudUrl: this.urls.cloud, siteUrl: this.urls.site };
  }

  async #answer(origin, incoming, outgoing) {
    let response;
    try {
      const request = plainRequest(incoming, await readBody(incoming));
      const route = this.routes[origin].find((candidate) => (candidate.method === "*" || candidate.method === request.method)
        && (typeof candidate.path === "string" ? candidate.path === request.path : candidate.path.test(request.path)));
      response = route
        ? await this.around(() => route.handler(request))
        : { status: 404, headers: { "content-type": "text/plain; charset=utf-8" }, body: Buffer.from("No matching routes found") };
    } catch (error) {
      // A bug in the playground itself, not in the app: say so rather than hang up.
      response = {
        status: 500,
        headers: { "content-type": "application/json" },
        body: Buffer.from(JSON.stringify({ code: "PlaygroundError", message: String(error?.stack ?? error) })),
      };
    }
    outgoing.writeHead(response.status, response.headers);
    outgoing.end(response.body);
  }
}

/** A JSON answer in the shape Convex's own endpoints use for errors: {code, message}. */
export function jsonResponse(status, value) {
  return { status, headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify(value)) };
}
