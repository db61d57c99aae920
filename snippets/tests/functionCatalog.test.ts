// The app's function catalog is an API other code depends on (the guide's
// notebooks call these names), so it is pinned here: names, kinds,
// visibility, and that every function declares both validators.
import { describe, expect, test } from "vitest";

type RegisteredFunction = {
  isQuery?: boolean;
  isMutation?: boolean;
  isAction?: boolean;
  isPublic?: boolean;
  isInternal?: boolean;
  exportArgs: () => string;
  exportReturns: () => string;
};

const modules = import.meta.glob<Record<string, unknown>>(["../convex/**/*.ts", "!../convex/_generated/**"], {
  eager: true,
});

function isRegisteredFunction(value: unknown): value is RegisteredFunction {
  return typeof value === "function" && "exportArgs" in value && "exportReturns" in value;
}

function catalog(): Map<string, RegisteredFunction> {
  const functions = new Map<string, RegisteredFunction>();
  for (const [file, exports] of Object.entries(modules)) {
    const modulePath = file.replace(/^\.\.\/convex\//, "").replace(/\.ts$/, "");
    for (const [name, value] of Object.entries(exports)) {
      if (isRegisteredFunction(value)) functions.set(`${modulePath}:${name}`, value);
    }
  }
  return functions;
}

function describeFunction(fn: RegisteredFunction): string {
  const kind = fn.isQuery ? "query" : fn.isMutation ? "mutation" : fn.isAction ? "action" : "?";
  return `${fn.isInternal ? "internal " : ""}${kind}`;
}

describe("function catalog", () => {
  test("has exactly the documented functions, with their kinds and visibility", () => {
    const described = Object.fromEntries([...catalog()].map(([name, fn]) => [name, describeFunction(fn)]));
    expect(described).toEqual({
      "users:store": "mutation",
      "users:me": "query",
      "users:upsertFromAuthProvider": "internal mutation",
      "channels:create": "mutation",
      "channels:join": "mutation",
      "channels:listMine": "query",
      "channels:get": "query",
      "messages:send": "mutation",
      "messages:list": "query",
      "messages:listPage": "query",
      "messages:deleteForChannel": "internal mutation",
      "reactions:toggle": "mutation",
      "reactions:counts": "query",
      "search:messages": "query",
      "search:similar": "action",
      "search:loadSimilar": "internal query",
      "search:embedChannel": "internal action",
      "search:messagesToEmbed": "internal query",
      "search:saveEmbeddings": "internal mutation",
      "profiles:get": "query",
      "profiles:rename": "mutation",
      "ownership:transfer": "mutation",
      "activity:recentCount": "query",
      "billing:myPlan": "query",
      "billing:applyPolarEvent": "internal mutation",
      "billing:refreshPlanAtPeriodEnd": "internal mutation",
      "billing:pruneWebhookEvents": "internal mutation",
      "files:generateUploadUrl": "mutation",
      "files:save": "mutation",
      "files:listMine": "query",
      "files:remove": "mutation",
      "digests:request": "mutation",
      "digests:listMine": "query",
      "digests:content": "internal query",
      "digests:recordOutcome": "internal mutation",
      "digests:send": "internal action",
    });
  });

  test("keeps functions out of model/: helpers there are plain TypeScript", () => {
    expect([...catalog().keys()].filter((name) => name.startsWith("model/"))).toEqual([]);
  });

  test.each([...catalog()])("%s declares an args and a returns validator", (_name, fn) => {
    expect(JSON.parse(fn.exportArgs())).toMatchObject({ type: "object" });
    expect(JSON.parse(fn.exportReturns())).not.toBeNull();
  });
});
