#!/usr/bin/env node
// Builds a declaration snapshot for the static pass; static_snapshot.py starts it in the background
// after a pass that had none (or an outdated one) for its app's compiler options.
//
//   node declaration_snapshot.mjs JOB_FILE
//
// It starts a detached copy of itself and returns at once, so the build is no child of the review
// (a review neither waits for it nor counts its CPU time).
// JOB_FILE: JSON { toolchain, blob, declarations: { optionsKey, files } } (declarations: what
// analyze.mjs reported), deleted when the build ends. Bundles analyze.mjs and its modules as CommonJS with the toolchain's esbuild, then runs
// `node --build-snapshot snapshot_entry.cjs` and moves the result to `blob`, readable by this user
// only (a snapshot holds code that runs). One build at a time per blob (a lock file beside it): a
// second one started while the first runs exits at once. Keeps the newest few snapshots and deletes older ones.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const KEEP = 4; // snapshots kept, one per tsconfig (each ~50-80 MB): the reference app, flawed app, anti-patterns, fixtures
const STALE_LOCK_MS = 10 * 60 * 1000;

function takeLock(lock) {
  try {
    closeSync(openSync(lock, "wx", 0o600));
    return true;
  } catch {
    try {
      if (Date.now() - statSync(lock).mtimeMs < STALE_LOCK_MS) return false;
      rmSync(lock, { force: true }); // a build that died without cleaning up
      closeSync(openSync(lock, "wx", 0o600));
      return true;
    } catch {
      return false;
    }
  }
}

function keepNewest(folder) {
  const blobs = readdirSync(folder).filter((name) => name.endsWith(".blob"))
    .map((name) => ({ file: path.join(folder, name), time: statSync(path.join(folder, name)).mtimeMs }))
    .sort((a, b) => b.time - a.time);
  for (const { file } of blobs.slice(KEEP)) {
    rmSync(file, { force: true });
    rmSync(file.replace(/\.blob$/, ".files.json"), { force: true }); // the list static_snapshot.py keeps beside it
  }
}

function build({ toolchain, blob, declarations }) {
  const folder = path.dirname(blob);
  const work = mkdtempSync(path.join(folder, "build-"));
  try {
    const requireFromToolchain = createRequire(path.join(toolchain, "package.json"));
    const bundle = path.join(work, "analyze.cjs");
    requireFromToolchain("esbuild").buildSync({
      entryPoints: [path.join(HERE, "analyze.mjs")], bundle: true, platform: "node", format: "cjs",
      target: `node${process.versions.node.split(".")[0]}`, outfile: bundle, logLevel: "error",
    });
    const job = path.join(work, "job.json");
    writeFileSync(job, JSON.stringify({ typescript: requireFromToolchain.resolve("typescript"), bundle, ...declarations }));
    const built = path.join(work, "snapshot.blob");
    const run = spawnSync(process.execPath, ["--no-warnings", "--snapshot-blob", built, "--build-snapshot", path.join(HERE, "snapshot_entry.cjs")], {
      env: { ...process.env, CONVEX_REVIEW_SNAPSHOT_JOB: job, NODE_OPTIONS: "--max-old-space-size=4096" }, encoding: "utf8",
    });
    if (run.status !== 0) throw new Error(`building the snapshot failed: ${(run.stderr || run.stdout).trim()}`);
    chmodSync(built, 0o600);
    renameSync(built, blob);
    keepNewest(folder);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const jobFile = process.argv[2];
const job = JSON.parse(readFileSync(jobFile, "utf8"));
const lock = `${job.blob}.lock`;
if (process.argv[3] !== "--detached") {
  // The lock is taken before returning, so a caller that waits for builds to end sees this one.
  if (takeLock(lock)) spawn(process.execPath, [fileURLToPath(import.meta.url), jobFile, "--detached"], { detached: true, stdio: "ignore" }).unref();
  else rmSync(jobFile, { force: true });
} else {
  try {
    build(job);
  } finally {
    rmSync(lock, { force: true });
    rmSync(jobFile, { force: true });
  }
}
