// The static rules, and the per-function catalog fields they share (auth
// check, tables, indexes, calls). Each rule says in `evidence` what it saw,
// so a reader can check the finding without re-running the pass.
//
// Judgements a rule makes, and why:
// - A `.collect()` is unbounded on a whole table or an index range with no
//   equality. On an equality range it is the reads of one key ("this user's
//   memberships") and is left to the dynamic pass, which measures growth;
//   unless the code then keeps only part of it in JavaScript (`.slice`,
//   `.filter`, `.length`, `.sort`, ...), which reads the whole range to use a part.
// - `.filter()` followed by `.paginate()` is not reported: every page stops
//   after a page's worth of reads, so the filter cannot scan the table in one
//   call (pages may come back short; the dynamic pass measures that).
// - A `.filter()` after an index range is reported only when the filtered
//   field could be part of the range (the index's next field, or another
//   index's) - filter-scan - or no index has it - missing-index.
// - n-plus-one: a read inside a loop over an earlier database result. Point
//   reads (`db.get`) over a bounded result (a `.take(n)`, a page, an
//   equality range) in a loop or `Promise.all(map(...))` are the documented
//   way to join and are not reported; range reads per item, or any reads per
//   item of an unbounded result, are.
// - fat-handler: a public handler with 3 or more database calls of its own,
//   or 30 or more statements, is doing the model layer's work.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { skipOuter } from "./catalog.mjs";

const NARROWING_METHODS = /^(slice|filter|find|findLast|length|sort|toSorted|some|every|reduce|at|splice)$/;
const TERMINALS = new Set(["collect", "take", "first", "unique", "paginate"]);
const IDENTITY_ARG = /^(userId|ownerId|authorId|creatorId|senderId|accountId|memberId|email|userEmail|user|tokenIdentifier|subject)$/i;
// Fields holding a credential the caller presents: looking a caller up by one identifies them.
const CREDENTIAL_FIELD = /^(sessionId|sessionToken|apiKey|accessToken)$/i;
// Fields that make a document personal data: reading them without knowing the caller is suspicious.
const PERSONAL_FIELD = /^(email|emailAddress|tokenIdentifier|phone|phoneNumber|address|password\w*|secret\w*|token|apiKey)$/i;
const VERIFY_CALLS = /^(verify|verifySignature|verifyWebhook|constructEvent|constructEventAsync|timingSafeEqual|createHmac|validateEvent|validateRequest|validateWebhook|unwrap)$/;
const NODE_ONLY_MODULES = new Set(["fs", "child_process", "net", "tls", "dgram", "http", "https", "http2", "zlib", "os", "worker_threads", "cluster", "dns", "readline", "vm", "perf_hooks", "fs/promises"]);
const FAT_DB_CALLS = 3;
const FAT_STATEMENTS = 30;

