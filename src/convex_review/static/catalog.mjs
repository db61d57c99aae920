// What a Convex app is made of, read from its TypeScript program: the
// schema, every exported Convex function (custom builders included: kind
// and visibility come from the export's type, RegisteredQuery<"public", ...>
// and friends, not from its builder's name), HTTP routes, crons, components,
// and for each piece of code the facts the rules judge: database reads and
// writes, index ranges, auth checks, calls to other functions, clocks.
//
// Facts are collected per function body and followed through every call into
// the app's own code, so a helper that checks auth or reads a table counts
// for each function that reaches it.
import path from "node:path";

const DB_METHODS = new Set(["get", "insert", "patch", "replace", "delete", "query"]);
const RUN_METHODS = new Set(["runQuery", "runMutation", "runAction"]);
const SCHEDULER_METHODS = new Set(["runAfter", "runAt"]);
const BODY_READERS = new Set(["text", "json", "arrayBuffer", "formData", "blob"]);
// A deployment variable holding a shared secret: comparing an argument with it is how functions that only a
// trusted server calls (an Auth.js adapter, a webhook relay) check their caller.
const SECRET_VARIABLE = /secret|token|key|password/i;

export class AppModel {
  constructor(ts, project, { appRoot, functionsDir }) {
    this.ts = ts;
    this.project = project;
    this.program = project.program;
    this.checker = project.checker;
    this.appRoot = appRoot;
    this.functionsDir = functionsDir;
    this.summaries = new Map(); // function-like node -> { facts, callees }
    this.warnings = [];
    // Each answer below is a request to the compiler process: asked once.
    this.types = new Map(); // node -> type
    this.apparent = new Map(); // type id -> apparent type
    this.properties = new Map(); // `${type id}:${name}` -> property symbol
    this.declarations = new Map(); // node -> declaration node
    this.symbols = new Map(); // node -> symbol (prefetchSymbols)
    this.aliases = new Map(); // alias symbol id -> the symbol it stands for
  }

  // ------------------------------------------------------------ locations
  rel(file) {
    return path.relative(this.appRoot, file).split(path.sep).join("/");
  }
  line(node) {
    const sf = node.getSourceFile();
    return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  }
  where(node) {
    return { file: this.rel(node.getSourceFile().fileName), line: this.line(node) };
  }
  isAppFile(fileName) {
    return !fileName.includes(`${path.sep}node_modules${path.sep}`) && !fileName.includes("/node_modules/")
      && !fileName.endsWith(".d.ts") && !fileName.includes(`${path.sep}_generated${path.sep}`);
  }
  inFunctionsDir(fileName) {
    const rel = path.relative(this.functionsDir, fileName);
    return !rel.startsWith("..") && !path.isAbsolute(rel) && !rel.split(path.sep).includes("_generated");
  }
  moduleName(fileName) {
    return path.relative(this.functionsDir, fileName).replace(/\.[^.]+$/, "").split(path.sep).join("/");
  }
  /** Every file in the program, in its order (a request to the compiler: asked once). */
  fileNames() {
    this.allFileNames ??= this.program.getSourceFileNames();
    return this.allFileNames;
  }
  appSourceFiles() {
    this.appFiles ??= this.fileNames()
      .filter((name) => this.inFunctionsDir(name) && this.isAppFile(name))
      .map((name) => this.program.getSourceFile(name));
    return this.appFiles;
  }
  sourceFile(fileName) {
    return this.program.getSourceFile(fileName);
  }

