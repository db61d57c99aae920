#!/usr/bin/env node
// The reviewer's static pass, run once per review by static_pass.py.
//
//   node analyze.mjs '<json config>'
//
// config: { appRoot, functionsDir, cacheDir, toolchain, codegenScript, rules: [ids] | null }
// stdout: one JSON object { typechecked, warnings, schema, functions, httpRoutes, crons,
//         components, findings, inputs } (findings without category/severity/docs: the Python side
//         adds those from its rule catalogue; inputs: the files the program read). Exit 2 with { error } for input the pass
//         cannot read (a syntax error, names the file and line).
import { existsSync } from "node:fs";
import path from "node:path";
import { AppModel, readSchema } from "./catalog.mjs";
import { readComponents, readCrons, readFunctions, readHttpRoutes } from "./functions.mjs";
import { runRules } from "./rules.mjs";
import { flattenDiagnosticText, loadTypeScript, openAppProgram } from "./program.mjs";

function fail(message) {
  process.stdout.write(JSON.stringify({ error: message }));
  process.exit(2);
}

function diagnosticText(program, appRoot, diagnostic) {
  const message = flattenDiagnosticText(diagnostic);
  const file = diagnostic.fileName && program.getSourceFile(diagnostic.fileName);
  if (!file) return message;
  const { line, character } = file.getLineAndCharacterOfPosition(diagnostic.pos ?? 0);
  return `${path.relative(appRoot, diagnostic.fileName).split(path.sep).join("/")}:${line + 1}:${character + 1}: ${message}`;
}

async function main() {
  const config = JSON.parse(process.argv[2]);
  const { appRoot } = config;
  const ts = await loadTypeScript(config.toolchain);
  const { api, project, modules, warnings, generatedDir } = openAppProgram(ts, config);
  try {
    const { program } = project;
    // A file that does not parse is bad input, reported before anything is checked.
    for (const file of modules) {
      const syntaxErrors = program.getSyntacticDiagnostics(file);
      if (syntaxErrors.length) fail(`${diagnosticText(program, appRoot, syntaxErrors[0])} (syntax error: the app cannot be reviewed until it parses)`);
    }
    process.stdout.write(JSON.stringify(analyze(ts, project, { config, modules, warnings, generatedDir })));
  } finally {
    api.close();
  }
}

function analyze(ts, project, { config, modules, warnings, generatedDir }) {
  const { appRoot, functionsDir } = config;
  const { program } = project;
  // The app's files in the program's own file order, as tsc checks them:
  // checking them in another order can report a type cycle through `api` as
  // an implicit any that tsc does not report. Files the app did not write
  // (a package's .ts sources, which a package's .d.ts can import) are not
  // checked: their errors are not the app's.
  const appFileNames = new Set(modules);
  const ordered = program.getSourceFileNames().filter((name) => appFileNames.has(name));
  const typeErrors = ordered.flatMap((name) => program.getSemanticDiagnostics(name))
    .filter((d) => d.category === ts.DiagnosticCategory.Error && d.fileName && appFileNames.has(d.fileName));
  const typechecked = typeErrors.length === 0;
  if (!typechecked) {
    const shown = typeErrors.slice(0, 3).map((d) => diagnosticText(program, appRoot, d)).join("; ");
    warnings.push(`the app does not type-check (${typeErrors.length} error${typeErrors.length === 1 ? "" : "s"}: ${shown}${typeErrors.length > 3 ? "; ..." : ""}); `
      + "where a type is missing the static pass falls back to the code's syntax, so some findings may be missed or less certain");
  }

  const model = new AppModel(ts, project, { appRoot, functionsDir, modules: ordered });
  const schemaFile = findSchemaFile(program, functionsDir);
  const schema = readSchema(model, schemaFile);
  if (schema.opaqueTables) warnings.push("some schema tables are built in a way the static pass cannot read (a spread or a helper); index rules ignore them");
  const functions = readFunctions(model);
  const byDecl = new Map(functions.map((fn) => [fn.decl, fn]));
  const httpRoutes = readHttpRoutes(model, byDecl);
  const crons = readCrons(model);
  const components = readComponents(model);

  const findings = runRules(model, { schema, functions, httpRoutes, crons, rules: config.rules ? new Set(config.rules) : null });
  return {
    typechecked,
    warnings: [...warnings, ...model.warnings],
    schema: { tables: Object.fromEntries(Object.entries(schema.tables).map(([name, table]) => [name, withoutFields(table)])) },
    functions: functions.map((fn) => catalogEntry(fn)),
    httpRoutes: httpRoutes.map(({ handlerNode, ...route }) => route),
    crons: crons.map(({ node, ...cron }) => cron),
    components,
    findings,
    inputs: programInputs(program, functionsDir, generatedDir),
  };
}

/**
 * The functions folder's schema.ts; for a folder of modules that borrow
 * another app's `_generated` (the guide's antipatterns/ import ../convex/),
 * the schema beside that `_generated`.
 */
function findSchemaFile(program, functionsDir) {
  const own = ["schema.ts", "schema.js"].map((name) => path.join(functionsDir, name)).find((file) => existsSync(file));
  if (own) return own;
  const fileNames = new Set(program.getSourceFileNames());
  for (const fileName of fileNames) {
    if (fileName.includes("node_modules") || !/[\\/]_generated[\\/]dataModel\.d\.ts$/.test(fileName)) continue;
    const candidate = ["schema.ts", "schema.js"].map((name) => path.join(path.dirname(path.dirname(fileName)), name)).find((file) => existsSync(file));
    if (candidate && fileNames.has(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Every file the program read, as it is on disk (a `_generated` file shown to
 * the compiler inside the app is read from the codegen cache): static_pass.py
 * keys its result cache on their contents.
 */
function programInputs(program, functionsDir, generatedDir) {
  const shownGenerated = path.join(functionsDir, "_generated");
  return program.getSourceFileNames().map((fileName) => (generatedDir && path.dirname(fileName) === shownGenerated
    ? path.join(generatedDir, path.basename(fileName)) : fileName));
}

function withoutFields({ fields, ...table }) {
  return table;
}

function catalogEntry(fn) {
  return {
    name: fn.name, file: fn.file, line: fn.line, kind: fn.kind, visibility: fn.visibility, builder: fn.builder,
    hasArgsValidator: fn.hasArgsValidator, hasReturnsValidator: fn.hasReturnsValidator, args: fn.args,
    checksAuth: fn.checksAuth, tablesRead: fn.tablesRead, tablesWritten: fn.tablesWritten,
    indexesUsed: fn.indexesUsed, calls: fn.calls, runtime: fn.runtime,
  };
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