export function runRules(model, { schema, functions, httpRoutes, crons, rules }) {
  const ts = model.ts;
  const findings = [];
  const seen = new Set();
  const report = (rule, node, fn, message, evidence, fix, at = null) => {
    if (rules && !rules.has(rule)) return;
    const where = at ?? model.where(node);
    const key = `${rule}|${where.file}|${where.line}|${fn ?? ""}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push({ rule, ...where, function: fn, message, evidence, fix });
  };
  const inApp = (node) => model.inFunctionsDir(node.getSourceFile().fileName);
  const tables = schema.tables;

  // ---------------------------------------------------------------- every body in the functions folder
  const topLevel = [];
  for (const sf of model.appSourceFiles()) {
    const visit = (node) => {
      if (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node)) {
        if (node.body) topLevel.push(node);
        return; // nested functions are part of this one's summary
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  const allFacts = topLevel.flatMap((fn) => model.summarize(fn).facts);

  // ---------------------------------------------------------------- catalog fields
  const reachedBy = new Map(); // body -> [function]
  for (const fn of functions) {
    const bodies = [fn.handlerFn, ...fn.guards].filter(Boolean);
    const facts = [];
    const opaque = [];
    const callNames = new Set();
    for (const body of bodies) {
      const reach = model.reachable(body);
      facts.push(...reach.facts);
      opaque.push(...reach.opaque);
      reach.callNames.forEach((name) => callNames.add(name));
      for (const b of reach.bodies) {
        if (!reachedBy.has(b)) reachedBy.set(b, []);
        if (!reachedBy.get(b).includes(fn)) reachedBy.get(b).push(fn);
      }
    }
    fn.facts = facts;
    fn.callNames = callNames;
    // A lookup by a credential the client holds (convex-helpers' sessions: an anonymous visitor's random
    // session id; a worker's API key) resolves who is calling as a token does.
    const checks = facts.some((f) => f.type === "auth" || (f.type === "dbQuery" && chainInfo(model, f).eqFields.some((field) => CREDENTIAL_FIELD.test(field))));
    // Unsure: ctx went into a library, or the handler or the builder could not be followed.
    const unsure = opaque.length > 0 || !fn.handlerFn || !fn.builderResolved;
    fn.checksAuth = checks ? true : unsure ? null : false;
    fn.opaque = opaque.map((o) => o.name);
    const readTables = new Set();
    const writeTables = new Set();
    const indexes = [];
    const calls = [];
    for (const fact of facts) {
      if (fact.type === "dbQuery" && fact.table) readTables.add(fact.table);
      if (fact.type === "read" && fact.table) readTables.add(fact.table);
      if (fact.type === "write" && fact.table) writeTables.add(fact.table);
      if (fact.type === "dbQuery") {
        const info = chainInfo(model, fact);
        if (info.index && !indexes.some((i) => i.table === fact.table && i.index === info.index)) indexes.push({ table: fact.table, index: info.index });
      }
      if (fact.type === "run" && fact.ref) calls.push({ how: fact.how, target: fact.ref.target, via: fact.ref.via, ...model.where(fact.node) });
    }
    fn.tablesRead = [...readTables].sort();
    fn.tablesWritten = [...writeTables].sort();
    fn.indexesUsed = indexes;
    fn.calls = calls;
  }
  const byName = new Map(functions.map((fn) => [fn.name, fn]));
  const functionOf = (fact) => {
    const reached = reachedBy.get(fact.owner) ?? [];
    return reached.length ? reached.map((fn) => fn.name).sort()[0] : null;
  };
  const kindsReaching = (fact) => new Set((reachedBy.get(fact.owner) ?? []).map((fn) => fn.kind));

  // ---------------------------------------------------------------- schema rules
  const indexUses = allFacts.filter((f) => f.type === "dbQuery").map((f) => ({ fact: f, info: chainInfo(model, f) })).filter((u) => u.info.index);
  const literals = stringLiterals(model);
  const tableSets = [...Object.entries(tables).map(([name, table]) => ({ name, table, loose: false })),
    ...schema.looseTables.map((table) => ({ name: table.name, table, loose: true }))];
  const redundant = new Set();
  for (const { name, table, loose } of tableSets) {
    if (!loose && (!schema.file || !model.inFunctionsDir(schema.file))) continue;
    for (const index of table.indexes) {
      const longer = table.indexes.find((other) => other !== index && isPrefix(index.fields, other.fields)
        && (other.fields.length > index.fields.length || table.indexes.indexOf(other) < table.indexes.indexOf(index)));
      if (!longer) continue;
      // A table defined outside the schema is not the one any query reads.
      const uses = loose ? [] : indexUses.filter((u) => u.info.index === index.name && (u.fact.table === name || u.fact.table === null));
      const ordered = uses.filter((u) => u.info.readsInOrder);
      if (longer.fields.length > index.fields.length && ordered.length) continue; // a prefix kept for its order is not redundant
      redundant.add(`${name}.${index.name}`);
      report("redundant-index", null, null,
        `Index "${index.name}" on "${name}" is ${longer.fields.length === index.fields.length ? "the same as" : "a prefix of"} "${longer.name}": every range it serves, "${longer.name}" serves too.`,
        { table: name, index: index.name, fields: index.fields, coveredBy: longer.name, coveredByFields: longer.fields, orderedReadsThroughIt: ordered.length },
        `Delete "${index.name}" and query "${longer.name}" with the same equalities. Keep it only if a query needs its order (documents come back ordered by the index's fields).`,
        { file: index.file, line: index.line });
    }
  }
  for (const [name, table] of Object.entries(tables)) {
    // A schema borrowed from another folder serves modules this review does not see.
    if (!schema.file || !model.inFunctionsDir(schema.file)) continue;
    for (const index of [...table.indexes, ...table.searchIndexes, ...table.vectorIndexes]) {
      if (redundant.has(`${name}.${index.name}`)) continue;
      const used = indexUses.some((u) => u.info.index === index.name && (u.fact.table === name || u.fact.table === null));
      if (used || literals.has(index.name)) continue;
      report("unused-index", null, null, `No function reads through index "${index.name}" on "${name}".`,
        { table: name, index: index.name, fields: index.fields ?? [index.searchField ?? index.vectorField].filter(Boolean) },
        "Delete the index (each index costs storage and a write on every insert, patch and delete of the table), or use it in the query that needs it.",
        { file: index.file, line: index.line });
    }
  }

  // ---------------------------------------------------------------- query rules
  for (const fact of allFacts) {
    if (!inApp(fact.node)) continue;
    const fn = functionOf(fact);
    if (fact.type === "dbQuery") queryRules(model, fact, fn, tables, report);
    if ((fact.type === "read" || fact.type === "write") && fact.explicit === false && fact.op !== "insert") {
      report("implicit-table-id", fact.node, fn, `ctx.db.${fact.op}() is called without the table name.`,
        { call: fact.node.getText().slice(0, 120), table: fact.table },
        `Pass the table first: ctx.db.${fact.op}(${JSON.stringify(fact.table ?? "table")}, id${fact.op === "get" || fact.op === "delete" ? "" : ", value"}); then an id of another table is a type error instead of a wrong document.`);
    }
    if (fact.type === "dbQuery" || fact.type === "read") nPlusOne(model, fact, fn, allFacts, report);
    if (fact.type === "run") runRules_(model, fact, fn, kindsReaching(fact), byName, report);
    if (fact.type === "clock" && kindsReaching(fact).has("query")) {
      report("nondeterministic-query", fact.node, (reachedBy.get(fact.owner) ?? []).filter((f) => f.kind === "query").map((f) => f.name).sort()[0] ?? fn,
        `A query reads the clock (${fact.what}): Convex caches and re-runs queries only when the data they read changes, so the result goes stale as time passes.`,
        { call: fact.what },
        "Take the time as an argument rounded to a coarse step (the client passes it), or store a flag a scheduled mutation flips when the time comes.");
    }
  }
  for (const cron of crons) {
    if (cron.via === "api") {
      report("api-from-server", cron.node, null, `Cron "${cron.name}" runs ${cron.target} through api.*, so the target must stay public.`,
        { how: "cron", target: cron.target, via: "api" }, `Point the cron at internal.${cron.target.replace(/[/:]/g, ".")} and make the target an internal function.`);
    }
  }

  // ---------------------------------------------------------------- statement shapes
  for (const sf of model.appSourceFiles()) statementRules(model, sf, allFacts, reachedBy, report);
  importRules(model, report);

  // ---------------------------------------------------------------- per-function rules
  const references = clientReferences(model);
  // An app that never asks who is calling (no ctx.auth anywhere, no auth.config) has no sign-in at all: it
  // is public by design (a demo, an anonymous chat), so there is no caller for the access rules to check.
  const appHasSignIn = functions.some((fn) => fn.checksAuth !== false) || allFacts.some((f) => f.type === "auth")
    || ["ts", "js"].some((ext) => existsSync(path.join(model.functionsDir, `auth.config.${ext}`)));
  if (!appHasSignIn && functions.some((fn) => fn.visibility === "public")) {
    model.warnings.push("no function checks who is calling (no ctx.auth, no auth.config): the app has no sign-in, so missing-access-control and identity-from-args are not judged");
  }
  const serverApiRefs = new Map();
  for (const fn of functions) for (const call of fn.calls) if (call.via === "api") serverApiRefs.set(call.target, (serverApiRefs.get(call.target) ?? 0) + 1);
  for (const fact of allFacts) if (fact.type === "run" && fact.ref?.via === "api") serverApiRefs.set(fact.ref.target, (serverApiRefs.get(fact.ref.target) ?? 0) + 1);
  for (const cron of crons) if (cron.via === "api") serverApiRefs.set(cron.target, (serverApiRefs.get(cron.target) ?? 0) + 1);
  if (references.files === 0 && serverApiRefs.size > 0) {
    model.warnings.push("no client code calling api.* was found beside the functions folder: public-should-be-internal is not judged");
  }
  for (const fn of functions) {
    if (!model.inFunctionsDir(fn.decl.getSourceFile().fileName)) continue;
    const at = { file: fn.file, line: fn.line };
    const isPublic = fn.visibility === "public" && fn.kind !== "httpAction";
    if (fn.oldSyntax) {
      report("old-function-syntax", null, fn.name, `${fn.name} is registered with a bare handler, so it has no args or returns validator.`,
        { builder: fn.builder }, `Register it as ${fn.builder}({ args: {...}, returns: ..., handler }).`, at);
    }
    if (isPublic && !fn.hasArgsValidator) {
      report("missing-args-validator", null, fn.name, `Public ${fn.kind} ${fn.name} has no args validator: any client can send it any value.`,
        { builder: fn.builder, visibility: fn.visibility }, "Add `args: { ... }` with a validator for every argument (`args: {}` when it takes none).", at);
    }
    if (isPublic && appHasSignIn) accessRules(model, fn, tables, report, at);
    if (isPublic && fn.handlerFn) fatHandler(model, fn, report, at);
    if (isPublic) {
      const fromServer = serverApiRefs.get(fn.name) ?? 0;
      const fromClient = references.targets.get(fn.name) ?? 0;
      // Without any client code in the repository (a backend-only package) nothing says clients do not call it.
      if (fromServer > 0 && fromClient === 0 && references.files > 0) {
        report("public-should-be-internal", null, fn.name, `${fn.name} is public but only server code calls it (through api.*), never client code in this repository.`,
          { serverReferences: fromServer, clientReferences: 0, clientFilesScanned: references.files },
          `Make it ${fn.kind === "query" ? "internalQuery" : fn.kind === "mutation" ? "internalMutation" : "internalAction"} and call it through internal.*.`, at);
      }
    }
  }

  // ---------------------------------------------------------------- webhooks
  const httpBodies = [];
  for (const fn of functions) if (fn.kind === "httpAction" && fn.handlerFn) httpBodies.push({ body: fn.handlerFn, fn: fn.name, route: null, at: { file: fn.file, line: fn.line } });
  for (const route of httpRoutes) {
    const node = route.handlerNode;
    if (!node || route.handler || !ts.isCallExpression(node)) continue;
    const inner = skipOuter(ts, node.arguments[0]);
    const body = inner && (ts.isArrowFunction(inner) || ts.isFunctionExpression(inner)) ? inner : inner && ts.isIdentifier(inner) ? model.appFunctionOf(inner) : null;
    if (body) httpBodies.push({ body, fn: null, route: route.path ?? route.pathPrefix, at: { file: route.file, line: route.line } });
  }
  for (const { body, fn, route, at } of httpBodies) {
    if (!model.inFunctionsDir(body.getSourceFile().fileName)) continue;
    const reach = model.reachable(body);
    const reads = reach.facts.filter((f) => f.type === "bodyRead");
    // A run through api.* reaches a public function any client can call directly: the route exposes
    // nothing new (api-from-server reports the reference itself).
    const acts = reach.facts.filter((f) => f.type === "run" && f.how !== "runQuery" && f.ref?.via !== "api");
    const verifies = [...reach.callNames].filter((name) => VERIFY_CALLS.test(name));
    const checksHeader = reach.facts.length && [...reach.bodies].some((b) => /headers\.get\(\s*["'](authorization|x-api-key)["']/i.test(b.getText()));
    if (reads.length && acts.length && !verifies.length && !checksHeader) {
      const routeName = route ?? (httpRoutes.find((r) => r.handler === fn)?.path ?? null);
      report("unverified-webhook", reads[0].node, fn,
        `HTTP action${routeName ? ` ${routeName}` : ""} reads the request body and runs ${acts[0].ref?.target ?? "a function"} without verifying a signature: anyone who finds the URL can send it events.`,
        { route: routeName, bodyRead: reads[0].what, runs: acts.map((a) => a.ref?.target ?? a.how), verificationCalls: [] },
        "Verify the provider's signature over the raw body before acting (svix / standardwebhooks `new Webhook(secret).verify(body, headers)`, or an HMAC compared with a constant-time check), and reject on failure.",
        null);
    }
  }
  return findings.sort((a, b) => (a.file + String(a.line).padStart(6, "0") + a.rule).localeCompare(b.file + String(b.line).padStart(6, "0") + b.rule));
}

// ================================================================ query chain

/** What a db.query chain does: its index, range, filter, terminal, and whether it reads in index order. */
export function chainInfo(model, fact) {
  if (fact.info) return fact.info;
  const ts = model.ts;
  const info = { index: null, search: false, eqFields: [], rangeFields: [], filters: [], terminal: null, takeCount: null, ordered: false, readsInOrder: false };
  for (const step of fact.chain.steps) {
    const args = step.node.arguments;
    if (step.name === "withIndex" || step.name === "withSearchIndex") {
      info.index = model.stringValue(args[0]);
      info.search = step.name === "withSearchIndex";
      if (args[1]) {
        for (const call of callsIn(ts, args[1])) {
          const field = model.stringValue(call.arguments[0]);
          if (call.name === "eq" && field) info.eqFields.push(field);
          if (/^(gt|gte|lt|lte)$/.test(call.name) && field) info.rangeFields.push(field);
        }
      }
    } else if (step.name === "filter") {
      const eq = [];
      const range = [];
      let other = false;
      for (const call of callsIn(ts, args[0])) {
        const fieldCall = call.arguments.map((a) => skipOuter(ts, a)).find((a) => ts.isCallExpression(a) && ts.isPropertyAccessExpression(a.expression) && a.expression.name.text === "field");
        const field = fieldCall ? model.stringValue(fieldCall.arguments[0]) : null;
        if (call.name === "eq" && field) eq.push(field);
        else if (/^(gt|gte|lt|lte)$/.test(call.name) && field) range.push(field);
        else if (/^(neq|or|not)$/.test(call.name)) other = true;
      }
      info.filters.push({ node: step.node, eq, range, other });
    } else if (step.name === "order") {
      info.ordered = true;
    } else if (TERMINALS.has(step.name)) {
      info.terminal = step.name;
      if (step.name === "take") info.takeCount = args[0] && ts.isNumericLiteral(args[0]) ? Number(args[0].text) : null;
    }
  }
  info.readsInOrder = info.ordered || info.rangeFields.length > 0 || ["take", "first", "paginate"].includes(info.terminal);
  fact.info = info;
  return info;
}

function callsIn(ts, node) {
  const calls = [];
  const visit = (n) => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) calls.push({ name: n.expression.name.text, arguments: n.arguments });
    ts.forEachChild(n, visit);
  };
  if (node) visit(node);
  return calls;
}

