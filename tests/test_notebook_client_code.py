"""The reader's stack beside the Python: every public function of the reference
app that a notebook calls from a client is shown, in some notebook, as the
React code a Next.js app writes for it (`show_client`), and every side-by-side
pairing shows a client section that calls the same function as its Python.

Static checks on the notebooks' source and snippets/app/: no kernel, no backend.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from guide_tools import notebooks
from guide_tools.display import show_client
from guide_tools.snippets import SNIPPETS, read_section

# Notebook 10 is the capstone, whose reader writes the feature; 11 reviews a
# separate app (snippets/flawed-app) whose functions have no typed client.
REFERENCE_NOTEBOOKS = [p for p in notebooks.find_notebooks() if not p.name.startswith(("10-", "11-"))]
ALL_NOTEBOOKS = notebooks.find_notebooks()

# `client.query("module:function", ...)` and friends; admin handles call internal functions.
_CLIENT_CALL = re.compile(r"\b(\w+)(?:\(\))?\.(?:query|mutation|action|subscribe)\(\s*\"([\w/]+):(\w+)\"")
_API_REFERENCE = re.compile(r"\bapi\.([\w.]+)\.(\w+)\b")
_PUBLIC_EXPORT = re.compile(r"^export const (\w+) = (?:query|mutation|action|authed\w*|zod\w*)\(", re.M)


def public_functions() -> set[str]:
    """"module:function" for every public query, mutation and action of the reference app."""
    found = set()
    for module in (SNIPPETS / "convex").glob("*.ts"):
        found |= {f"{module.stem}:{name}" for name in _PUBLIC_EXPORT.findall(module.read_text(encoding="utf-8"))}
    return found


def show_client_calls(path: Path) -> list[tuple[str, str, str | None]]:
    """(file, section, python) for each show_client(...) call in a notebook's code cells."""
    calls = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code" or "show_client" not in cell.source:
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "show_client":
                file, section = (ast.literal_eval(arg) for arg in node.args)
                python = next((ast.literal_eval(k.value) for k in node.keywords if k.arg == "python"), None)
                calls.append((file, section, python))
    return calls


def functions_in(code: str) -> set[str]:
    return {f"{module.replace('.', '/')}:{name}" for module, name in _API_REFERENCE.findall(code)}


def test_every_public_function_called_from_python_has_its_react_code_shown():
    public = public_functions()
    called, shown = {}, set()
    for path in REFERENCE_NOTEBOOKS:
        source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        for handle, module, name in _CLIENT_CALL.findall(source):
            if handle not in {"db", "admin"} and f"{module}:{name}" in public:
                called.setdefault(f"{module}:{name}", path.name)
        for file, section, _ in show_client_calls(path):
            shown |= functions_in(read_section(file, section))
    missing = {function: notebook for function, notebook in called.items() if function not in shown}
    assert called and missing == {}, f"called from Python but no client code shown in any notebook: {missing}"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=[p.name for p in ALL_NOTEBOOKS])
def test_side_by_side_python_and_react_call_the_same_function(path):
    for file, section, python in show_client_calls(path):
        assert (SNIPPETS / file).is_file() and file.startswith("app/"), f"{path.name}: {file}"
        if python is None:
            continue
        in_python = {f"{module}:{name}" for _, module, name in _CLIENT_CALL.findall(python)}
        in_react = functions_in(read_section(file, section))
        assert in_python and in_python <= in_react, \
            f"{path.name}: show_client({file!r}, {section!r}) pairs {sorted(in_python)} with {sorted(in_react)}"


def test_side_by_side_renders_both_columns_highlighted_with_the_section_title():
    shown = show_client("app/stack/ChannelBasics.tsx", "list_messages",
                        python='ada.query("messages:list", {"channelId": general})').data
    assert "In this notebook (Python)" in shown and "snippets/app/stack/ChannelBasics.tsx — list_messages" in shown
    # Both sides are highlighted by pygments (inline styles), so each name sits in its own span.
    assert shown.count("<pre") == 2 and "useQuery" in shown and "messages:list" in shown
    assert "display:flex" in shown and "flex-wrap:wrap" in shown
