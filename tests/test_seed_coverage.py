"""Every Convex docs link of the seed is in the guide, and in context.

tests/data/seed_links.txt holds the seed's 47 links verbatim (copied from
convex-backend-architect.md, which is not part of this repository). The guide
must (a) list all of them on docs/reference/convex-docs.md and (b) use each one
somewhere a reader needs it: another page under docs/, or a Markdown cell of a
notebook. A link counts when it appears exactly, optionally followed by a
#fragment: https://docs.convex.dev/functions does not count as
https://docs.convex.dev/functions/validation, nor the other way round.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
NOTEBOOKS = REPO / "notebooks"
SEED_LINKS = Path(__file__).parent / "data" / "seed_links.txt"
REFERENCE_PAGE = DOCS / "reference" / "convex-docs.md"


def seed_links() -> list[tuple[str, str, str]]:
    rows = []
    for line in SEED_LINKS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            group, title, url = (part.strip() for part in line.split("|"))
            rows.append((group, title, url))
    return rows


LINKS = seed_links()
URLS = [url for _, _, url in LINKS]


def mentions(text: str, url: str) -> bool:
    """`url` appears as a whole link: not as the prefix of a longer path."""
    return re.search(re.escape(url) + r"(?![\w/.%-])", text) is not None


def context_texts() -> dict[str, str]:
    """Every page under docs/ except the reference list, and every notebook's Markdown."""
    texts = {str(page.relative_to(REPO)): page.read_text(encoding="utf-8")
             for page in sorted(DOCS.rglob("*.md")) if page != REFERENCE_PAGE}
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(notebook, as_version=4)
        texts[str(notebook.relative_to(REPO))] = "\n".join(
            cell.source for cell in nb.cells if cell.cell_type == "markdown")
    return texts


def test_the_seed_list_is_complete() -> None:
    assert len(LINKS) == 47, f"{SEED_LINKS} should hold the seed's 47 links, holds {len(LINKS)}"
    assert len(set(URLS)) == 47, "a link is listed twice"


def test_mentions_matches_whole_links_only() -> None:
    assert mentions("see [x](https://docs.convex.dev/functions).", "https://docs.convex.dev/functions")
    assert mentions("[x](https://docs.convex.dev/understanding/best-practices/#date-in-queries)",
                    "https://docs.convex.dev/understanding/best-practices/")
    assert not mentions("[x](https://docs.convex.dev/functions/validation)", "https://docs.convex.dev/functions")
    assert not mentions("[x](https://docs.convex.dev/understanding/best-practices/)", "https://docs.convex.dev/understanding/")


def test_reference_page_lists_every_seed_link_in_the_seed_groups() -> None:
    page = REFERENCE_PAGE.read_text(encoding="utf-8")
    missing = [url for url in URLS if not mentions(page, url)]
    assert missing == [], f"{REFERENCE_PAGE.relative_to(REPO)} lacks: {missing}"
    # Grouped as the seed groups them: each link under its group's heading.
    headings = [(match.start(), match.group(1).strip()) for match in re.finditer(r"^## (.+)$", page, re.M)]
    for group, _, url in LINKS:
        position = re.search(re.escape(url) + r"(?![\w/.%-])", page).start()
        heading = [title for start, title in headings if start < position][-1]
        assert heading == group, f"{url} is under '{heading}', the seed has it under '{group}'"


def test_every_seed_link_is_used_in_context() -> None:
    texts = context_texts()
    missing = [url for url in URLS if not any(mentions(text, url) for text in texts.values())]
    assert missing == [], ("seed links used only on the reference page (place each where a reader needs it): "
                           + ", ".join(missing))