const isPrefix = (short, long) => short.length <= long.length && short.every((field, i) => field === long[i]);

function queryRules(model, fact, fn, tables, report) {
  const info = chainInfo(model, fact);
  const table = fact.table ? tables[fact.table] : undefined;
  const tableName = fact.table ?? "?";
  const index = table && info.index ? table.indexes.find((i) => i.name === info.index) : undefined;
  const indexFields = index ? [...index.fields, "_creationTime"] : [];
  // ---- filter-scan / missing-index
  if (info.filters.length && info.terminal !== "paginate" && !info.search) {
    const filter = info.filters[0];
    const fields = [...filter.eq, ...filter.range];
    const evidence = { table: tableName, index: info.index, filterFields: fields, terminal: info.terminal };
    if (info.index) {
      if (table && index) {
        const next = indexFields[info.eqFields.length];
        const intoRange = fields.find((f) => f === next);
        const other = filter.eq.map((f) => ({ f, idx: table.indexes.find((i) => isPrefix([...info.eqFields, f], i.fields) || isPrefix(info.eqFields, i.fields) && i.fields.slice(info.eqFields.length).includes(f) && i.fields.indexOf(f) === info.eqFields.length) })).find((x) => x.idx);
        if (intoRange) {
          report("filter-scan", filter.node.expression.name, fn, `.filter() on "${intoRange}" after the "${info.index}" range reads the whole range, although "${intoRange}" is the index's next field and could bound it.`,
            { ...evidence, indexFields }, `Move the condition into the range: .withIndex("${info.index}", (q) => q${info.eqFields.map((f) => `.eq("${f}", ...)`).join("")}.${filter.eq.includes(intoRange) ? "eq" : "gte"}("${intoRange}", ...)).`);
        } else if (other) {
          report("filter-scan", filter.node.expression.name, fn, `.filter() on "${other.f}" after the "${info.index}" range: index "${other.idx.name}" covers both and reads only the matching documents.`,
            { ...evidence, betterIndex: other.idx.name, betterIndexFields: other.idx.fields }, `Query .withIndex("${other.idx.name}", ...) with equalities on ${other.idx.fields.slice(0, info.eqFields.length + 1).join(", ")}.`);
        } else if (filter.eq.length && !filter.other) {
          report("missing-index", filter.node.expression.name, fn, `No index on "${tableName}" covers ${[...info.eqFields, ...filter.eq].join(" + ")}, so .filter() reads the whole "${info.index}" range to find matches.`,
            { ...evidence, suggestedFields: [...info.eqFields, ...filter.eq] }, `Add .index("by_${[...info.eqFields, ...filter.eq].join("_and_")}", ${JSON.stringify([...info.eqFields, ...filter.eq])}) to "${tableName}" and query it with equalities.`);
        }
      }
    } else {
      const eqField = filter.eq[0];
      const usable = table && eqField ? table.indexes.find((i) => i.fields[0] === eqField) : undefined;
      if (usable) {
        report("filter-scan", filter.node.expression.name, fn, `.filter() scans every document of "${tableName}" to match ${eqField}, although index "${usable.name}" finds them directly.`,
          { ...evidence, betterIndex: usable.name, betterIndexFields: usable.fields }, `Use .withIndex("${usable.name}", (q) => q.eq("${eqField}", ...)) instead of .filter().`);
      } else if (table && eqField && !filter.other) {
        report("missing-index", filter.node.expression.name, fn, `"${tableName}" has no index on "${eqField}", so this query scans the table with .filter().`,
          { ...evidence, suggestedFields: filter.eq }, `Add .index("by_${filter.eq.join("_and_")}", ${JSON.stringify(filter.eq)}) to "${tableName}" and query it with .withIndex().`);
      } else {
        report("filter-scan", filter.node.expression.name, fn, `.filter() on a query of "${tableName}" with no index range reads every document of the table it passes over.`,
          evidence, "Narrow the query with .withIndex() on the fields it matches (add the index if there is none); .filter() only after an index range that is already small.");
      }
    }
  }
  // ---- unbounded-collect
  if (info.terminal === "collect" && !info.search) {
    let why = null;
    if (!info.index) why = "a whole table";
    else if (!info.eqFields.length) why = `the whole "${info.index}" index`;
    else {
      const narrowing = narrowedAfter(model, fact);
      if (narrowing) why = `the "${info.index}" range, then keeps part of it with .${narrowing}`;
    }
    if (why) {
      report("unbounded-collect", fact.chain.end.expression.name ?? fact.chain.end, fn, `.collect() reads ${why}: the read grows with the table, up to the 32,000-document limit.`,
        { table: tableName, index: info.index, equalities: info.eqFields, range: info.rangeFields },
        "Read a bounded part: .take(n) with .order(), .paginate(), or an index range that only holds what is returned; count with a stored counter or the aggregate component.");
    }
  }
}

