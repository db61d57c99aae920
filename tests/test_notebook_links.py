"""Notebook links work in JupyterLab and on the site, every notebook says where to go next, and diagrams render in both.

Offline: a guide page is checked against docs/ (and its headings), a notebook
or solution against the repository; other websites are left to `make links`.
"""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest

from guide_tools import notebook_links
from guide_tools.display import frame, show_client
from guide_tools.notebook_links import SITE_URL, LinkError, resolve

NOTEBOOKS = notebook_links.notebook_sequence()
FIRST = NOTEBOOKS[0]


def markdown_links(path):
    nb = nbformat.read(path, as_version=4)
    return [target for cell in nb.cells if cell.cell_type == "markdown"
            for target in notebook_links.links_in(cell.source)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_link_in_a_notebook_resolves_to_a_page_heading_or_file(path):
    problems = []
    for target in markdown_links(path):
        try:
            resolve(target, path)
        except LinkError as error:
            problems.append(str(error))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_ends_with_previous_and_next_links(path):
    last = nbformat.read(path, as_version=4).cells[-1]
    assert last.cell_type == "markdown"
    assert last.source == notebook_links.previous_next_markdown(path)
    index = NOTEBOOKS.index(path)
    if index > 0:
        assert f"]({NOTEBOOKS[index - 1].name})" in last.source
    if index + 1 < len(NOTEBOOKS):
        assert f"]({NOTEBOOKS[index + 1].name})" in last.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_notebook_with_a_solution_file_links_to_it(path):
    solution = path.parent / "solutions" / f"{path.stem}.py"
    if solution.is_file():
        assert f"solutions/{solution.name}" in markdown_links(path)


def test_links_that_point_nowhere_or_work_in_one_place_only_are_refused():
    with pytest.raises(LinkError, match="dead in JupyterLab"):
        resolve("../../principles/security/", FIRST)
    with pytest.raises(LinkError, match="no page of the guide"):
        resolve(SITE_URL + "principles/no-such-page/", FIRST)
    with pytest.raises(LinkError, match="has no heading #no-such-heading"):
        resolve(SITE_URL + "principles/security/#no-such-heading", FIRST)
    with pytest.raises(LinkError, match="no such file"):
        resolve("solutions/99-missing.py", FIRST)
    with pytest.raises(LinkError, match="Markdown source"):
        resolve("../docs/principles/security.md", FIRST)
    assert resolve("https://docs.convex.dev/database/schemas", FIRST) is None


def test_the_site_build_rewrites_each_kind_of_link_for_the_notebook_page():
    name = FIRST.name
    assert notebook_links.site_href(SITE_URL + "reference/limits/#search", name) == "../../reference/limits/#search"
    assert notebook_links.site_href("02-indexes.ipynb#Summary", name) == "../02-indexes/#Summary"
    assert notebook_links.site_href("solutions/01-data-model.py", name) == (
        f"{notebook_links.REPO_URL}/blob/main/notebooks/solutions/01-data-model.py")
    html = ('<a href="02-indexes.ipynb">next</a> <a class="anchor-link" href="#Summary">¶</a> '
            '<link href="custom.css">')
    assert notebook_links.rewrite_for_site(html, name) == (
        '<a href="../02-indexes/">next</a> <a class="anchor-link" href="#Summary">¶</a> <link href="custom.css">')


def test_frame_shows_creation_times_as_readable_utc_times():
    table = frame([{"body": "hi", "_creationTime": 1_795_818_000_123.4}])
    assert table.loc[0, "_creationTime"] == "2026-11-27 22:20:00.123"
    assert isinstance(table, pd.DataFrame)


def test_show_client_shows_a_section_of_the_typed_client_code():
    shown = show_client("app/stack/ChannelBasics.tsx", "list_messages").data
    assert "useQuery(api.messages.list" in shown and "```tsx" in shown
    with pytest.raises(ValueError, match="snippets/app/"):
        show_client("convex/messages.ts", "list_query")


def test_the_first_notebook_draws_the_layers_and_a_subscription_round_trip_for_both_renderers():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from guide_tools import notebook_mermaid, site_pages

    nb = nbformat.read(FIRST, as_version=4)
    cell = next(cell.source for cell in nb.cells if cell.cell_type == "markdown" and "```mermaid" in cell.source)
    assert "flowchart" in cell and "sequenceDiagram" in cell
    html = notebook_mermaid.as_page_diagrams(markdown2html_mistune(cell))
    page = site_pages.wrap_diagrams(html, "notebooks/01-data-model.ipynb")
    assert page.count('<figure class="guide-diagram">') == 2
    assert "<figcaption><strong>A subscription round trip.</strong>" in page
    assert "Ada-&gt;&gt;Convex" in page  # the source stays text, escaped as the Markdown pages' diagrams are
    # mkdocs-jupyter's nbconvert hands the source over escaped already: it must not be escaped twice,
    # or mermaid reads "--&gt;" and fails to draw.
    escaped = '<div class="jp-Mermaid"><pre class="mermaid">\nflowchart LR\n  A --&gt; B\n</pre></div>'
    assert notebook_mermaid.as_page_diagrams(escaped) == '<pre class="mermaid"><code>flowchart LR\n  A --&gt; B</code></pre>'


@pytest.mark.slow  # starts a Node sidecar
def test_scratch_app_starts_with_the_modules_a_demonstration_adds():
    from guide_tools.session import scratch_app

    from .conftest import REPO

    added = 'import { queryGeneric as query } from "convex/server";\n' \
            'export const echo = query({ args: {}, handler: async () => "added before the start" });\n'
    app, pg = scratch_app("nbn-modules", source=REPO / "tests/fixtures/nbn_tiny_app", modules={"convex/echo.ts": added})
    try:
        client = pg.client()
        assert (client.query("ping:ping"), client.query("echo:echo")) == ("pong", "added before the start")
    finally:
        pg.close()
    assert not (REPO / "tests/fixtures/nbn_tiny_app/convex/echo.ts").exists()
