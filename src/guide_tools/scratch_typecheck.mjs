// Type-checks the files a reader wrote into a scratch app (guide_tools/scratch.py).
//
//   node scratch_typecheck.mjs TOOLCHAIN_DIR
//
// A long-lived checker: it reads one JSON request a line on stdin,
// {"config": TSCONFIG, "files": [FILE, ...]}, and answers each with one JSON line
// on stdout, an array of {file, line, message} (file relative to the tsconfig's folder).
//
// The program is the named files and everything they import (so the schema's
// types and the helpers they call resolve as in `npx convex dev`), and only the
// named files' diagnostics are reported: type-checking all of a Convex app costs
// many seconds, checking the few modules a reader changed costs a fraction.
// The process stays up between checks because most of a check's cost is loading
// the compiler and parsing and binding the same declaration files (TypeScript's
// libs, convex's types); a parsed file is reused while its text is unchanged, and
// each program is built from the previous one, as an editor's language service does.
import { createRequire } from "node:module";
import path from "node:path";
import { createInterface } from "node:readline";

const [toolchain] = process.argv.slice(2);
const ts = createRequire(path.resolve(toolchain, "package.json"))("typescript");

const parsed = new Map(); // file name -> { text, options, source } of its last parse
let previous; // the last program, for TypeScript to reuse what did not change

function compilerHost(options) {
  const host = ts.createCompilerHost(options);
  const parse = host.getSourceFile.bind(host);
  const optionsKey = JSON.stringify(options);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = ts.sys.readFile(fileName);
    const known = parsed.get(fileName);
    if (known !== undefined && known.text === text && known.options === optionsKey) return known.source;
    const source = parse(fileName, languageVersion, onError, shouldCreate);
    if (source !== undefined) parsed.set(fileName, { text, options: optionsKey, source });
    return source;
  };
  return host;
}

function check(configPath, files) {
  const root = path.dirname(path.resolve(configPath));
  const config = ts.getParsedCommandLineOfConfigFile(path.resolve(configPath), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    },
  });
  const wanted = files.map((file) => path.resolve(root, file));
  const program = ts.createProgram({ rootNames: wanted, options: config.options, host: compilerHost(config.options),
                                     oldProgram: previous });
  previous = program;
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const file of wanted) {
    const source = program.getSourceFile(file);
    if (source === undefined) continue;
    diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
  }
  return diagnostics
    .filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error)
    .map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
      if (diagnostic.file === undefined) return { file: null, line: null, message };
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      return { file: path.relative(root, diagnostic.file.fileName), line: line + 1, message };
    });
}

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (!line.trim()) continue;
  let answer;
  try {
    const { config, files } = JSON.parse(line);
    answer = { errors: check(config, files) };
  } catch (error) {
    answer = { failure: String(error?.stack ?? error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