  // ------------------------------------------------------------ types
  typeOf(node) {
    if (this.types.has(node)) return this.types.get(node);
    let type;
    try {
      type = this.checker.getTypeAtLocation(node);
    } catch {
      type = undefined;
    }
    this.types.set(node, type);
    return type;
  }
  isUntyped(type) {
    return !type || (type.flags & (this.ts.TypeFlags.Any | this.ts.TypeFlags.Unknown)) !== 0;
  }
  /** The type with its primitives' members (a string's, a number's): what property lookups see. */
  apparentOf(type) {
    if (!this.apparent.has(type.id)) this.apparent.set(type.id, this.checker.getApparentType(type));
    return this.apparent.get(type.id);
  }
  /** The property symbol `name` of a type's apparent type (undefined when it has none). */
  propertyOf(type, name) {
    const key = `${type.id}:${name}`;
    if (this.properties.has(key)) return this.properties.get(key);
    let prop;
    try {
      prop = this.checker.getPropertyOfType(this.apparentOf(type), name);
    } catch {
      prop = undefined;
    }
    this.properties.set(key, prop);
    return prop;
  }
  hasProps(type, ...names) {
    if (this.isUntyped(type)) return false;
    return names.every((name) => this.propertyOf(type, name) !== undefined);
  }
  /** The literal value of a boolean/string literal property type, e.g. isPublic: true. */
  literalProp(type, name) {
    const prop = this.hasProps(type, name) ? this.propertyOf(type, name) : undefined;
    if (!prop) return undefined;
    const propType = this.checker.getTypeOfSymbol(prop);
    if (propType.flags & this.ts.TypeFlags.BooleanLiteral) return propType.value === true;
    if (propType.isStringLiteralType()) return propType.value;
    return undefined;
  }
  /** The members of a union type, or the type itself. */
  unionParts(type) {
    return type.isUnionType() ? type.getTypes() : [type];
  }
  /** Table names an Id<"t"> (or a union holding Ids) stands for. */
  tablesOfIdType(type) {
    if (this.isUntyped(type)) return [];
    const tables = [];
    for (const part of this.unionParts(type)) {
      const tag = this.hasProps(part, "__tableName") ? this.propertyOf(part, "__tableName") : undefined;
      if (!tag) continue;
      const tagType = this.checker.getTypeOfSymbol(tag);
      for (const t of this.unionParts(tagType)) if (t.isStringLiteralType()) tables.push(t.value);
    }
    return tables;
  }
  /** The element type of an array-like type (its number index signature), if any. */
  elementType(type) {
    if (this.isUntyped(type)) return undefined;
    const info = this.checker.getIndexInfosOfType(this.apparentOf(type)).find((index) => index.keyType.flags & this.ts.TypeFlags.Number);
    return info?.valueType;
  }
  isDbReceiver(expr) {
    const type = this.typeOf(expr);
    if (!this.isUntyped(type)) return this.hasProps(type, "query", "get", "normalizeId");
    const text = expr.getText();
    return /(^|\.)db$/.test(text);
  }
  /** "action" | "transaction" | null: which kind of ctx an expression is. */
  ctxKind(expr) {
    const type = this.typeOf(expr);
    if (!this.isUntyped(type)) {
      if (this.hasProps(type, "runAction", "vectorSearch")) return "action";
      if (this.hasProps(type, "db")) return "transaction";
      if (this.hasProps(type, "runQuery") || this.hasProps(type, "runAfter")) return "unknown";
      return null;
    }
    return /ctx$/i.test(expr.getText()) ? "unknown" : null;
  }
  stringValue(node) {
    if (!node) return null;
    if (this.ts.isStringLiteralLike(node)) return node.text;
    const type = this.typeOf(node);
    if (type?.isStringLiteralType()) return type.value;
    return null;
  }

