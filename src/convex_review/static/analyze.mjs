#!/usr/bin/env node
// The reviewer's static pass, run once per review by static_pass.py.
//
//   node analyze.mjs '<json config>'
//
// config: { appRoot, functionsDir, cacheDir, toolchain, codegenScript, rules: [ids] | null }
// stdout: one JSON object { typechecked, warnings, schema, functions, httpRoutes, crons,
//         components, findings, inputs } (findings without category/severity/docs: the Python side
//         adds those from its rule catalogue; inputs: the files the program read). Exit 2 with { error } for input the pass
//         cannot read (a syntax error, names the file and line); exit 4 with { error } when the
//         pass cannot run on this machine as installed (the TypeScript compiler binary is missing).
import { existsSync } from "node:fs";
import path from "node:path";
import { AppModel, readSchema } from "./catalog.mjs";
import { readComponents, readCrons, readFunctions, readHttpRoutes } from "./functions.mjs";
import { runRules } from "./rules.mjs";
import { Worker } from "node:worker_threads";
import { SetupError, diagnosticText, loadTypeScript, openAppProgram, prepareApp } from "./program.mjs";

function fail(message) {
  process.stdout.write(JSON.stringify({ error: message }));
  process.exit(2);
}

async function main() {
  const config = JSON.parse(process.argv[2]);
  const { appRoot } = config;
  const ts = await loadTypeScript(config.toolchain);
  const prepared = prepareApp(config);
  // The type check runs beside everything else, on the same modules and
  // _generated files (plain data, copied to the worker).
  const typeErrors = checkInWorker(config, prepared);
  const { api, project, modules, warnings, generatedDir } = openAppProgram(ts, config, prepared);
  try {
    const { program } = project;
    // A file that does not parse is bad input, reported before anything is checked.
    for (const file of modules) {
      const syntaxErrors = program.getSyntacticDiagnostics(file);
      if (syntaxErrors.length) fail(`${diagnosticText(program, appRoot, syntaxErrors[0])} (syntax error: the app cannot be reviewed until it parses)`);
    }
    const programWarnings = warnings.length;
    const result = analyze(ts, project, { config, modules, warnings, generatedDir });
    const errors = await typeErrors;
    result.typechecked = errors.length === 0;
    if (!result.typechecked) {
      const shown = errors.slice(0, 3).join("; ");
      result.warnings.splice(programWarnings, 0, `the app does not type-check (${errors.length} error${errors.length === 1 ? "" : "s"}: ${shown}${errors.length > 3 ? "; ..." : ""}); `
        + "where a type is missing the static pass falls back to the code's syntax, so some findings may be missed or less certain");
    }
    process.stdout.write(JSON.stringify(result));
  } finally {
    api.close();
  }
}

function checkInWorker(config, prepared) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./diagnostics.mjs", import.meta.url), { workerData: { config, prepared } });
    worker.once("message", (message) => (message.failure ? reject(new Error(`type check: ${message.failure}`)) : resolve(message.errors)));
    worker.once("error", reject);
  });
}

function analyze(ts, project, { config, modules, warnings, generatedDir }) {
  const { appRoot, functionsDir } = config;
  const model = new AppModel(ts, project, { appRoot, functionsDir });
  model.prefetchSymbols();
  const schemaFile = findSchemaFile(model.fileNames(), functionsDir);
  const schema = readSchema(model, schemaFile);
  if (schema.opaqueTables) warnings.push("some schema tables are built in a way the static pass cannot read (a spread or a helper); index rules ignore them");
  const functions = readFunctions(model);
  const byDecl = new Map(functions.map((fn) => [fn.decl, fn]));
  const httpRoutes = readHttpRoutes(model, byDecl);
  const crons = readCrons(model);
  const components = readComponents(model);

  const findings = runRules(model, { schema, functions, httpRoutes, crons, rules: config.rules ? new Set(config.rules) : null });
  return {
    typechecked: null, // main() fills it in from the worker's check
    warnings: [...warnings, ...model.warnings],
    schema: { tables: Object.fromEntries(Object.entries(schema.tables).map(([name, table]) => [name, withoutFields(table)])) },
    functions: functions.map((fn) => catalogEntry(fn)),
    httpRoutes: httpRoutes.map(({ handlerNode, ...route }) => route),
    crons: crons.map(({ node, ...cron }) => cron),
    components,
    findings,
    inputs: programInputs(model.fileNames(), functionsDir, generatedDir),
  };
}

/**
 * The functions folder's schema.ts; for a folder of modules that borrow
 * another app's `_generated` (the guide's antipatterns/ import ../convex/),
 * the schema beside that `_generated`.
 */
function findSchemaFile(programFiles, functionsDir) {
  const own = ["schema.ts", "schema.js"].map((name) => path.join(functionsDir, name)).find((file) => existsSync(file));
  if (own) return own;
  const fileNames = new Set(programFiles);
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
function programInputs(programFiles, functionsDir, generatedDir) {
  const shownGenerated = path.join(functionsDir, "_generated");
  return programFiles.map((fileName) => (generatedDir && path.dirname(fileName) === shownGenerated
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
  if (error instanceof SetupError) {
    process.stdout.write(JSON.stringify({ error: error.message }));
    process.exit(4);
  }
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
