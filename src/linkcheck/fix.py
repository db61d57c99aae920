"""``--fix``: point permanently moved links at their new address, in place.

Only the reported line is edited, only where the old URL stands as a whole
URL (not as the prefix of a longer one), and notebooks are edited as the JSON
text they are, so a fix never reformats a file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .model import Result, Status

_URL_CHAR_AFTER = r"(?![A-Za-z0-9/#?%&=~+_\-@$*]|\.[A-Za-z0-9/])"
_URL_CHAR_BEFORE = r"(?<![A-Za-z0-9+.\-])"


@dataclass
class FixSummary:
    rewritten: int = 0
    files: set[str] = field(default_factory=set)
    missed: list[str] = field(default_factory=list)  # places where the URL was not found verbatim


def apply_fixes(results: list[Result], root: Path) -> FixSummary:
    summary = FixSummary()
    edits: dict[str, list[tuple[int, str, str]]] = {}
    for result in results:
        if result.status is not Status.REDIRECTED or not result.final_url or result.internal:
            continue
        for source in result.sources:
            edits.setdefault(source.path, []).append((source.line, result.url, result.final_url))
    for shown, changes in sorted(edits.items()):
        path = (root / shown) if not Path(shown).is_absolute() else Path(shown)
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        lines = text.splitlines(keepends=True)
        is_json = path.suffix.lower() == ".ipynb"
        changed = False
        for line_no, old, new in changes:
            idx = line_no - 1
            if not 0 <= idx < len(lines):
                summary.missed.append(f"{shown}:{line_no}")
                continue
            replacement = json.dumps(new)[1:-1] if is_json else new
            pattern = re.compile(_URL_CHAR_BEFORE + re.escape(old) + _URL_CHAR_AFTER)
            updated, count = pattern.subn(lambda _m: replacement, lines[idx])
            if count:
                lines[idx] = updated
                summary.rewritten += count
                changed = True
            else:
                summary.missed.append(f"{shown}:{line_no}")
        if changed:
            path.write_bytes("".join(lines).encode("utf-8"))
            summary.files.add(shown)
    return summary
