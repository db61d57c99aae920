"""Rules every page of the guide keeps (see notebooks/README.md for notebooks)."""

from __future__ import annotations

import re

import pytest

from .conftest import REPO

PAGES = sorted(p for p in (REPO / "docs").rglob("*.md"))
CONTENT_PAGES = [p for p in PAGES if p.name != "index.md"]
FENCE = re.compile(r"^(\s*)(```|~~~)(\S*)[^\n]*\n(.*?)^\1\2\s*$", re.M | re.S)
NOT_CODE = {"mermaid", "bash", "sh", "console", "text"}


def name(path) -> str:
    return str(path.relative_to(REPO / "docs"))


@pytest.mark.parametrize("page", PAGES, ids=name)
def test_every_code_block_is_included_from_snippets(page):
    """Code shown on a page comes from a compiled, tested file, never pasted."""
    text = page.read_text(encoding="utf-8")
    for match in FENCE.finditer(text):
        language, body = match.group(3), match.group(4)
        if language in NOT_CODE:
            continue
        pasted = [line for line in body.splitlines() if line.strip() and "--8<--" not in line]
        line_number = text[: match.start()].count("\n") + 1
        assert not pasted, f"docs/{name(page)}:{line_number}: a {language or 'plain'} block pastes code: {pasted[0]!r}"


@pytest.mark.parametrize("page", CONTENT_PAGES, ids=name)
def test_page_opens_with_its_goals_and_ends_with_where_next(page):
    text = page.read_text(encoding="utf-8")
    assert '"What you will learn"' in text.split("\n## ", 1)[0], f"docs/{name(page)}: no 'What you will learn' before the first section"
    assert "\n## Where to go next" in text, f"docs/{name(page)}: no '## Where to go next' section"
