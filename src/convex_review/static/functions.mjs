// The app's exported Convex functions, HTTP routes, crons and components.
//
// Kind and visibility come from each export's type: a registered function's
// type carries `isQuery`/`isMutation`/`isAction`/`isHttp` and
// `isPublic`/`isInternal` (convex/server's RegisteredQuery and friends), so a
// `customQuery(...)` or an `authMutation = ...` wrapper is recognised without
// knowing its name. Without types (the app does not type-check, or convex is
// missing) the builder call is followed back to a built-in builder instead.
import { propertyOf, skipOuter } from "./catalog.mjs";

const KIND_PROPS = [["isQuery", "query"], ["isMutation", "mutation"], ["isAction", "action"], ["isHttp", "httpAction"]];
const BUILTIN = {
  query: ["query", "public"], internalQuery: ["query", "internal"],
  mutation: ["mutation", "public"], internalMutation: ["mutation", "internal"],
  action: ["action", "public"], internalAction: ["action", "internal"],
  httpAction: ["httpAction", "public"], httpActionGeneric: ["httpAction", "public"],
  queryGeneric: ["query", "public"], internalQueryGeneric: ["query", "internal"],
  mutationGeneric: ["mutation", "public"], internalMutationGeneric: ["mutation", "internal"],
  actionGeneric: ["action", "public"], internalActionGeneric: ["action", "internal"],
};

/**
 * What a builder call resolves to: the built-in it ends in, and the app code
 * it runs before the handler (a customCtx, a wrapper's body), which may check auth.
 */
function resolveBuilder(model, callee, depth = 0) {
  const ts = model.ts;
  if (depth > 8) return null;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : null;
  const decl = model.appDeclarationOf(ts.isPropertyAccessExpression(callee) ? callee.name : callee);
  if (!decl) {
    return name && BUILTIN[name] ? { kind: BUILTIN[name][0], visibility: BUILTIN[name][1], guards: [] } : null;
  }
  // `const authedQuery = customQuery(query, customCtx(...))`: the first argument is the base builder.
  let init = decl.initializer ? skipOuter(ts, decl.initializer) : undefined;
  if ((ts.isFunctionDeclaration(decl) || ts.isArrowFunction(decl)) && !init) init = decl;
  if (init && ts.isCallExpression(init)) {
    const base = init.arguments[0] ? resolveBuilder(model, skipOuter(ts, init.arguments[0]), depth + 1) : null;
    if (base) return { ...base, guards: [...base.guards, ...init.arguments.slice(1)] };
    return null;
  }
  // `const authMutation = (def) => mutation({...})`: the wrapper's body runs first.
  if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init) || ts.isFunctionDeclaration(init))) {
    let inner = null;
    const find = (node) => {
      if (inner) return;
      if (ts.isCallExpression(node)) inner = resolveBuilder(model, node.expression, depth + 1);
      if (!inner) ts.forEachChild(node, find);
    };
    find(init.body);
    if (inner) return { ...inner, guards: [...inner.guards, init] };
  }
  return null;
}

function kindFromType(model, type) {
  if (model.isUntyped(type)) return null;
  for (const [prop, kind] of KIND_PROPS) {
    if (model.literalProp(type, prop) === true) {
      const visibility = model.literalProp(type, "isInternal") === true ? "internal" : "public";
      return { kind, visibility };
    }
  }
  return null;
}

/** The function objects of the guard expressions (customCtx(async (ctx) => ...), wrapper bodies). */
function guardBodies(model, guards) {
  const ts = model.ts;
  const bodies = [];
  const visit = (node) => {
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node)) {
      bodies.push(node);
      return;
    }
    if (ts.isIdentifier(node)) {
      const fn = model.appFunctionOf(node);
      if (fn) bodies.push(fn);
    }
    ts.forEachChild(node, visit);
  };
  guards.forEach(visit);
  return bodies;
}

