"""The facts registry (facts/convex.yml) and the pages that render it.

Every Convex number the guide states lives once in the registry; pages print
it with the `fact` macro and notebooks with guide_tools.facts. These tests
refuse a hand-typed copy, a registry that drifted from the pinned packages, and
a malformed registry (with a message naming the file and the fact).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from guide_tools import facts, macros

from .conftest import REPO

PAGES = sorted((REPO / "docs").rglob("*.md"))
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
PACKAGE = json.loads((REPO / "snippets" / "package.json").read_text(encoding="utf-8"))


def test_the_registry_holds_every_limit_the_guide_states():
    registry = facts.load()
    assert len(registry.facts) >= 50
    for fact_id in ("transactions.documents_scanned", "execution.action_convex_runtime",
                    "execution.action_node_runtime", "env.count", "env.name_length", "env.total_size",
                    "documents.array_elements", "database.fields_per_index"):
        assert fact_id in registry.facts


def test_values_and_texts_agree():
    """The printed text carries the number, so a changed value cannot keep an old text."""
    for item in facts.registry().facts.values():
        if isinstance(item.value, (int, float)):
            assert f"{item.value:,}" in item.text or str(item.value) in item.text, (item.id, item.value, item.text)
        else:
            assert str(item.value).split("-")[0] in item.text or item.text in str(item.value), (item.id, item.text)


def test_the_registry_names_the_pinned_packages():
    registry = facts.registry()
    assert registry.convex_version == PACKAGE["dependencies"]["convex"]
    assert registry["versions.convex_pinned"].value == PACKAGE["dependencies"]["convex"]
    assert PACKAGE["devDependencies"]["@convex-dev/eslint-plugin"].startswith(registry["versions.eslint_plugin"].text)


def test_the_env_limits_follow_the_environment_variables_page():
    """The Limits page's env table is stale (1,000 / 40 chars); the env page and the backend say 512 / 256."""
    registry = facts.registry()
    assert (registry["env.count"].value, registry["env.name_length"].value, registry["env.total_size"].value) == (512, 256, 512)
    assert all(registry[f].page == "https://docs.convex.dev/production/environment-variables"
               for f in ("env.count", "env.name_length", "env.value_size", "env.total_size"))


def prose_of(path: Path) -> str:
    if path.suffix == ".ipynb":
        notebook = nbformat.read(path, as_version=4)
        # One line per source line, so findings name the cell's lines in order.
        return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", PAGES + NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO)))
def test_no_page_types_a_registry_fact_by_hand(path):
    found = facts.hand_typed(prose_of(path))
    assert not found, f"{path.relative_to(REPO)} types registry facts by hand; use the macro instead:\n" + "\n".join(
        f"  line {item.line}: {item.text!r}: {{{{ fact(\"{item.fact_ids[0]}\") }}}}" for item in found)


def test_the_scanner_finds_hand_typed_facts_and_skips_code_macros_and_links():
    page = "\n".join([
        "A query may scan 32,000 documents.",                              # 1: hand-typed
        'A query may scan {{ fact("transactions.documents_scanned") }}.',  # macro
        "`32,000` in inline code, and 128 MB is another number.",          # code; longer number
        "```python",
        "LIMIT = 32,000",
        "```",
        "[a link](https://example.org/32,000) and 8 MB of arguments.",     # 7: link target skipped, 8 MB found
    ])
    found = [(item.line, item.text) for item in facts.hand_typed(page)]
    assert found == [(1, "32,000"), (7, "8 MB")]


def test_the_limits_page_is_generated_from_every_limits_table():
    page = (REPO / "docs" / "reference" / "limits.md").read_text(encoding="utf-8")
    tables = {item.limits_table for item in facts.registry().facts.values() if item.limits_table}
    for key, _heading in facts.LIMITS_TABLES:
        if key in tables:
            assert f'limits_table("{key}")' in page, f"limits.md does not render the {key!r} table"
    assert "|" not in re.sub(r"\{\{.*?\}\}", "", page.split("## Where to go next")[0]), \
        "limits.md has a hand-written table; render it with limits_table()"


def test_a_limits_table_lists_each_fact_with_its_source_and_date():
    table = macros.limits_table("transactions")
    assert "| Documents scanned by one query or mutation | 32,000 |" in table
    assert "https://docs.convex.dev/production/state/limits#transactions" in table
    assert "checked 2026-11-27" in table


def test_cite_links_the_section_of_the_fact():
    assert macros.cite("env.count") == (
        "[Environment variables](https://docs.convex.dev/production/environment-variables#setting-environment-variables)")


@pytest.mark.parametrize("broken, message", [
    ("checked_against: {convex: '1.0.0', date: 2026-01-01}\nfacts: {a.b: {value: 1, unit: x, text: '1', what: w, verified: 2026-01-01}}\n",
     "fact 'a.b' lacks url"),
    ("checked_against: {convex: '1.0.0', date: 2026-01-01}\nfacts: {a.b: {value: 1, unit: x, text: '1', what: w, url: 'http://x', verified: 2026-01-01}}\n",
     "must be an https:// docs page"),
    ("checked_against: {convex: '1.0.0', date: 2026-01-01}\nfacts: {a.b: {value: 1, unit: x, text: '1', what: w, url: 'https://x', verified: 2026-01-01, limits: [nowhere, '']}}\n",
     "limits must be [table, note]"),
    ("checked_against: {convex: '1.0.0', date: 2026-01-01}\nfacts: {a.b: {value: 1, unit: x, text: '1', what: w, url: 'https://x', verified: yesterday}}\n",
     "'yesterday' is not a date"),
    ("facts: [\n", "not valid YAML"),
    ("facts: {}\n", "non-empty `facts`"),
])
def test_a_malformed_registry_is_refused_naming_the_file_and_fact(tmp_path, broken, message):
    registry = tmp_path / "convex.yml"
    registry.write_text(broken, encoding="utf-8")
    with pytest.raises(facts.RegistryError) as raised:
        facts.load(registry)
    assert str(registry) in str(raised.value) and message in str(raised.value)


def test_an_unknown_fact_names_the_known_ones():
    with pytest.raises(facts.RegistryError, match="no fact 'actions.timeout'.*execution.action_node_runtime"):
        facts.fact("actions.timeout")


def test_built_pages_print_registry_values_and_say_what_they_were_checked_against(built_site):
    limits = (built_site / "reference" / "limits" / "index.html").read_text(encoding="utf-8")
    assert "32,000" in limits and "512 KiB" in limits and "30 minutes" in limits
    checked = f"checked against convex {facts.registry().convex_version}"
    for page in ("index.html", "principles/performance/index.html", "patterns/external-apis-with-actions/index.html",
                 "notebooks/02-indexes/index.html"):
        html = (built_site / page).read_text(encoding="utf-8")
        assert checked in html, f"{page} has no 'checked against' footer"
    external = (built_site / "patterns" / "external-apis-with-actions" / "index.html").read_text(encoding="utf-8")
    assert "30 minutes" in external and "{{" not in external
