// The script a declaration snapshot is built from (node --build-snapshot; declaration_snapshot.mjs runs it).
//
// Parsing and binding the packages' declaration files (convex, zod, @types/*, TypeScript's lib files:
// ~350 files, ~7 MB on the reference app) is a third of a cold static pass, and the same for every
// pass with the same compiler options. This script loads typescript and the static pass (bundled as
// CommonJS: a snapshot cannot import ES modules), parses and binds the files a previous pass listed,
// and leaves them in the heap V8 serialises; a pass started from the snapshot finds them there
// (program.mjs takes one only while the file on disk has the same text).
//
// Input: $CONVEX_REVIEW_SNAPSHOT_JOB, a JSON file { typescript, bundle, optionsKey, files: [{ file, languageVersion, impliedNodeFormat }] }.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const v8 = require("node:v8");
const vm = require("node:vm");

// A snapshot's builder may only require node's own modules, so files are compiled as CommonJS by hand.
function loadCommonJs(file, requireFn) {
  const module = { exports: {} };
  const wrapper = vm.compileFunction(fs.readFileSync(file, "utf8"), ["exports", "require", "module", "__filename", "__dirname"], { filename: file });
  wrapper(module.exports, requireFn, module, file, path.dirname(file));
  return module.exports;
}

const job = JSON.parse(fs.readFileSync(process.env.CONVEX_REVIEW_SNAPSHOT_JOB, "utf8"));
const ts = loadCommonJs(job.typescript, require);
const pass = loadCommonJs(job.bundle, require);
const options = JSON.parse(job.optionsKey);
const files = new Map();
for (const { file, languageVersion, impliedNodeFormat } of job.files) {
  // ts.sys.readFile as the compiler host reads (a byte-order mark dropped), so the texts compare equal.
  const text = ts.sys.readFile(file);
  if (text === undefined) continue; // gone since the pass that listed it: the next pass parses what is there
  const sourceFile = ts.createSourceFile(file, text, {
    languageVersion, impliedNodeFormat,
    setExternalModuleIndicator: ts.getSetExternalModuleIndicator(options),
    jsDocParsingMode: ts.JSDocParsingMode.ParseForTypeInfo,
  }, true);
  ts.bindSourceFile(sourceFile, options);
  files.set(file, { sourceFile, languageVersion, impliedNodeFormat });
}

v8.startupSnapshot.setDeserializeMainFunction(() => {
  pass.runAsScript({ ts, declarations: { optionsKey: job.optionsKey, files } });
});
