"""Small display helpers the notebooks share, so their cells stay about Convex."""

from __future__ import annotations

import html
from typing import Any, Iterable

from IPython.display import HTML, Markdown

from .snippets import read_section


def show_snippet(relative_path: str, section: str | None = None, *, language: str = "typescript") -> Markdown:
    """Shows a section of a file under snippets/ as a highlighted code block."""
    code = read_section(relative_path, section)
    title = f"snippets/{relative_path}" + (f" — {section}" if section else "")
    return Markdown(f"**`{title}`**\n\n```{language}\n{code}```")


def show_client(relative_path: str, section: str, *, python: str | None = None) -> Markdown | HTML:
    """The Next.js code for the call a cell makes: a section of the type-checked client in snippets/app/.

    With `python` (the call as the notebook wrote it), the two are shown side by
    side, Python on the left and React on the right, so the reader can match
    each argument; the columns stack on a narrow screen."""
    if not relative_path.startswith("app/"):
        raise ValueError(f"show_client({relative_path!r}): client code lives under snippets/app/")
    code = read_section(relative_path, section)
    if python is None:
        return Markdown(f"**In your Next.js app** (`snippets/{relative_path}` — {section})\n\n```tsx\n{code}```")
    return HTML(_side_by_side(("In this notebook (Python)", python.strip() + "\n", "python"),
                              (f"In your Next.js app (snippets/{relative_path} — {section})", code, "tsx")))


def _side_by_side(*columns: tuple[str, str, str]) -> str:
    """Highlighted code blocks next to each other.

    The tokens carry Pygments' class names, not colours: the site's theme colours
    them in its light and dark schemes with the contrast of every other code block
    (fixed inline colours failed it in both), and JupyterLab shows them plain."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name

    formatter = HtmlFormatter(wrapcode=True)
    cells = "".join(
        f"<div style='flex:1 1 22em;min-width:0'><div style='font-weight:bold;margin-bottom:.3em'>"
        f"{html.escape(heading)}</div><div style='overflow-x:auto;font-size:.85em'>"
        f"{highlight(code, get_lexer_by_name(language), formatter)}</div></div>"
        for heading, code, language in columns)
    return f"<div class='guide-side-by-side' style='display:flex;flex-wrap:wrap;gap:1em'>{cells}</div>"


def show_error(error: BaseException) -> HTML:
    """An exception as a reader wants to see it: its type, message and any ConvexError data."""
    data = getattr(error, "data", None)
    rows = [("error", type(error).__name__), ("message", str(error))]
    if data is not None:
        rows.append(("data", repr(data)))
    cells = "".join(f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(k)}</th>"
                    f"<td><code>{html.escape(v)}</code></td></tr>" for k, v in rows)
    return HTML(f"<table style='border-left:4px solid #e64a19'>{cells}</table>")


def frame(documents: Iterable[dict[str, Any]], columns: list[str] | None = None):
    """Documents as a pandas DataFrame, system fields last, ids shortened for reading."""
    import pandas as pd

    table = pd.DataFrame(list(documents))
    if table.empty:
        return table
    ordered = [c for c in table.columns if not c.startswith("_")] + [c for c in table.columns if c.startswith("_")]
    table = table[columns or ordered]
    if "_creationTime" in table.columns:
        # Milliseconds since the epoch, as Convex stores them; shown as a UTC time a person can read.
        table = table.assign(_creationTime=pd.to_datetime(table["_creationTime"], unit="ms", utc=True)
                             .dt.strftime("%Y-%m-%d %H:%M:%S.%f").str[:-3])
    return table