  // ------------------------------------------------------------ symbols
  /**
   * Asks the compiler in one request for the symbols of every name the facts
   * of a body look up (callees, functions passed by name): one request each
   * took most of the catalog's time on the reference app.
   */
  prefetchSymbols() {
    const ts = this.ts;
    const wanted = [];
    for (const sf of this.appSourceFiles()) {
      const visit = (node) => {
        if (ts.isCallExpression(node)) {
          wanted.push(node.expression);
          if (ts.isPropertyAccessExpression(node.expression)) wanted.push(node.expression.name);
          for (const arg of node.arguments) if (ts.isIdentifier(arg)) wanted.push(arg);
        } else if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
          wanted.push(node);
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
    const asked = wanted.filter((node) => !this.symbols.has(node));
    let found;
    try {
      found = asked.length ? this.checker.getSymbolAtLocation(asked) : [];
    } catch {
      return;
    }
    asked.forEach((node, i) => this.symbols.set(node, found[i]));
  }
  /** The symbol a name stands for, through an import or re-export. */
  symbolOf(node) {
    let symbol;
    try {
      symbol = this.symbols.has(node) ? this.symbols.get(node) : this.checker.getSymbolAtLocation(node);
      if (symbol && symbol.flags & this.ts.SymbolFlags.Alias) {
        if (!this.aliases.has(symbol.id)) this.aliases.set(symbol.id, this.checker.getAliasedSymbol(symbol));
        symbol = this.aliases.get(symbol.id);
      }
    } catch {
      return undefined;
    }
    return symbol;
  }
  /** The node a symbol is declared by (a handle into a file is resolved only when `wanted(fileName)`). */
  declarationNode(symbol, wanted = () => true) {
    const handle = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
    if (!handle || !wanted(handle.path)) return undefined;
    return handle.resolve(this.project);
  }
  declarationOf(node) {
    if (!this.declarations.has(node)) this.declarations.set(node, this.declarationNode(this.symbolOf(node)));
    return this.declarations.get(node);
  }
  /** declarationOf(node) when it is in the app's own code, without fetching a package's file to find out it is not. */
  appDeclarationOf(node) {
    if (this.declarations.has(node)) {
      const decl = this.declarations.get(node);
      return decl && this.isAppFile(decl.getSourceFile().fileName) ? decl : undefined;
    }
    const symbol = this.symbolOf(node);
    const decl = this.declarationNode(symbol, (fileName) => this.isAppFile(fileName));
    if (decl) this.declarations.set(node, decl);
    return decl;
  }
  /** The source file an import declaration names, as the compiler resolved it (undefined when it did not). */
  importedFile(importDeclaration) {
    const target = this.symbolOf(importDeclaration.moduleSpecifier);
    const handle = target?.valueDeclaration ?? target?.declarations?.[0];
    return handle && this.fileNames().includes(handle.path) ? this.sourceFile(handle.path) : undefined;
  }

  /** The function body a callee expression names, when it is the app's own code. */
  appFunctionOf(node) {
    const ts = this.ts;
    const decl = this.appDeclarationOf(node);
    if (!decl) return undefined;
    if (ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl) || ts.isFunctionExpression(decl) || ts.isArrowFunction(decl)) {
      return decl.body ? decl : undefined;
    }
    if ((ts.isVariableDeclaration(decl) || ts.isPropertyAssignment(decl)) && decl.initializer) {
      const init = skipOuter(ts, decl.initializer);
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
    }
    return undefined;
  }

  // ------------------------------------------------------------ function references
  /** "module:export" and how (api | internal | component) for `api.a.b.c`-like references. */
  functionRef(node) {
    const ts = this.ts;
    if (!node) return null;
    node = skipOuter(ts, node);
    const parts = [];
    let cur = node;
    while (ts.isPropertyAccessExpression(cur) || ts.isElementAccessExpression(cur)) {
      const name = ts.isPropertyAccessExpression(cur) ? cur.name.text : this.stringValue(cur.argumentExpression);
      if (name === null) return null;
      parts.unshift(name);
      cur = cur.expression;
    }
    if (!ts.isIdentifier(cur) || parts.length < 2) {
      if (ts.isCallExpression(node) && /makeFunctionReference$/.test(node.expression.getText())) {
        const target = this.stringValue(node.arguments[0]);
        return target ? { target, via: "reference" } : null;
      }
      return null;
    }
    const root = cur.text;
    const via = root === "api" ? "api" : root === "internal" ? "internal" : root === "components" ? "component" : null;
    if (!via) return null;
    const exportName = parts.pop();
    return { target: `${parts.join("/")}:${exportName}`, via };
  }

  // ------------------------------------------------------------ facts of one body
  /**
   * The facts one function body states by itself, and the app functions it
   * calls. Nested callbacks are part of the body (they run when it runs).
   */
  summarize(fn) {
    const cached = this.summaries.get(fn);
    if (cached) return cached;
    const summary = { facts: [], callees: new Set(), opaqueCtxCalls: [], callNames: new Set(), owner: fn };
    this.summaries.set(fn, summary);
    const ts = this.ts;
    const visit = (node) => {
      if (ts.isCallExpression(node)) this.factsOfCall(node, summary);
      else if (ts.isBinaryExpression(node) && this.comparesWithSecret(node)) summary.facts.push({ type: "auth", how: "secret", node });
      else if (ts.isNewExpression(node) && node.expression.getText() === "Date" && (node.arguments?.length ?? 0) === 0) {
        summary.facts.push({ type: "clock", what: "new Date()", node });
      } else if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
        // A function passed by name (`items.map(toView)`) runs too.
        if (!ts.isCallExpression(node.parent) || node.parent.expression !== node) this.noteCallee(node, summary);
      } else if (ts.isIdentifier(node) && node.parent && ts.isCallExpression(node.parent) && node.parent.arguments.includes(node)) {
        this.noteCallee(node, summary);
      }
      ts.forEachChild(node, visit);
    };
    if (fn.body) visit(fn.body);
    for (const fact of summary.facts) fact.owner = fn;
    return summary;
  }