/** The method that narrows a collected array afterwards (`.slice`, `.length`...), if any. */
function narrowedAfter(model, fact) {
  const ts = model.ts;
  let node = fact.chain.end;
  while (node.parent && (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent))) node = node.parent;
  if (ts.isPropertyAccessExpression(node.parent) && NARROWING_METHODS.test(node.parent.name.text)) return node.parent.name.text;
  if (ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name)) {
    const name = node.parent.name.text;
    const match = new RegExp(`\\b${name}\\s*\\.\\s*(\\w+)`, "g");
    for (const m of fact.owner.getText().matchAll(match)) if (NARROWING_METHODS.test(m[1])) return m[1];
  }
  return null;
}

// ================================================================ n+1

function enclosingLoop(model, node, owner) {
  const ts = model.ts;
  for (let cur = node.parent, child = node; cur && cur !== owner; child = cur, cur = cur.parent) {
    if ((ts.isForOfStatement(cur) || ts.isForInStatement(cur)) && child === cur.statement) return { kind: "for", iterable: cur.expression, node: cur };
    if ((ts.isForStatement(cur) || ts.isWhileStatement(cur) || ts.isDoStatement(cur)) && child === cur.statement) return { kind: "loop", iterable: null, node: cur };
    if ((ts.isArrowFunction(cur) || ts.isFunctionExpression(cur)) && ts.isCallExpression(cur.parent) && cur.parent.arguments.includes(cur)
      && ts.isPropertyAccessExpression(cur.parent.expression) && /^(map|forEach|flatMap|filter|some|every|find|reduce)$/.test(cur.parent.expression.name.text)) {
      return { kind: "callback", iterable: cur.parent.expression.expression, node: cur.parent };
    }
  }
  return null;
}

