"""Jupyter notebooks, read with line numbers.

``json.load`` forgets where things were, but a report should point at the line
of the ``.ipynb`` file (what GitHub annotations and editors use) *and* name the
cell. nbformat writes every source line as its own JSON string on its own line,
so a small tokenizer that remembers the line of each string gives exact places.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .model import InputError

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<num>-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<lit>true|false|null)
  | (?P<punct>[{}\[\]:,])
    """,
    re.VERBOSE | re.DOTALL,
)


class LineStr(str):
    """A JSON string value that remembers the 1-based line it starts on."""

    line: int

    def __new__(cls, value: str, line: int) -> "LineStr":
        obj = super().__new__(cls, value)
        obj.line = line
        return obj


def parse_json_with_lines(text: str, path: str) -> Any:
    """Parse JSON, returning ``LineStr`` for strings. Errors name file and line."""

    tokens: list[tuple[str, str, int]] = []
    pos, line = 0, 1
    for match in _TOKEN.finditer(text):
        if match.start() != pos:
            raise InputError(path, line, f"invalid JSON near {text[pos:pos + 20]!r}")
        kind = match.lastgroup or ""
        value = match.group()
        if kind != "ws":
            tokens.append((kind, value, line))
        line += value.count("\n")
        pos = match.end()
    if pos != len(text):
        raise InputError(path, line, f"invalid JSON near {text[pos:pos + 20]!r}")

    index = 0

    def fail(msg: str) -> InputError:
        at = tokens[index][2] if index < len(tokens) else line
        return InputError(path, at, f"invalid JSON: {msg}")

    def value() -> Any:
        nonlocal index
        if index >= len(tokens):
            raise fail("unexpected end of file")
        kind, raw, at = tokens[index]
        index += 1
        if kind == "str":
            try:
                return LineStr(json.loads(raw), at)
            except json.JSONDecodeError as exc:
                raise InputError(path, at, f"invalid JSON string: {exc.msg}") from exc
        if kind == "num":
            return json.loads(raw)
        if kind == "lit":
            return {"true": True, "false": False, "null": None}[raw]
        if raw == "[":
            items: list[Any] = []
            if tokens[index][1] == "]":
                index += 1
                return items
            while True:
                items.append(value())
                sep = tokens[index][1] if index < len(tokens) else ""
                index += 1
                if sep == "]":
                    return items
                if sep != ",":
                    index -= 1
                    raise fail(f"expected ',' or ']', got {sep!r}")
        if raw == "{":
            obj: dict[str, Any] = {}
            if tokens[index][1] == "}":
                index += 1
                return obj
            while True:
                key = value()
                if not isinstance(key, str):
                    raise fail("object key is not a string")
                if index >= len(tokens) or tokens[index][1] != ":":
                    raise fail("expected ':'")
                index += 1
                obj[str(key)] = value()
                sep = tokens[index][1] if index < len(tokens) else ""
                index += 1
                if sep == "}":
                    return obj
                if sep != ",":
                    index -= 1
                    raise fail(f"expected ',' or '}}', got {sep!r}")
        index -= 1
        raise fail(f"unexpected {raw!r}")

    try:
        result = value()
    except IndexError:
        raise InputError(path, line, "invalid JSON: unexpected end of file") from None
    if index != len(tokens):
        raise fail("trailing data")
    return result


@dataclass
class TextBlock:
    """Some text from a notebook plus the map from its lines to file lines."""

    text: str
    line_map: list[int]  # 0-based text line -> 1-based file line
    cell: int  # 1-based
    kind: str  # "markdown", "code", "html", "text"


@dataclass
class Notebook:
    blocks: list[TextBlock] = field(default_factory=list)
    language: str = "python"


def _join(value: Any, fallback_line: int) -> tuple[str, list[int]]:
    """nbformat multiline strings: a list of lines or one string."""

    parts = value if isinstance(value, list) else [value]
    text_parts: list[str] = []
    line_map: list[int] = []
    for part in parts:
        if not isinstance(part, str):
            continue
        start = getattr(part, "line", fallback_line)
        text_parts.append(part)
        # a JSON string sits on one line of the file whatever it contains
        line_map.extend([start] * max(1, part.count("\n")))
    text = "".join(text_parts)
    while len(line_map) < text.count("\n") + 1:
        line_map.append(line_map[-1] if line_map else fallback_line)
    return text, line_map


def read_notebook(text: str, path: str) -> Notebook:
    data = parse_json_with_lines(text, path)
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise InputError(path, 1, "not a Jupyter notebook (no 'cells' list)")
    nb = Notebook()
    metadata = data.get("metadata")
    lang = (metadata.get("kernelspec", {}) or {}) if isinstance(metadata, dict) else {}
    nb.language = str(lang.get("language", "python")) if isinstance(lang, dict) else "python"
    for number, cell in enumerate(data["cells"], start=1):
        if not isinstance(cell, dict):
            continue
        cell_type = cell.get("cell_type")
        source = cell.get("source", "")
        first = _first_line(source, 1)
        text, line_map = _join(source, first)
        if cell_type == "markdown":
            nb.blocks.append(TextBlock(text, line_map, number, "markdown"))
        elif cell_type == "code":
            nb.blocks.append(TextBlock(text, line_map, number, "code"))
        for output in cell.get("outputs", []) or []:
            if not isinstance(output, dict):
                continue
            if "text" in output:  # stream output
                out_text, out_map = _join(output["text"], first)
                nb.blocks.append(TextBlock(out_text, out_map, number, "text"))
            data_out = output.get("data") or {}
            if not isinstance(data_out, dict):
                continue
            for mime, kind in (("text/html", "html"), ("text/markdown", "markdown")):
                if mime in data_out:
                    out_text, out_map = _join(data_out[mime], first)
                    nb.blocks.append(TextBlock(out_text, out_map, number, kind))
                    break
            else:
                if "text/plain" in data_out:
                    out_text, out_map = _join(data_out["text/plain"], first)
                    nb.blocks.append(TextBlock(out_text, out_map, number, "text"))
    return nb


def _first_line(value: Any, default: int) -> int:
    if isinstance(value, list):
        for part in value:
            if isinstance(part, LineStr):
                return part.line
    if isinstance(value, LineStr):
        return value.line
    return default
