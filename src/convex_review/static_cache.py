"""A cache of static-pass results, so a second review of an unchanged app skips TypeScript.

The static pass spends nearly all its time in the TypeScript checker (seconds
on a real app), and its result depends only on files: the app's modules, the
packages' type declarations, the tsconfig, the pass's own code. A result is
stored under an address made of what names the program before it is built
(the pass's code, the typescript version, the rules asked for, the modules'
names, the tsconfig files, the node_modules folders' listing times), together
with the list of every file the program read and a digest of their contents;
it is used again only while that digest still matches. Entries live in the
cache folder static_pass.py already keeps outside the app (never in the app
folder) and are written atomically, so parallel reviews share them safely.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

_FORMAT = "1"  # bump when an entry's layout changes


def _file_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"\0missing"


def _listing_time(path: Path) -> str:
    try:
        return str(path.stat().st_mtime_ns)
    except OSError:
        return "absent"


def _module_names(functions_dir: Path) -> list[str]:
    names = []
    for folder, subfolders, files in os.walk(functions_dir):
        subfolders[:] = sorted(d for d in subfolders if d != "node_modules" and not d.startswith("."))
        names += sorted(str(Path(folder, name).relative_to(functions_dir)) for name in files)
    return names


def address(config: dict, analyzer_dir: Path, toolchain: Path) -> str:
    """Where a result for this app and configuration is stored (the contents check comes on reading)."""
    app_root, functions_dir = Path(config["appRoot"]), Path(config["functionsDir"])
    digest = hashlib.sha256(_FORMAT.encode())
    parts = [json.dumps({k: config[k] for k in ("appRoot", "functionsDir", "rules")}, sort_keys=True)]
    parts += [path.name + "\0" + _file_bytes(path).hex() for path in sorted(analyzer_dir.glob("*.mjs"))]
    parts.append(_file_bytes(toolchain / "node_modules" / "typescript-native" / "package.json").hex())
    parts += _module_names(functions_dir)
    for folder in (functions_dir, app_root):
        parts.append(_file_bytes(folder / "tsconfig.json").hex())
    # A package installed or removed changes which files resolve, not only their contents.
    for folder in (app_root, toolchain):
        parts += [_listing_time(folder / "node_modules"), _listing_time(folder / "node_modules" / "@types")]
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\n")
    return digest.hexdigest()[:32]


def _contents_digest(inputs: list[str]) -> str:
    digest = hashlib.sha256()
    for name in inputs:
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256(_file_bytes(Path(name))).digest())
    return digest.hexdigest()


def load(cache_dir: Path, key: str) -> dict | None:
    """The stored result for `key`, if every file it was computed from is unchanged."""
    try:
        entry = json.loads((cache_dir / "results" / f"{key}.json").read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("digest") != _contents_digest(entry.get("inputs") or []):
        return None
    return entry["result"]


def store(cache_dir: Path, key: str, inputs: list[str], result: dict) -> None:
    folder = cache_dir / "results"
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f"{key}.json.tmp-{os.getpid()}"
    temporary.write_text(json.dumps({"inputs": inputs, "digest": _contents_digest(inputs), "result": result}))
    os.replace(temporary, folder / f"{key}.json")