/** Which earlier db read produced an iterable, and whether that read is bounded. */
function sourceOf(model, iterable, allFacts) {
  const ts = model.ts;
  if (!iterable) return null;
  let expr = skipOuter(ts, iterable);
  if (ts.isPropertyAccessExpression(expr) && expr.name.text === "page") expr = skipOuter(ts, expr.expression);
  let init = expr;
  if (ts.isIdentifier(expr)) {
    const decl = model.declarationOf(expr);
    if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer) return null;
    init = decl.initializer;
  }
  const start = init.getStart();
  const end = init.getEnd();
  const queries = allFacts.filter((f) => f.type === "dbQuery" && f.node.getSourceFile() === init.getSourceFile() && f.node.getStart() >= start && f.node.getEnd() <= end);
  if (queries.length) {
    const info = chainInfo(model, queries[0]);
    const bounded = ["take", "first", "unique", "paginate"].includes(info.terminal) || (info.terminal === "collect" && info.eqFields.length > 0 && !info.search);
    return { table: queries[0].table, terminal: info.terminal, bounded };
  }
  // The result of an app helper: an array of documents of unknown size.
  const type = model.typeOf(expr);
  const element = model.elementType(type);
  if (element && model.hasProps(element, "_id", "_creationTime")) return { table: null, terminal: null, bounded: null };
  return null;
}

