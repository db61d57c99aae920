"""Read a named section of a snippet file, as pymdownx.snippets does for the site.

Sections are marked in the source with `// --8<-- [start:NAME]` and
`// --8<-- [end:NAME]`; notebooks show the same code the pages include.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SNIPPETS = REPO / "snippets"
_MARKER = re.compile(r"^\s*(?://|#)\s*--8<--\s*\[(start|end):([\w-]+)\]\s*$")


class SnippetError(LookupError):
    pass


def read_section(relative_path: str, section: str | None = None) -> str:
    """The text of `section` in snippets/`relative_path` (the whole file if None), without markers."""
    path = SNIPPETS / relative_path
    if not path.is_file():
        raise SnippetError(f"snippets/{relative_path}: no such file")
    lines = path.read_text(encoding="utf-8").splitlines()
    if section is None:
        return "\n".join(line for line in lines if not _MARKER.match(line)).strip("\n") + "\n"
    inside, found, kept = False, False, []
    for number, line in enumerate(lines, start=1):
        marker = _MARKER.match(line)
        if marker:
            kind, name = marker.groups()
            if name == section:
                if kind == "start":
                    inside, found = True, True
                elif inside:
                    return textwrap.dedent("\n".join(kept)).strip("\n") + "\n"
            continue
        if inside:
            kept.append(line)
    if found:
        raise SnippetError(f"snippets/{relative_path}: section '{section}' has no end marker")
    names = sorted({m.group(2) for m in map(_MARKER.match, lines) if m})
    raise SnippetError(f"snippets/{relative_path}: no section '{section}' (sections: {', '.join(names) or 'none'})")
