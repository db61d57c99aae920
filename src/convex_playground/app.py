"""Where a Convex app's functions live, as the Convex CLI decides it.

`Playground(path)` accepts either an app's root folder or its functions folder:

* a root with `convex.json`: the functions folder is its `"functions"` entry
  (default `convex/`), as `npx convex dev` reads it;
* a root without `convex.json`: its `convex/` subfolder;
* the functions folder itself: a folder holding `schema.ts`, `_generated/`,
  `convex.config.ts` or modules that define functions. Its parent is the root,
  where `convex.json` and `package.json` are looked for.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import PlaygroundError

_CODE_FILE = re.compile(r"^[^.]+\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$")
# A module that builds Convex functions imports them from _generated/server or convex/server.
_DEFINES_FUNCTIONS = re.compile(r"""from\s+["'](\.{1,2}/)*_generated/server(\.js)?["']|from\s+["']convex/server["']""")
_FUNCTIONS_FOLDER_MARKERS = ("schema.ts", "schema.js", "convex.config.ts", "convex.config.js", "_generated")


@dataclass(frozen=True)
class AppLayout:
    root: Path  # where convex.json and package.json live
    functions_dir: Path  # the folder the CLI bundles (convex/ unless convex.json says otherwise)

    @property
    def name(self) -> str:
        return self.root.name


def _configured_functions_dir(root: Path) -> Path | None:
    config_path = root / "convex.json"
    if not config_path.is_file():
        return None
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PlaygroundError(f"{config_path}: not valid JSON ({error})") from None
    functions = config.get("functions", "convex/") if isinstance(config, dict) else None
    if not isinstance(functions, str) or not functions:
        raise PlaygroundError(f'{config_path}: "functions" must be a folder path, got {functions!r}')
    return (root / functions).resolve()


def _looks_like_functions_folder(folder: Path) -> bool:
    if any((folder / marker).exists() for marker in _FUNCTIONS_FOLDER_MARKERS):
        return True
    for entry in folder.iterdir():
        if entry.is_file() and _CODE_FILE.match(entry.name):
            try:
                if _DEFINES_FUNCTIONS.search(entry.read_text(encoding="utf-8", errors="replace")):
                    return True
            except OSError:
                continue
    return False


def resolve_app(path: str | Path) -> AppLayout:
    """The app's root and functions folder for a path to either of them."""
    folder = Path(path).resolve()
    if not folder.is_dir():
        raise PlaygroundError(f"{folder} is not a folder: give the app's root folder or its convex/ folder")
    configured = _configured_functions_dir(folder)
    if configured is not None:
        if not configured.is_dir():
            raise PlaygroundError(f"{folder / 'convex.json'} says the functions are in {configured}, "
                                  "which is not a folder")
        return AppLayout(root=folder, functions_dir=configured)
    if (folder / "convex").is_dir():
        return AppLayout(root=folder, functions_dir=folder / "convex")
    if _looks_like_functions_folder(folder):
        # The root is the nearest folder above whose convex.json names this folder, else the parent.
        for above in folder.parents:
            if (above / "convex.json").is_file() and _configured_functions_dir(above) == folder:
                return AppLayout(root=above, functions_dir=folder)
        return AppLayout(root=folder.parent, functions_dir=folder)
    raise PlaygroundError(
        f"{folder} is not a Convex app folder: it has no convex/ subfolder, no convex.json naming its "
        "functions folder, and it is not a functions folder itself (no schema.ts, _generated/ or "
        "modules importing convex/server)")