  /** `x === process.env.SOME_SECRET` (or !==, ==, !=) where x is not a literal: the caller proves a shared secret. */
  comparesWithSecret(node) {
    const ts = this.ts;
    const kind = node.operatorToken.kind;
    const equality = [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken,
      ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken];
    if (!equality.includes(kind)) return false;
    const secretVariable = (side) => {
      const expr = skipOuter(ts, side);
      const name = ts.isPropertyAccessExpression(expr) ? expr.name.text
        : ts.isElementAccessExpression(expr) ? this.stringValue(expr.argumentExpression) : null;
      return name !== null && SECRET_VARIABLE.test(name) && /^process\.env$/.test(expr.expression.getText());
    };
    const literal = (side) => {
      const expr = skipOuter(ts, side);
      return ts.isLiteralExpression(expr) || expr.kind === ts.SyntaxKind.NullKeyword || expr.getText() === "undefined";
    };
    return (secretVariable(node.left) && !literal(node.right)) || (secretVariable(node.right) && !literal(node.left));
  }

  noteCallee(node, summary) {
    const target = this.appFunctionOf(node);
    if (target) summary.callees.add(target);
    return target;
  }

  factsOfCall(call, summary) {
    const ts = this.ts;
    const callee = call.expression;
    const text = callee.getText();
    const calledName = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : null;
    if (calledName) summary.callNames.add(calledName);
    if (ts.isPropertyAccessExpression(callee) && BODY_READERS.has(calledName)) {
      const receiverType = this.typeOf(callee.expression);
      if (this.hasProps(receiverType, "headers", "url", "method") || (this.isUntyped(receiverType) && /^req(uest)?$/i.test(callee.expression.getText()))) {
        summary.facts.push({ type: "bodyRead", what: `${callee.expression.getText()}.${calledName}()`, node: call });
      }
    }
    if (text === "Date.now" || text === "Math.random") summary.facts.push({ type: "clock", what: `${text}()`, node: call });
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const receiver = callee.expression;
      if (method === "getUserIdentity" && /auth$/.test(receiver.getText())) {
        summary.facts.push({ type: "auth", node: call });
        return;
      }
      if (DB_METHODS.has(method) && this.isDbReceiver(receiver)) {
        this.factsOfDbCall(call, method, summary);
        return;
      }
      if (RUN_METHODS.has(method) && this.ctxKind(receiver)) {
        const ref = this.functionRef(call.arguments[0]);
        summary.facts.push({ type: "run", how: method, ref, ctx: this.ctxKind(receiver), node: call });
        return;
      }
      if (SCHEDULER_METHODS.has(method) && /scheduler$/.test(receiver.getText())) {
        summary.facts.push({ type: "run", how: method, ref: this.functionRef(call.arguments[1]), ctx: "scheduler", node: call });
        return;
      }
    }
    const target = this.noteCallee(callee, summary);
    if (!target && call.arguments.some((arg) => ts.isIdentifier(arg) && /ctx$/i.test(arg.text))) {
      // ctx handed to code outside the app (a library): it may check auth, read or write.
      summary.opaqueCtxCalls.push({ name: text, node: call });
    }
  }

  factsOfDbCall(call, method, summary) {
    const args = call.arguments;
    if (method === "query") {
      summary.facts.push({ type: "dbQuery", table: this.stringValue(args[0]), chain: this.queryChain(call), node: call });
      return;
    }
    if (method === "insert") {
      summary.facts.push({ type: "write", op: "insert", table: this.stringValue(args[0]), node: call });
      return;
    }
    // get/patch/replace/delete: convex 1.48 takes (table, id, ...) and still accepts (id, ...).
    const explicitArity = { get: 2, delete: 2, patch: 3, replace: 3 }[method];
    const firstTable = this.stringValue(args[0]);
    const firstType = this.typeOf(args[0]);
    const idTables = this.tablesOfIdType(firstType);
    let explicit;
    if (firstTable !== null && idTables.length === 0) explicit = true;
    else if (idTables.length) explicit = false;
    else explicit = args.length >= explicitArity;
    const table = explicit ? firstTable : (idTables.length === 1 ? idTables[0] : null);
    summary.facts.push({ type: method === "get" ? "read" : "write", op: method, table, explicit, node: call });
  }

  /** The chain hanging off `db.query("t")`: [{name, node}] up to the terminal call. */
  queryChain(queryCall) {
    const ts = this.ts;
    const steps = [];
    let cur = queryCall;
    while (ts.isPropertyAccessExpression(cur.parent) && ts.isCallExpression(cur.parent.parent) && cur.parent.parent.expression === cur.parent) {
      const call = cur.parent.parent;
      steps.push({ name: cur.parent.name.text, node: call });
      cur = call;
    }
    return { steps, end: cur };
  }

  // ------------------------------------------------------------ reachable facts
  /** Every fact reachable from a body, with the app functions on the way (cycles cut). */
  reachable(fn) {
    const facts = [];
    const opaque = [];
    const callNames = new Set();
    const seen = new Set();
    const stack = [fn];
    while (stack.length) {
      const cur = stack.pop();
      if (seen.has(cur)) continue;
      seen.add(cur);
      const summary = this.summarize(cur);
      facts.push(...summary.facts);
      opaque.push(...summary.opaqueCtxCalls);
      for (const name of summary.callNames) callNames.add(name);
      for (const callee of summary.callees) stack.push(callee);
    }
    return { facts, opaque, callNames, bodies: seen };
  }
}

