"""The site builds in strict mode, shows real code and notebook outputs, and
refuses to build when a snippet, page or anchor is missing."""

from __future__ import annotations

import re
import shutil

import pytest

from .conftest import REPO
from .site_build import run_mkdocs, variant_config


def page(site, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_home_page_states_what_and_for_whom(built_site):
    home = page(built_site, "index.html")
    assert "Convex Architecture Guide" in home
    for audience in ("New to Convex", "Reviewing a codebase", "Onboarding a team"):
        assert audience in home
    assert 'class="mermaid"' in home  # the learning path diagram


def test_principle_page_includes_real_code_from_snippets(built_site):
    html = page(built_site, "principles/data-model-first/index.html")
    schema = (REPO / "snippets/convex/schema.ts").read_text()
    assert "defineTable" in schema
    # The users table as written in snippets/ appears on the page, highlighted.
    assert "defineTable" in re.sub(r"<[^>]+>", "", html)
    assert "--8&lt;--" not in html and "--8<--" not in html  # section markers never leak
    for url in ("https://docs.convex.dev/database/schemas", "https://docs.convex.dev/database/reading-data/indexes/indexes-and-query-perf"):
        assert url in html


def test_notebook_page_shows_executed_outputs(built_site):
    html = page(built_site, "notebooks/01-data-model/index.html")
    assert "jp-OutputArea" in html or "output_area" in html
    assert "<table" in html  # documents shown as a table
    assert "ArgumentValidationError" in html  # the validator rejecting bad input
    assert "NOT_A_MEMBER" in html  # the business rule's ConvexError
    assert "documents_read" in html  # metrics of an indexed query


def test_site_loads_nothing_from_a_cdn(built_site):
    assert (built_site / "assets/javascripts/mermaid.min.js").is_file()
    for html_file in built_site.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        for host in ("fonts.googleapis.com", "unpkg.com", "cdn.jsdelivr.net"):
            assert host not in text, f"{html_file.relative_to(built_site)} loads from {host}"


@pytest.fixture
def broken_docs(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(REPO / "docs", docs)
    return docs


BREAKAGES = {
    "missing snippet section": ('--8<-- "snippets/convex/schema.ts:no_such_section"', r"no_such_section"),
    "missing snippet file": ('--8<-- "snippets/convex/no_such_file.ts"', r"no_such_file\.ts"),
    "broken page link": ("[gone](principles/no-such-page.md)", r"no-such-page\.md"),
    "broken anchor": ("[gone](principles/data-model-first.md#no-such-heading)", r"no-such-heading"),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_strict_build_fails_and_names_the_problem(breakage, broken_docs, tmp_path, built_site):
    line, expected = BREAKAGES[breakage]
    index = broken_docs / "index.md"
    if line.startswith("--8<--"):
        line = f"```ts\n{line}\n```"
    index.write_text(index.read_text() + f"\n\n{line}\n")
    result = run_mkdocs(variant_config(tmp_path, broken_docs), tmp_path / "site", {"GUIDE_SKIP_NOTEBOOKS": "1"})
    assert result.returncode != 0
    assert re.search(expected, result.stdout + result.stderr), result.stdout + result.stderr