function argNames(model, argsNode) {
  const ts = model.ts;
  const node = skipOuter(ts, argsNode);
  if (ts.isObjectLiteralExpression(node) && node.properties.every((p) => !ts.isSpreadAssignment(p))) {
    return node.properties.map((p) => p.name?.getText().replace(/^["']|["']$/g, "")).filter(Boolean);
  }
  let type = model.typeOf(node);
  if (model.isUntyped(type)) return [];
  if (model.hasProps(type, "fields", "kind")) type = model.checker.getTypeOfSymbol(model.checker.getPropertyOfType(type, "fields"));
  // A zod object (convex-helpers' zCustomQuery and friends take one): its fields are its shape's.
  else if (model.hasProps(type, "shape", "safeParse")) type = model.checker.getTypeOfSymbol(model.propertyOf(type, "shape"));
  return model.checker.getPropertiesOfType(type).map((p) => p.name);
}

/** Without a validator, the names the handler's second parameter declares (destructured or typed). */
function parameterNames(model, handlerFn) {
  const ts = model.ts;
  const param = handlerFn.parameters[1];
  if (!param) return [];
  if (ts.isObjectBindingPattern(param.name)) return param.name.elements.map((el) => (el.propertyName ?? el.name).getText());
  const type = model.typeOf(param);
  return model.isUntyped(type) ? [] : model.checker.getPropertiesOfType(type).map((p) => p.name);
}

export function readFunctions(model) {
  const ts = model.ts;
  const functions = [];
  for (const sf of model.appSourceFiles()) {
    const base = sf.fileName.split(/[\\/]/).pop();
    if (/^(schema|convex\.config|auth\.config)\./.test(base)) continue;
    const useNode = sf.statements.some((s) => ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression) && s.expression.text === "use node");
    const moduleSymbol = model.checker.getSymbolAtLocation(sf);
    if (!moduleSymbol) continue;
    for (const exported of model.checker.getExportsOfModule(moduleSymbol)) {
      let symbol = exported;
      if (symbol.flags & ts.SymbolFlags.Alias) symbol = model.checker.getAliasedSymbol(symbol);
      const decl = symbol.valueDeclaration?.path === sf.fileName ? symbol.valueDeclaration.resolve(model.project) : undefined;
      if (!decl || !(ts.isVariableDeclaration(decl) || ts.isExportAssignment(decl)) || decl.getSourceFile() !== sf) continue;
      const init = skipOuter(ts, ts.isExportAssignment(decl) ? decl.expression : decl.initializer);
      if (!init || !ts.isCallExpression(init)) continue;
      const typed = kindFromType(model, model.typeOf(ts.isExportAssignment(decl) ? decl.expression : decl.name));
      const builder = resolveBuilder(model, init.expression);
      const info = typed ?? (builder ? { kind: builder.kind, visibility: builder.visibility } : null);
      if (!info) continue;
      const definition = skipOuter(ts, init.arguments[0]);
      const isObject = definition && ts.isObjectLiteralExpression(definition);
      let handler = isObject ? propertyOf(ts, definition, "handler") : definition;
      if (handler && ts.isIdentifier(handler)) handler = model.appFunctionOf(handler) ?? handler;
      const handlerFn = handler && (ts.isArrowFunction(handler) || ts.isFunctionExpression(handler) || ts.isMethodDeclaration(handler)) ? handler : null;
      const argsNode = isObject ? propertyOf(ts, definition, "args") : undefined;
      const name = `${model.moduleName(sf.fileName)}:${exported.name}`;
      functions.push({
        name,
        ...model.where(ts.isExportAssignment(decl) ? decl : decl.name),
        kind: info.kind,
        visibility: info.visibility,
        builder: init.expression.getText(),
        oldSyntax: !isObject && info.kind !== "httpAction",
        hasArgsValidator: Boolean(argsNode),
        hasReturnsValidator: Boolean(isObject && propertyOf(ts, definition, "returns")),
        args: argsNode ? argNames(model, argsNode) : handlerFn ? parameterNames(model, handlerFn) : [],
        argsNode,
        runtime: useNode ? "node" : "convex",
        handlerFn,
        guards: builder ? guardBodies(model, builder.guards) : [],
        builderResolved: Boolean(builder) || Boolean(typed && BUILTIN[init.expression.getText()]),
        decl,
      });
    }
  }
  return functions;
}

/** http.route({ path | pathPrefix, method, handler }) calls, anywhere in the functions folder. */
export function readHttpRoutes(model, functionsByNode) {
  const ts = model.ts;
  const routes = [];
  for (const sf of model.appSourceFiles()) {
    const visit = (node) => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === "route") {
        const type = model.typeOf(node.expression.expression);
        const isRouter = model.hasProps(type, "route", "lookup") || /http|router/i.test(node.expression.expression.getText());
        const config = skipOuter(ts, node.arguments[0]);
        if (isRouter && config && ts.isObjectLiteralExpression(config)) {
          const route = {};
          for (const key of ["path", "pathPrefix"]) {
            const value = propertyOf(ts, config, key);
            if (value) route[key] = model.stringValue(value);
          }
          route.method = model.stringValue(propertyOf(ts, config, "method"));
          const handlerNode = skipOuter(ts, propertyOf(ts, config, "handler"));
          route.handler = handlerNode ? handlerName(model, handlerNode, functionsByNode) : null;
          route.handlerNode = handlerNode;
          Object.assign(route, model.where(node));
          routes.push(route);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return routes;
}

function handlerName(model, node, functionsByNode) {
  const decl = model.ts.isIdentifier(node) || model.ts.isPropertyAccessExpression(node) ? model.appDeclarationOf(model.ts.isPropertyAccessExpression(node) ? node.name : node) : undefined;
  return decl ? functionsByNode.get(decl)?.name ?? null : null;
}

/** crons.interval / hourly / daily / weekly / monthly / cron calls on a cronJobs() object. */
export function readCrons(model) {
  const ts = model.ts;
  const crons = [];
  const schedulers = new Set(["interval", "hourly", "daily", "weekly", "monthly", "cron"]);
  for (const sf of model.appSourceFiles()) {
    const visit = (node) => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && schedulers.has(node.expression.name.text)) {
        const type = model.typeOf(node.expression.expression);
        const isCrons = model.hasProps(type, "crons", "interval") || /crons?$/i.test(node.expression.expression.getText());
        if (isCrons && node.arguments.length >= 3) {
          const ref = model.functionRef(node.arguments[2]);
          crons.push({
            name: model.stringValue(node.arguments[0]),
            schedule: `${node.expression.name.text} ${node.arguments[1].getText().replace(/\s+/g, " ")}`,
            target: ref?.target ?? null,
            via: ref?.via ?? null,
            node,
            ...model.where(node),
          });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return crons;
}

/** app.use(component, { name? }) in convex.config.ts. */
export function readComponents(model) {
  const ts = model.ts;
  const components = [];
  for (const sf of model.appSourceFiles()) {
    if (!/[\\/]convex\.config\.[jt]s$/.test(sf.fileName)) continue;
    const visit = (node) => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === "use") {
        const options = skipOuter(ts, node.arguments[1]);
        const explicit = options && ts.isObjectLiteralExpression(options) ? model.stringValue(propertyOf(ts, options, "name")) : null;
        const arg = node.arguments[0];
        let name = explicit;
        if (!name && arg && ts.isIdentifier(arg)) {
          // The default name is the component's own; the import path says it (e.g. @convex-dev/aggregate/convex.config -> aggregate).
          const decl = model.declarationOf(arg);
          const importDecl = decl && ts.findAncestor(decl, ts.isImportDeclaration);
          const spec = importDecl ? importDecl.moduleSpecifier.text : arg.text;
          name = spec.replace(/\/convex\.config(\.[jt]s)?$/, "").split("/").pop();
        }
        if (name) components.push(name);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return components;
}
