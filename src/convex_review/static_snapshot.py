"""Declaration snapshots: a cold static pass starts with the packages' declaration files already parsed.

About a third of a cold pass (no cached result) is TypeScript loading itself and
parsing and binding the ~350 declaration files of convex, zod, @types/* and its
own lib files, the same work for every app with the same compiler options. After
a pass that had no snapshot (or whose snapshot no longer matched the files), a
background process (static/declaration_snapshot.mjs) builds a V8 startup snapshot
holding typescript and those files parsed and bound; the next pass starts node
from it. A file is taken from the snapshot only while it has the same text on disk
and the program parses it with the same settings (static/program.mjs), so a
snapshot never changes a result, only how long it takes.

Snapshots live in the review cache folder (`$CONVEX_REVIEW_CACHE/snapshots/`),
readable by this user only, and are used only when this user owns them and nobody
else can write to them (a snapshot holds code that runs). One is kept per node
binary, typescript, static-pass code and tsconfig contents, the newest four only.
`CONVEX_REVIEW_SNAPSHOT=0` turns them off (no use, no build).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path

_BUILDER = Path(__file__).resolve().parent / "static" / "declaration_snapshot.mjs"
# Below this share of declaration files from the snapshot, a new one is built.
_REBUILD_BELOW = 0.9


def enabled() -> bool:
    return os.environ.get("CONVEX_REVIEW_SNAPSHOT", "1") != "0"


def _identity(path: Path) -> str:
    try:
        info = path.stat()
    except OSError:
        return f"{path}:absent"
    return f"{path}:{info.st_size}:{info.st_mtime_ns}"


def blob_path(cache_dir: Path, config: dict, analyzer_dir: Path, toolchain: Path) -> Path:
    """Where the snapshot for this app's configuration lives (it may not exist)."""
    node = shutil.which("node") or "node"
    digest = hashlib.sha256()
    parts = [_identity(Path(os.path.realpath(node))), _identity(toolchain / "node_modules" / "typescript" / "lib" / "typescript.js")]
    parts += [path.name + "\0" + path.read_bytes().hex() for path in sorted(analyzer_dir.glob("*.*js"))]
    for folder in (Path(config["functionsDir"]), Path(config["appRoot"])):
        tsconfig = folder / "tsconfig.json"
        parts.append(tsconfig.read_bytes().hex() if tsconfig.is_file() else "no tsconfig")
    for part in parts:
        digest.update(part.encode() + b"\n")
    return cache_dir / "snapshots" / f"{digest.hexdigest()[:32]}.blob"


def usable(blob: Path) -> bool:
    """Whether `blob` exists and is safe to run: owned by this user, writable by nobody else."""
    try:
        folder, info = blob.parent.stat(), blob.stat()
    except OSError:
        return False
    uid = os.getuid() if hasattr(os, "getuid") else None
    private = not (folder.st_mode & (stat.S_IWGRP | stat.S_IWOTH)) and not (info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))
    return private and (uid is None or (folder.st_uid == uid and info.st_uid == uid))


def refresh_if_needed(blob: Path, toolchain: Path, declarations: dict) -> bool:
    """Start a background build of `blob` when the pass took too few files from a snapshot; True if started."""
    files = declarations.get("files") or []
    if not enabled() or not files or declarations.get("fromSnapshot", 0) >= _REBUILD_BELOW * len(files):
        return False
    blob.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(blob.parent, 0o700)
    # Apps sharing a snapshot may read different packages: the new one holds both lists, so two
    # such apps reviewed in turn do not rebuild it each time.
    listing = blob.with_suffix(".files.json")
    try:
        previous = json.loads(listing.read_text())
    except (OSError, ValueError):
        previous = {}
    if previous.get("optionsKey") == declarations["optionsKey"]:
        listed_now = {entry["file"] for entry in files}
        files = [*(entry for entry in previous.get("files", [])
                   if entry["file"] not in listed_now and os.path.exists(entry["file"])), *files]
    listing.write_text(json.dumps({"optionsKey": declarations["optionsKey"], "files": files}))
    job = {"toolchain": str(toolchain), "blob": str(blob),
           "declarations": {"optionsKey": declarations["optionsKey"], "files": files}}
    # A file, not an argument: the list of declaration files can outgrow a command line.
    descriptor, job_file = tempfile.mkstemp(prefix="job-", suffix=".json", dir=blob.parent)
    with os.fdopen(descriptor, "w") as out:
        json.dump(job, out)
    # The builder detaches a copy of itself and returns: the review does not wait for the build.
    try:
        subprocess.run(["node", str(_BUILDER), job_file], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, cwd=blob.parent, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return False  # no snapshot: the next pass is as slow as this one, and as right
    return True


def wait_for_builds(cache_dir: Path, seconds: float = 600) -> None:
    """Return once no snapshot is being built in `cache_dir` (or after `seconds`): for `make bench` and tests."""
    deadline = time.monotonic() + seconds
    while list((cache_dir / "snapshots").glob("*.lock")) and time.monotonic() < deadline:
        time.sleep(0.5)
