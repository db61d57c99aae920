"""pymdownx.snippets includes, inlined the way the extension does it.

A page that includes another Markdown file (``--8<-- "includes/setup.md"``)
gets that file's headings, and so its anchors. To know them, the page's text is
expanded first -- included files (whole, a named ``[start:name]`` section, or a
``:start:end`` line range) replace the include lines, at the include's
indentation, recursively up to a fixed depth -- and the anchors are read from
the result. Links are still read from the page as written, so their line
numbers stay those of the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

_INLINE = re.compile(r"""^(?P<indent>[ \t]*)(?P<esc>;?)-{1,}8<-{1,}[ \t]+(?P<q>["'])(?P<name>[^"']+)(?P=q)[ \t]*$""")
_BLOCK = re.compile(r"^(?P<indent>[ \t]*)-{1,}8<-{1,}[ \t]*$")
_SECTION_MARK = re.compile(r"-{1,}8<-{1,}[ \t]*\[(?:start|end):[\w-]+\]")
_LINES = re.compile(r"^(?P<file>.+?)((?::-?\d*){1,2})$")
_NAMED = re.compile(r"^(?P<file>.+?):(?P<section>[A-Za-z_][\w-]*)$")

#: pymdownx.snippets has no depth limit but refuses a file that includes itself;
#: a fixed depth covers both and keeps a pathological chain cheap
MAX_DEPTH = 4


def _locate(name: str, bases: Sequence[Path]) -> tuple[Path, str | None, tuple[int, int] | None] | None:
    """The file an include names, plus the section or line range it asks for."""

    candidates: list[tuple[str, str | None, tuple[int, int] | None]] = [(name, None, None)]
    named = _NAMED.match(name)
    if named:
        candidates.append((named.group("file"), named.group("section"), None))
    ranged = _LINES.match(name)
    if ranged:
        numbers = [int(n) if n not in ("", "-") else 0 for n in ranged.group(2).split(":")[1:]]
        start = numbers[0] if numbers else 0
        end = numbers[1] if len(numbers) > 1 else 0
        candidates.append((ranged.group("file"), None, (start, end)))
    for file_name, section, lines in candidates:
        for base in bases:
            path = base / file_name
            if path.is_file():
                return path, section, lines
    return None


def _content(path: Path, section: str | None, lines: tuple[int, int] | None) -> list[str]:
    text = path.read_text(encoding="utf-8-sig", errors="replace").split("\n")
    if section is not None:
        start_mark = re.compile(r"-{1,}8<-{1,}[ \t]*\[start:%s\]" % re.escape(section))
        end_mark = re.compile(r"-{1,}8<-{1,}[ \t]*\[end:%s\]" % re.escape(section))
        begin = next((i for i, line in enumerate(text) if start_mark.search(line)), None)
        if begin is None:
            return []
        finish = next((i for i in range(begin + 1, len(text)) if end_mark.search(text[i])), len(text))
        text = text[begin + 1:finish]
    elif lines is not None:
        start, end = lines
        first = max(start - 1, 0) if start > 0 else 0
        text = text[first:end] if end > 0 else text[first:]
    return [line for line in text if not _SECTION_MARK.search(line)]


def expand_includes(text: str, bases: Sequence[Path], depth: int = 0) -> str:
    """``text`` with every resolvable Markdown include replaced by its content."""

    out: list[str] = []
    in_block: str | None = None  # indentation of an open --8<-- block
    for line in text.split("\n"):
        block = _BLOCK.match(line)
        if block:
            in_block = None if in_block is not None else block.group("indent")
            continue
        if in_block is not None:
            name = line.strip()
            if name and not name.startswith(";"):
                out.extend(_included(name, in_block, bases, depth))
            continue
        inline = _INLINE.match(line)
        if inline and not inline.group("esc"):
            out.extend(_included(inline.group("name"), inline.group("indent"), bases, depth))
            continue
        out.append(line)
    return "\n".join(out)


def _included(name: str, indent: str, bases: Sequence[Path], depth: int) -> list[str]:
    if depth >= MAX_DEPTH or re.match(r"^[a-z]+://", name):
        return []
    found = _locate(name, bases)
    if found is None:
        return []
    path, section, lines = found
    try:
        body = _content(path, section, lines)
    except OSError:
        return []  # the include itself is reported by the link check
    expanded = expand_includes("\n".join(body), bases, depth + 1).split("\n")
    return [indent + line if line else line for line in expanded]
