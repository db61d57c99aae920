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


def show_client(relative_path: str, section: str) -> Markdown:
    """The Next.js code for the call a cell makes: a section of the type-checked client in snippets/app/."""
    if not relative_path.startswith("app/"):
        raise ValueError(f"show_client({relative_path!r}): client code lives under snippets/app/")
    code = read_section(relative_path, section)
    return Markdown(f"**In your Next.js app** (`snippets/{relative_path}` — {section})\n\n```tsx\n{code}```")


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
