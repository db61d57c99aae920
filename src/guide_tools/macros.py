"""mkdocs-macros module: render the facts registry into the pages.

Pages never type a Convex number; they write `{{ fact("execution.action_node_runtime") }}`
and this module prints the registry's value. `{{ cite("...") }}` prints a link
to the docs section the fact comes from, `{{ limits_table("transactions") }}`
a whole table of the Limits page, and every Markdown page gets a footer naming
the convex version and date the guide's facts were checked against.
"""

from __future__ import annotations

from guide_tools import facts

# Link text for the docs pages facts come from, by page URL (without anchor).
_PAGE_TITLES = {
    "https://docs.convex.dev/production/state/limits": "Limits",
    "https://docs.convex.dev/production/environment-variables": "Environment variables",
    "https://docs.convex.dev/database/reading-data/indexes/": "Indexes",
}


def _escape_cell(text: str) -> str:
    return text.replace("|", "\\|")


def cite(fact_id: str) -> str:
    """A Markdown link to the docs section that states the fact."""
    item = facts.registry()[fact_id]
    return f"[{_PAGE_TITLES.get(item.page, 'Convex docs')}]({item.url})"


def limits_table(table: str) -> str:
    """One table of the Limits page: every registry fact filed under `table`."""
    rows = [item for item in facts.registry().facts.values() if item.limits_table == table]
    if not rows:
        raise facts.RegistryError(f"no fact in {facts.REGISTRY.name} is filed under limits table {table!r}")
    lines = ["| What | Limit | Notes | Source |", "| --- | --- | --- | --- |"]
    for item in rows:
        lines.append(f"| {_escape_cell(item.what)} | {item.text} | {_escape_cell(item.limits_note)} | "
                     f"[{_PAGE_TITLES.get(item.page, 'docs')}]({item.url}), checked {item.verified.isoformat()} |")
    return "\n".join(lines)


def checked_footer() -> str:
    return (f"\n\n---\n\n<small class=\"guide-checked\">Convex facts on this page were checked against "
            f"{facts.checked_against()} (the guide's facts registry, `facts/convex.yml`).</small>\n")


def define_env(env) -> None:
    env.macro(facts.fact, "fact")
    env.macro(cite, "cite")
    env.macro(limits_table, "limits_table")


def on_post_page_macros(env) -> None:
    page = env.page
    if page is not None and page.file.src_uri.endswith(".md"):
        env.markdown += checked_footer()