function nPlusOne(model, fact, fn, allFacts, report) {
  const loop = enclosingLoop(model, fact.node, fact.owner);
  if (!loop || !loop.iterable) return;
  const source = sourceOf(model, loop.iterable, allFacts);
  if (!source) return;
  const rangeRead = fact.type === "dbQuery";
  if (source.bounded === true && !rangeRead) return; // point reads over a bounded list: the documented join
  if (source.bounded === null && !rangeRead) return;
  report("n-plus-one", fact.node, fn,
    `One database ${rangeRead ? "range read" : "read"} per item of ${source.table ? `an earlier "${source.table}" result` : "an earlier result"}${source.bounded === false ? " that itself grows with the table" : ""}.`,
    { loop: loop.kind, iterable: loop.iterable.getText().slice(0, 80), outerTable: source.table, outerTerminal: source.terminal, outerBounded: source.bounded, innerRead: fact.node.getText().slice(0, 100) },
    "Read the related documents in one index range (a composite index, or denormalise what the list shows), or bound the outer list with .take()/.paginate() and read the items with Promise.all.");
}

// ================================================================ ctx.run*

function runRules_(model, fact, fn, kinds, byName, report) {
  const ref = fact.ref;
  if (ref?.via === "api") {
    report("api-from-server", fact.node, fn, `Server code ${fact.how === "runAfter" || fact.how === "runAt" ? "schedules" : "runs"} ${ref.target} through api.*: the target has to stay public, callable by any client.`,
      { how: fact.how, target: ref.target, via: "api" }, `Call internal.${ref.target.replace(/[/:]/g, ".")} and make the target internal.`);
  }
  if (fact.ctx === "scheduler" || ref?.via === "component") return;
  const inTransaction = fact.ctx === "transaction" || (fact.ctx === "unknown" && (kinds.has("query") || kinds.has("mutation")));
  if (inTransaction) {
    report("run-in-transaction", fact.node, fn, `A query or mutation calls ctx.${fact.how}: the callee runs as a separate function call with its own overhead, inside the same transaction.`,
      { how: fact.how, target: ref?.target ?? null },
      "Call a plain TypeScript helper (the model layer) with the same ctx instead.");
  }
  const inAction = fact.ctx === "action" || (fact.ctx === "unknown" && kinds.has("action"));
  if (inAction && fact.how === "runAction" && ref) {
    const target = byName.get(ref.target);
    const callerRuntime = /^\s*["']use node["']/m.test(fact.node.getSourceFile().text.slice(0, 400)) ? "node" : "convex";
    if (target && target.runtime === callerRuntime) {
      report("runaction-same-runtime", fact.node, fn, `An action calls ctx.runAction(${ref.target}) in the same runtime (${callerRuntime}): it pays for a second action and its memory, for what a function call does.`,
        { target: ref.target, callerRuntime, targetRuntime: target.runtime }, "Call the target's logic as a plain TypeScript function; use runAction only to cross into the Node.js runtime (\"use node\").");
    }
  }
}

// ================================================================ statements: floating promises, sequential runs

function statementRules(model, sf, allFacts, reachedBy, report) {
  const ts = model.ts;
  const factByNode = new Map(allFacts.map((f) => [f.type === "dbQuery" ? f.chain.end : f.node, f]));
  const ownerFunctions = (node) => {
    let cur = node;
    while (cur && !(reachedBy.has(cur))) cur = cur.parent;
    return cur ? (reachedBy.get(cur) ?? []).map((f) => f.name).sort()[0] : null;
  };
  const isCtxPromise = (call) => {
    const fact = factByNode.get(call);
    if (fact && ["dbQuery", "read", "write", "run"].includes(fact.type)) return fact.type !== "run" ? "ctx.db" : fact.ctx === "scheduler" ? `ctx.scheduler.${fact.how}` : `ctx.${fact.how}`;
    const target = model.appFunctionOf(call.expression);
    if (target) {
      const type = model.typeOf(call);
      const thenable = model.hasProps(type, "then");
      const reach = model.reachable(target);
      if (thenable && reach.facts.some((f) => ["dbQuery", "read", "write", "run"].includes(f.type))) return call.expression.getText();
    }
    return null;
  };
  const visit = (node) => {
    if (ts.isExpressionStatement(node)) {
      if (ts.isCallExpression(node.expression)) {
        const what = isCtxPromise(node.expression);
        if (what) {
          report("floating-promise", node, ownerFunctions(node), `The promise from ${what} is never awaited: the function can return before it finishes, and its errors are lost.`,
            { call: node.getText().slice(0, 120) }, "Add `await` (or collect the promises and `await Promise.all(...)`).");
        }
        const callee = node.expression.expression;
        const callback = node.expression.arguments[0];
        if (ts.isPropertyAccessExpression(callee) && callee.name.text === "forEach" && callback && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))
          && callback.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) {
          const facts = model.summarize(callback).facts.length || allFacts.some((f) => f.node.getStart() >= callback.getStart() && f.node.getEnd() <= callback.getEnd() && f.node.getSourceFile() === sf);
          if (facts) {
            report("floating-promise", node, ownerFunctions(node), "forEach with an async callback drops every promise it returns: none of these database calls is awaited.",
              { call: node.getText().slice(0, 120) }, "Use `for (const item of items) await ...` or `await Promise.all(items.map(async (item) => ...))`.");
          }
        }
      }
    }
    if (ts.isBlock(node)) sequentialRuns(model, node, factByNode, ownerFunctions, report);
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

function awaitsIn(ts, node) {
  const found = [];
  const visit = (n) => {
    if (n !== node && (ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isFunctionDeclaration(n))) return;
    if (ts.isAwaitExpression(n)) found.push(skipOuter(ts, n.expression));
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

function sequentialRuns(model, block, factByNode, ownerFunctions, report) {
  const ts = model.ts;
  const runOf = (expr) => {
    const fact = factByNode.get(expr);
    return fact?.type === "run" && fact.ctx === "action" && (fact.how === "runQuery" || fact.how === "runMutation") ? fact : null;
  };
  let previous = null;
  for (const statement of block.statements) {
    const awaits = awaitsIn(ts, statement);
    const runs = awaits.map(runOf);
    const onlyRuns = awaits.length > 0 && runs.every(Boolean);
    if (onlyRuns && previous) {
      report("sequential-run-in-action", statement, ownerFunctions(statement),
        `An action runs ${previous.ref?.target ?? previous.how} and then ${runs[0].ref?.target ?? runs[0].how} as separate transactions, with nothing in between: each sees the database at another moment.`,
        { calls: [previous, runs[0]].map((r) => ({ how: r.how, target: r.ref?.target ?? null })) },
        "Do both in one internal mutation (or query) that the action calls once.");
    }
    previous = onlyRuns ? runs[runs.length - 1] : null;
    // A run inside a loop over items is one transaction per item. (A `for (;;)`
    // or `while` loop that carries a cursor is the batching pattern: each
    // batch is deliberately its own transaction.)
    if (ts.isForOfStatement(statement) || ts.isForInStatement(statement)) {
      const inner = awaitsIn(ts, statement.statement).map(runOf).filter(Boolean);
      if (inner.length) {
        report("sequential-run-in-action", inner[0].node, ownerFunctions(statement),
          `An action calls ctx.${inner[0].how}(${inner[0].ref?.target ?? "..."}) once per item of a loop: one transaction per item, each seeing the database at another moment.`,
          { loop: statement.getText().split("\n")[0].slice(0, 80), how: inner[0].how, target: inner[0].ref?.target ?? null },
          "Pass all the items to one internal query or mutation that the action calls once.");
      }
    }
  }
}

// ================================================================ imports across runtimes

function importRules(model, report) {
  const ts = model.ts;
  const isNode = (sf) => sf.statements.some((s) => ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression) && s.expression.text === "use node");
  for (const sf of model.appSourceFiles()) {
    if (isNode(sf)) continue;
    for (const statement of sf.statements) {
      if (!ts.isImportDeclaration(statement) || statement.importClause?.isTypeOnly) continue;
      const spec = statement.moduleSpecifier.text;
      if (spec.startsWith("node:") || NODE_ONLY_MODULES.has(spec)) {
        report("wrong-runtime-import", statement, null, `${model.moduleName(sf.fileName)} runs in the Convex runtime but imports the Node.js module "${spec}".`,
          { module: model.moduleName(sf.fileName), imports: spec }, "Move the code that needs it into a module starting with \"use node\" (actions only) and call it with ctx.runAction.");
        continue;
      }
      if (!spec.startsWith(".")) continue;
      const target = model.importedFile(statement);
      if (target && model.inFunctionsDir(target.fileName) && isNode(target)) {
        report("wrong-runtime-import", statement, null, `${model.moduleName(sf.fileName)} runs in the Convex runtime but imports "${spec}", a "use node" module.`,
          { module: model.moduleName(sf.fileName), imports: model.moduleName(target.fileName) }, "Call the Node action through ctx.runAction(internal...) instead of importing it, or move shared code into a module without \"use node\".");
      }
    }
  }
}

// ================================================================ security

function isUserTable(tables, name) {
  if (!name) return false;
  if (name === "users") return true;
  const table = tables[name];
  if (!table) return false;
  return Object.keys(table.fields).some((field) => PERSONAL_FIELD.test(field));
}

function accessRules(model, fn, tables, report, at) {
  if (fn.checksAuth !== false) return;
  const writes = fn.tablesWritten;
  const userReads = fn.tablesRead.filter((t) => isUserTable(tables, t));
  // Running a public function (api.*) grants nothing a client cannot do by calling it; the callee checks.
  const runs = fn.calls.filter((c) => (c.how === "runMutation" || c.how === "runAction") && c.via !== "api");
  if (writes.length || userReads.length || runs.length) {
    report("missing-access-control", null, fn.name,
      `Public ${fn.kind} ${fn.name} never checks who is calling (no ctx.auth.getUserIdentity() on any path), yet it ${writes.length ? `writes ${writes.join(", ")}` : runs.length ? `runs ${runs.map((r) => r.target).join(", ")}` : `reads user data in ${userReads.join(", ")}`}.`,
      { checksAuth: false, tablesWritten: writes, userTablesRead: userReads, runs: runs.map((r) => r.target), suspicion: "static: the dynamic pass proves it by calling anonymously" },
      "Resolve the caller first (a requireUser(ctx) helper, or a custom builder that does it) and check they may touch this data; or make the function internal.", at);
  }
  const ownFacts = model.summarize(fn.handlerFn).facts.filter((f) => f.type === "write" || f.type === "dbQuery" || f.type === "read");
  const argsNode = fn.argsNode;
  for (const arg of fn.args) {
    const validatorText = argsNode ? argsNode.getText() : "";
    const isIdentity = IDENTITY_ARG.test(arg) || new RegExp(`\\b${arg}\\s*:\\s*v\\.id\\(\\s*["']users["']`).test(validatorText);
    if (!isIdentity) continue;
    const used = ownFacts.find((f) => new RegExp(`\\b${arg}\\b`).test((f.type === "dbQuery" ? f.chain.end : f.node).getText()))
      ?? handedToDatabaseCode(model, fn.handlerFn, arg);
    if (used) {
      report("identity-from-args", used.node, fn.name,
        `${fn.name} takes "${arg}" from the client and uses it in a database ${used.type === "write" ? "write" : "read"} without checking who is calling: anyone can pass someone else's ${arg}.`,
        { argument: arg, usedIn: used.node.getText().slice(0, 100), checksAuth: false },
        "Take the caller from ctx.auth.getUserIdentity() (or a requireUser helper) instead of an argument.", null);
      break;
    }
  }
}

/**
 * A call in the handler that hands the argument (by name, or the whole args
 * object) to the app's own code that reads or writes the database: the
 * argument reaches a query or a write through a helper, a service or a repository.
 */
function handedToDatabaseCode(model, handlerFn, arg) {
  const ts = model.ts;
  const argsParam = handlerFn.parameters[1];
  const argsName = argsParam && ts.isIdentifier(argsParam.name) ? argsParam.name.text : null;
  const carries = (node) => {
    const expr = skipOuter(ts, node);
    if (ts.isIdentifier(expr)) return expr.text === arg || expr.text === argsName;
    if (ts.isPropertyAccessExpression(expr)) return expr.name.text === arg && ts.isIdentifier(expr.expression) && expr.expression.text === argsName;
    if (ts.isObjectLiteralExpression(expr)) return expr.properties.some((p) => ts.isSpreadAssignment(p) ? carries(p.expression) : ts.isShorthandPropertyAssignment(p) ? p.name.text === arg : ts.isPropertyAssignment(p) && carries(p.initializer));
    return false;
  };
  let found = null;
  const visit = (node) => {
    if (found) return;
    if (ts.isCallExpression(node) && node.arguments.some(carries)) {
      const target = model.appFunctionOf(node.expression);
      const fact = target && model.reachable(target).facts.find((f) => f.type === "write" || f.type === "read" || f.type === "dbQuery");
      if (fact) found = { type: fact.type, node };
    }
    ts.forEachChild(node, visit);
  };
  if (handlerFn.body) visit(handlerFn.body);
  return found;
}

function fatHandler(model, fn, report, at) {
  const ts = model.ts;
  const own = model.summarize(fn.handlerFn).facts.filter((f) => f.type === "dbQuery" || f.type === "read" || f.type === "write");
  let statements = 0;
  const count = (node) => {
    if (ts.isStatement(node) && !ts.isBlock(node)) statements += 1;
    ts.forEachChild(node, count);
  };
  if (fn.handlerFn.body) count(fn.handlerFn.body);
  if (own.length >= FAT_DB_CALLS || statements >= FAT_STATEMENTS) {
    report("fat-handler", null, fn.name, `The handler of ${fn.name} does the work itself: ${own.length} database calls and ${statements} statements of its own.`,
      { databaseCalls: own.length, statements, thresholds: { databaseCalls: FAT_DB_CALLS, statements: FAT_STATEMENTS } },
      "Keep the public function thin: resolve the caller, validate, then call model-layer helpers (convex/model) that hold the rules and the reads.", at);
  }
}

// ================================================================ references

/**
 * Every string literal of the app's code outside the schema and outside
 * withIndex/withSearchIndex calls (those are counted as real reads): an index
 * named in one is treated as used, since helpers such as `getManyFrom(db,
 * "table", "index", ...)` or `ctx.vectorSearch("table", "index", ...)` read through it.
 */
function stringLiterals(model) {
  const ts = model.ts;
  const found = new Set();
  for (const sf of model.appSourceFiles()) {
    if (/[\\/]schema\.[jt]s$/.test(sf.fileName)) continue;
    const visit = (node) => {
      if (ts.isStringLiteralLike(node)) {
        const inIndexCall = ts.isCallExpression(node.parent) && ts.isPropertyAccessExpression(node.parent.expression)
          && /^(withIndex|withSearchIndex)$/.test(node.parent.expression.name.text);
        if (!inIndexCall) found.add(node.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

/** `api.a.b.c` references in the app's client code (outside the functions folder, tests and packages). */
function clientReferences(model) {
  const targets = new Map();
  let files = 0;
  const skip = new Set(["node_modules", ".git", "dist", "build", ".next", "out", "coverage", "tests", "test", "__tests__", "e2e"]);
  const functionsDir = model.functionsDir;
  let budget = 5000;
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (budget <= 0) return;
      const full = path.join(dir, entry.name);
      if (entry.name.startsWith(".") || skip.has(entry.name) || full === functionsDir) continue;
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|tsx|js|jsx|mjs|vue|svelte)$/.test(entry.name) && !/\.(test|spec)\.|\.d\.ts$/.test(entry.name)) {
        budget -= 1;
        let text;
        try {
          if (statSync(full).size > 1_000_000) continue;
          text = readFileSync(full, "utf8");
        } catch {
          continue;
        }
        let any = false;
        for (const m of text.matchAll(/\bapi((?:\.\w+){2,})/g)) {
          const parts = m[1].slice(1).split(".");
          const name = parts.pop();
          targets.set(`${parts.join("/")}:${name}`, (targets.get(`${parts.join("/")}:${name}`) ?? 0) + 1);
          any = true;
        }
        if (any) files += 1;
      }
    }
  };
  if (existsSync(model.appRoot)) walk(model.appRoot);
  return { targets, files };
}