export function skipOuter(ts, node) {
  while (node && (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression?.(node)
    || ts.isNonNullExpression(node) || ts.isAwaitExpression(node) || ts.isTypeAssertionExpression?.(node))) {
    node = node.expression;
  }
  return node;
}

// ================================================================ schema

/** `defineTable(...).index(...)...` chains: the table call and each step. */
function tableChain(ts, expr) {
  const steps = [];
  let cur = skipOuter(ts, expr);
  while (ts.isCallExpression(cur) && ts.isPropertyAccessExpression(cur.expression)) {
    steps.unshift({ name: cur.expression.name.text, node: cur });
    cur = cur.expression.expression;
  }
  if (!ts.isCallExpression(cur) || !/defineTable$/.test(cur.expression.getText())) return null;
  return { define: cur, steps };
}

export function readSchema(model, schemaFile) {
  const ts = model.ts;
  const tables = {};
  const looseTables = [];
  const fieldsOf = (node) => {
    node = skipOuter(ts, node);
    if (node && ts.isArrayLiteralExpression(node)) return node.elements.map((el) => model.stringValue(el));
    return [];
  };
  const tableInfo = (chain, where) => {
    const info = { indexes: [], searchIndexes: [], vectorIndexes: [], ...where, fields: fieldNamesOfTable(model, chain.define) };
    for (const step of chain.steps) {
      const [first, second] = step.node.arguments;
      const name = model.stringValue(first);
      const at = model.where(step.node.expression.name);
      if (step.name === "index") {
        const fields = ts.isObjectLiteralExpression(skipOuter(ts, second ?? first)) ? fieldsOf(propertyOf(ts, skipOuter(ts, second), "fields")) : fieldsOf(second);
        info.indexes.push({ name, fields, ...at });
      } else if (step.name === "searchIndex") {
        const config = skipOuter(ts, second);
        info.searchIndexes.push({ name, searchField: config && ts.isObjectLiteralExpression(config) ? model.stringValue(propertyOf(ts, config, "searchField")) : null, ...at });
      } else if (step.name === "vectorIndex") {
        const config = skipOuter(ts, second);
        info.vectorIndexes.push({ name, vectorField: config && ts.isObjectLiteralExpression(config) ? model.stringValue(propertyOf(ts, config, "vectorField")) : null, ...at });
      }
    }
    return info;
  };
  let opaqueTables = false;
  const schemaSf = schemaFile ? model.sourceFile(schemaFile) : undefined;
  const files = model.appSourceFiles();
  for (const sf of schemaSf && !files.includes(schemaSf) ? [schemaSf, ...files] : files) {
    const visit = (node) => {
      if (ts.isCallExpression(node) && /defineSchema$/.test(node.expression.getText()) && sf.fileName === schemaFile) {
        const arg = skipOuter(ts, node.arguments[0]);
        if (arg && ts.isObjectLiteralExpression(arg)) {
          for (const prop of arg.properties) {
            if (ts.isSpreadAssignment(prop)) {
              opaqueTables = true;
              continue;
            }
            if (!ts.isPropertyAssignment(prop) && !ts.isShorthandPropertyAssignment(prop)) continue;
            const name = prop.name.getText().replace(/^["']|["']$/g, "");
            let init = ts.isPropertyAssignment(prop) ? prop.initializer : prop.name;
            if (ts.isIdentifier(skipOuter(ts, init))) {
              const decl = model.declarationOf(skipOuter(ts, init));
              if (decl && ts.isVariableDeclaration(decl) && decl.initializer) init = decl.initializer;
            }
            const chain = tableChain(ts, init);
            if (chain) tables[name] = tableInfo(chain, model.where(prop.name));
            else opaqueTables = true;
          }
        }
        return;
      }
      if (ts.isVariableDeclaration(node) && node.initializer && sf.fileName !== schemaFile) {
        const chain = tableChain(ts, node.initializer);
        if (chain && chain.steps.length) looseTables.push({ name: node.name.getText(), ...tableInfo(chain, model.where(node.name)) });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { tables, looseTables, opaqueTables, file: schemaFile };
}

function propertyOf(ts, objectLiteral, name) {
  if (!objectLiteral || !ts.isObjectLiteralExpression(objectLiteral)) return undefined;
  for (const prop of objectLiteral.properties) {
    if ((ts.isPropertyAssignment(prop) || ts.isMethodDeclaration(prop) || ts.isShorthandPropertyAssignment(prop)) && prop.name.getText().replace(/^["']|["']$/g, "") === name) {
      if (ts.isPropertyAssignment(prop)) return prop.initializer;
      if (ts.isShorthandPropertyAssignment(prop)) return prop.name;
      return prop;
    }
  }
  return undefined;
}
export { propertyOf };

/** Field name -> validator text (e.g. 'v.id("users")'), from the table's type when it is known. */
function fieldNamesOfTable(model, defineCall) {
  const ts = model.ts;
  const fields = {};
  const type = model.typeOf(defineCall);
  const validator = model.hasProps(type, "validator") ? model.checker.getTypeOfSymbol(model.checker.getPropertyOfType(type, "validator")) : undefined;
  const fieldsProp = validator && model.hasProps(validator, "fields") ? model.checker.getTypeOfSymbol(model.checker.getPropertyOfType(validator, "fields")) : undefined;
  if (fieldsProp) {
    for (const prop of model.checker.getPropertiesOfType(fieldsProp)) {
      const propType = model.checker.getTypeOfSymbol(prop);
      const tableName = model.hasProps(propType, "tableName") ? model.literalProp(propType, "tableName") : undefined;
      fields[prop.name] = tableName ? `id:${tableName}` : "value";
    }
    return fields;
  }
  const arg = skipOuter(ts, defineCall.arguments[0]);
  if (arg && ts.isObjectLiteralExpression(arg)) {
    for (const prop of arg.properties) {
      if (!prop.name) continue;
      const init = ts.isPropertyAssignment(prop) ? prop.initializer.getText() : "";
      const id = /v\.id\(\s*["']([^"']+)["']/.exec(init);
      fields[prop.name.getText()] = id ? `id:${id[1]}` : "value";
    }
  }
  return fields;
}
