"""URLs in source-code comments.

A snippet's comment (``// see https://docs.convex.dev/...``) is a reference a
reader follows, so it is checked; a URL in a string literal is program data
(an endpoint, a placeholder) and is not. Each language family gets a small
lexer that knows its comment and string syntax well enough to tell them apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

#: file suffix -> comment style
C_LIKE = {".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".css", ".scss", ".java", ".go", ".rs", ".c", ".h", ".cpp", ".swift", ".kt"}
HASH = {".py", ".sh", ".bash", ".zsh", ".rb", ".toml", ".cfg", ".ini", ".env", ".r", ".pl"}

_URL = re.compile(r"""(?:https?|ftp)://[^\s"'`\\^|]+""")
_PAIRS = {")": "(", "]": "[", "}": "{", ">": "<"}
_TRAILING = ".,:;!?*_~"


def find_urls(text: str) -> Iterator[tuple[str, int]]:
    """Bare URLs in ``text`` with their 0-based character offset. Trailing
    punctuation and unbalanced closing brackets are sentence, not URL."""

    for match in _URL.finditer(text):
        url = match.group()
        while url:
            if url[-1] in _TRAILING:
                url = url[:-1]
            elif url[-1] in _PAIRS and url.count(_PAIRS[url[-1]]) < url.count(url[-1]):
                url = url[:-1]
            else:
                break
        if len(url) > len("https://"):
            yield url, match.start()


def _c_like_comments(text: str) -> Iterator[tuple[str, int]]:
    """Yield (comment text, offset) for // and /* */ comments, skipping strings
    ('..', "..", and template literals) so that "http://x" in code is ignored."""

    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "\"'`":
            quote = ch
            i += 1
            while i < n and text[i] != quote:
                if text[i] == "\\":
                    i += 1
                elif quote != "`" and text[i] == "\n":
                    break  # unterminated ordinary string: give up at end of line
                i += 1
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end == -1 else end
            yield text[i:end], i
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end == -1 else end + 2
            yield text[i:end], i
            i = end
        else:
            i += 1


def _hash_comments(text: str, python: bool) -> Iterator[tuple[str, int]]:
    """``#`` comments; for Python also triple-quoted strings (docstrings), which
    are where Python code documents its references."""

    i, n = 0, len(text)
    while i < n:
        if python and text.startswith(('"""', "'''"), i):
            quote = text[i:i + 3]
            end = text.find(quote, i + 3)
            end = n if end == -1 else end + 3
            yield text[i:end], i
            i = end
            continue
        ch = text[i]
        if ch in "\"'":
            i += 1
            while i < n and text[i] not in (ch, "\n"):
                i += 2 if text[i] == "\\" else 1
            i += 1
        elif ch == "#":
            end = text.find("\n", i)
            end = n if end == -1 else end
            yield text[i:end], i
            i = end
        else:
            i += 1


def comment_urls(text: str, suffix: str) -> Iterator[tuple[str, int]]:
    """URLs in the comments of a source file, with 1-based line numbers."""

    if suffix in C_LIKE:
        comments = _c_like_comments(text)
    elif suffix in HASH:
        comments = _hash_comments(text, python=suffix == ".py")
    else:
        return
    for comment, offset in comments:
        for url, at in find_urls(comment):
            yield url, text.count("\n", 0, offset + at) + 1
