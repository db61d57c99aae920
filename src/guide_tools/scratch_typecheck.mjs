// Type-checks the files a reader wrote into a scratch app (guide_tools/scratch.py).
//
//   node scratch_typecheck.mjs TOOLCHAIN_DIR TSCONFIG FILE...
//
// The program is the named files and everything they import (so the schema's
// types and the helpers they call resolve as in `npx convex dev`), and only the
// named files' diagnostics are reported: type-checking all of a Convex app costs
// many seconds, checking the few modules a reader changed costs a fraction.
// Prints one JSON array of {file, line, message} (file relative to the tsconfig's folder).
import { createRequire } from "node:module";
import path from "node:path";

const [toolchain, configPath, ...files] = process.argv.slice(2);
const ts = createRequire(path.resolve(toolchain, "package.json"))("typescript");

const root = path.dirname(path.resolve(configPath));
const config = ts.getParsedCommandLineOfConfigFile(path.resolve(configPath), {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
    throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
  },
});
const wanted = files.map((file) => path.resolve(root, file));
const program = ts.createProgram({ rootNames: wanted, options: config.options });
const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
for (const file of wanted) {
  const source = program.getSourceFile(file);
  if (source === undefined) continue;
  diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
}
const found = diagnostics
  .filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error)
  .map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    if (diagnostic.file === undefined) return { file: null, line: null, message };
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    return { file: path.relative(root, diagnostic.file.fileName), line: line + 1, message };
  });
process.stdout.write(JSON.stringify(found));
