// The app's type errors, computed in a worker thread on a compiler process of
// its own while the main thread asks its compiler about types: the two run on
// two cores instead of one after the other. (A compiler process's answers to
// type questions and its full check do not share work: the check runs on
// checkers of its own.)
//
//   new Worker(diagnostics.mjs, { workerData: { config, prepared } }) -> one message:
//   { errors: ["file:line:col: message", ...] } or { failure: "stack" }
import { parentPort, workerData } from "node:worker_threads";
import { diagnosticText, loadTypeScript, openAppProgram } from "./program.mjs";

async function typeErrors({ config, prepared }) {
  const ts = await loadTypeScript(config.toolchain);
  const { api, project, modules } = openAppProgram(ts, config, prepared);
  try {
    const { program } = project;
    // The app's files in the program's own file order, as tsc checks them:
    // checking them in another order can report a type cycle through `api`
    // as an implicit any that tsc does not report. Files the app did not
    // write (a package's .ts sources) are not checked: their errors are not the app's.
    const appFileNames = new Set(modules);
    return program.getSourceFileNames().filter((name) => appFileNames.has(name))
      .flatMap((name) => program.getSemanticDiagnostics(name))
      .filter((d) => d.category === ts.DiagnosticCategory.Error && d.fileName && appFileNames.has(d.fileName))
      .map((d) => diagnosticText(program, config.appRoot, d));
  } finally {
    api.close();
  }
}

typeErrors(workerData)
  .then((errors) => parentPort.postMessage({ errors }))
  .catch((error) => parentPort.postMessage({ failure: String(error?.stack ?? error) }));
