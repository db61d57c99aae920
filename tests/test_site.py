"""The site builds in strict mode, shows real code and notebook outputs, and
refuses to build when a snippet, page or anchor is missing."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from .conftest import REPO
from .site_build import run_mkdocs, small_site


def page(site, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_home_page_states_what_and_for_whom(built_site):
    home = page(built_site, "index.html")
    assert "Convex Architecture Guide" in home
    for audience in ("New to Convex", "Reviewing a codebase", "Onboarding a team"):
        assert audience in home
    path = home[home.index('id="the-learning-path"'):]
    assert path.index("01-data-model/") < path.index("02-indexes/") < path.index("11-reviewing-a-codebase/")
    assert 'class="mermaid"' not in home  # a numbered list: no 3 MB library for the first page


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


BREAKAGES = {
    "missing snippet section": ('--8<-- "snippets/convex/schema.ts:no_such_section"', r"no_such_section"),
    "missing snippet file": ('--8<-- "snippets/convex/no_such_file.ts"', r"no_such_file\.ts"),
    "broken page link": ("[gone](principles/no-such-page.md)", r"no-such-page\.md"),
    "broken anchor": ("[gone](principles/data-model-first.md#no-such-heading)", r"no-such-heading"),
}
# MkDocs reports these as warnings and aborts a strict build only at its end, so one
# build shows them all; a missing snippet stops the build at once, in a build of its own.
WARNED = ("broken page link", "broken anchor")


# A home page linking to a heading of a second page, as the guide's pages do; the
# breakages go on the home page. The guide's own mkdocs.yml builds it (site_build.small_site).
SMALL_SITE = {
    "index.md": "# Home\n\nStart with [the data model](principles/data-model-first.md#the-data-model).\n\n"
                "```ts\n--8<-- \"snippets/convex/schema.ts:users_table\"\n```\n",
    "principles/data-model-first.md": "# Data model first\n\n## The data model\n\nA heading to link to.\n",
}


def build_small_site(tmp_path, breakages) -> subprocess.CompletedProcess:
    """A strict build of the small site with each breakage's line added to the home page."""
    pages = dict(SMALL_SITE)
    for breakage in breakages:
        line = BREAKAGES[breakage][0]
        if line.startswith("--8<--"):
            line = f"```ts\n{line}\n```"
        pages["index.md"] += f"\n\n{line}\n"
    return run_mkdocs(small_site(tmp_path, pages), tmp_path / "site", {"GUIDE_SKIP_NOTEBOOKS": "1"})


def test_the_small_site_builds_without_the_breakages(tmp_path):
    """The control for the test below: each failure there comes from its breakage alone."""
    result = build_small_site(tmp_path, [])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "defineTable" in page(tmp_path / "site", "index.html")  # the snippet was included


@pytest.fixture(scope="module")
def warned_build(tmp_path_factory):
    return build_small_site(tmp_path_factory.mktemp("warned"), WARNED)


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_strict_build_fails_and_names_the_problem(breakage, tmp_path, request):
    expected = BREAKAGES[breakage][1]
    if breakage in WARNED:
        result = request.getfixturevalue("warned_build")
        output = result.stdout + result.stderr
        # One warning per breakage: each on its own would fail the build.
        assert f"Aborted with {len(WARNED)} warnings in strict mode" in output, output
        assert re.search(rf"WARNING .*{expected}", output), output
    else:
        result = build_small_site(tmp_path, [breakage])
        output = result.stdout + result.stderr
    assert result.returncode != 0
    assert re.search(expected, output), output


# ---- The published site: order, lists, weight, metadata (site_pages.py, llms.py) ----

def mkdocs_yml() -> dict:
    """mkdocs.yml as data; its !ENV and !!python tags become None (only the nav is needed)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return yaml.load((REPO / "mkdocs.yml").read_text(), Loader=Loader)


def nav_notebooks(site) -> list[int]:
    html = page(site, "notebooks/index.html")
    nav = html[html.index('md-nav--primary'):html.index('md-sidebar--secondary')]
    return [int(n) for n in re.findall(r'href="[^"]*?(\d\d)-[a-z][^"/]*/"', nav)]


def test_notebooks_are_in_numeric_order_in_the_nav(built_site):
    numbers = list(dict.fromkeys(nav_notebooks(built_site)))
    assert numbers == list(range(1, 12))


def test_notebook_order_comes_from_file_names():
    from guide_tools.site_pages import order_notebooks

    nav = [{"Home": "index.md"}, {"Notebooks": ["notebooks/index.md", {"Ten": "notebooks/10-x.ipynb"},
                                                {"Two": "notebooks/02-y.ipynb"}, "notebooks/run.md",
                                                {"One": "notebooks/01-z.ipynb"}]}]
    assert order_notebooks(nav) == [{"Home": "index.md"}, {"Notebooks": [
        "notebooks/index.md", {"One": "notebooks/01-z.ipynb"}, {"Two": "notebooks/02-y.ipynb"},
        "notebooks/run.md", {"Ten": "notebooks/10-x.ipynb"}]}]


@pytest.mark.parametrize("section", ["start-here", "principles", "patterns", "notebooks", "reference", "architecture"])
def test_section_index_lists_every_page_with_a_summary(built_site, section):
    from guide_tools.site_pages import section_children

    config = mkdocs_yml()
    children = section_children(config["nav"], f"{section}/index.md")
    html = page(built_site, f"{section}/index.html")
    listing = html[html.index('id="pages-in-this-section"'):]
    for _, path in children:
        slug = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        item = re.search(rf'<li><a href="[^"]*{re.escape(slug)}/">[^<]+</a>: ([^<]+)', listing)
        assert item, f"{section}/index.md does not list {path}"
        assert len(item.group(1).split()) >= 5, f"{path}: summary too short: {item.group(1)!r}"


def test_notebook_pages_share_one_stylesheet_and_no_inline_css(built_site):
    for html_file in (built_site / "notebooks").glob("*/index.html"):
        html = html_file.read_text(encoding="utf-8")
        if "jupyter-wrapper" not in html:
            continue
        assert "<style" not in re.sub(r"<svg.*?</svg>", "", html, flags=re.S), html_file  # a plot's own style stays
        assert 'src=""' not in html  # no empty MathJax script
        assert "stylesheets/notebook.css" in html
        assert len(html.encode()) < 400_000, f"{html_file}: {len(html.encode())} bytes"
        assert re.search(r'class="[^"]*guide-notebook-banner[^"]*".*?<a download="" href="\d\d-[a-z-]+\.ipynb">', html, re.S)


def test_notebook_download_is_the_notebook_itself(built_site):
    copy = built_site / "notebooks/01-data-model/01-data-model.ipynb"
    assert json.loads(copy.read_text())["cells"]


def test_mermaid_is_shipped_once_and_no_page_loads_it_up_front(built_site):
    """guide.js fetches mermaid when a diagram nears the screen (tests/test_browser.py checks when)."""
    assert not list(built_site.rglob("*.map")), "source maps are not shipped"
    assert "assets/javascripts/mermaid.min.js" in page(built_site, "javascripts/guide.js")
    for html_file in built_site.rglob("index.html"):
        assert "mermaid.min.js" not in html_file.read_text(encoding="utf-8"), html_file


def test_every_page_asks_for_feedback_without_loading_anything(built_site):
    html = page(built_site, "patterns/paginate/index.html")
    feedback = html[html.index('class="guide-feedback"'):]
    feedback = feedback[:feedback.index("</aside>")]
    links = re.findall(r'href="([^"]+)"', feedback)
    assert len(links) == 2 and all(re.match(r"https://github\.com/[^/]+/[^/]+/issues/new\?title=Feedback", link)
                                   for link in links)
    assert "Paginate" in links[0] and "patterns%2Fpaginate" in links[0]
    assert "<script" not in feedback and "<img" not in feedback and "<iframe" not in feedback
    assert 'class="guide-feedback"' not in page(built_site, "404.html")


def test_every_diagram_declares_an_accessible_title_and_description():
    from guide_tools.site_pages import diagram_labels

    for source in (REPO / "docs").rglob("*.md"):
        for block in re.findall(r"```mermaid\n(.*?)```", source.read_text(encoding="utf-8"), re.S):
            title, description = diagram_labels(block)
            assert title and description, f"{source.relative_to(REPO)}: diagram without accTitle/accDescr"


def test_a_diagram_without_labels_fails_the_build_naming_the_page():
    from guide_tools.site_pages import SiteError, wrap_diagrams

    good = '<pre class="mermaid"><code>flowchart LR\n  accTitle: T\n  accDescr: D\n  A --&gt; B</code></pre>'
    assert "<figcaption><strong>T.</strong> D</figcaption>" in wrap_diagrams(good, "x.md")
    with pytest.raises(SiteError, match=r"guide/page\.md: diagram 2 needs `accTitle:`"):
        wrap_diagrams(good + '<pre class="mermaid"><code>flowchart LR\n A --&gt; B</code></pre>', "guide/page.md")


def test_pages_carry_social_metadata_edit_links_and_dates(built_site):
    html = page(built_site, "principles/data-model-first/index.html")
    for tag in ('property="og:title" content="Data model first', 'property="og:description"',
                'property="og:url" content="https://', 'name="twitter:card"'):
        assert tag in html
    assert re.search(r'href="https://github\.com/[^"]+/edit/main/docs/principles/data-model-first\.md"', html)
    assert 'class="md-source-file' in html  # last updated
    notebook = page(built_site, "notebooks/01-data-model/index.html")
    assert re.search(r'href="https://github\.com/[^"]+/edit/main/notebooks/01-data-model\.ipynb"', notebook)


def test_llms_txt_lists_a_markdown_copy_of_every_page(built_site):
    llms = page(built_site, "llms.txt")
    assert llms.startswith("# Convex Architecture Guide\n\n> ")
    listed = re.findall(r"^- \[[^\]]+\]\((\S+)\): \S", llms, re.M)
    pages = [p.parent.relative_to(built_site) for p in built_site.rglob("index.html")
             if p.parent != built_site / "search" and (p.parent / "index.md").is_file()]
    assert len(listed) >= 50 and len(listed) == len(pages)
    copy = page(built_site, "patterns/paginate/index.md")
    assert copy.startswith("# Paginate") and "paginationOptsValidator" in copy and "<div" not in copy
    notebook = page(built_site, "notebooks/01-data-model/index.md")
    assert "NOT_A_MEMBER" in notebook and "Copied!" not in notebook
    assert "Convex Architecture Guide" in page(built_site, "llms-full.txt")


def test_plot_alt_text_describes_the_chart():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from guide_tools.plots import INK, describe, figure_svg

    figure, axes = plt.subplots()
    axes.plot([1, 10], [1, 100], label="index")
    axes.plot([1, 10], [5, 500], label="scan")
    axes.set(title="Reads", xlabel="rows", ylabel="documents read", yscale="log")
    assert describe(figure) == "Reads: documents read against rows (y axis logarithmic); one line each for index, scan."
    with matplotlib.rc_context({"text.color": INK, "svg.fonttype": "none"}):
        svg = figure_svg(figure)
    plt.close(figure)
    assert svg.startswith('<svg role="img" aria-label="Reads: documents read')
    assert "<title>Reads:" in svg


def test_notebook_html_is_cleaned_for_the_site():
    """tests/fixtures/site_notebook/tiny.html is what mkdocs-jupyter renders for a tiny notebook."""
    from bs4 import BeautifulSoup

    from guide_tools.site_pages import SiteError, clean_notebook_html

    raw = (REPO / "tests/fixtures/site_notebook/tiny.html").read_text()
    soup = BeautifulSoup(clean_notebook_html(raw, "01-tiny.ipynb", "../run-yourself/"), "html.parser")
    assert soup.find("style") is None and soup.find("script") is None and "Copied!" not in soup.get_text()
    assert soup.select_one("[tabindex]") is None
    code = soup.select_one(".jp-CodeCell .highlight pre > code")
    assert code is not None and code.get_text() == "plot()"
    assert soup.get_text().count("plot()") == 1  # the hidden copy of the source is gone
    assert soup.select_one(".jp-CodeCell .jp-InputArea").has_attr("data-search-exclude")
    assert soup.select_one("h1 a.headerlink").has_attr("data-search-exclude")
    banner = soup.find("h1").find_next_sibling()
    assert "guide-notebook-banner" in banner["class"]
    assert banner.select_one("a[download]")["href"] == "01-tiny.ipynb"
    svg = soup.select_one(".jp-OutputArea svg[role=img]")
    assert svg["aria-label"] == "Reads: documents read against rows."
    assert "currentColor" in str(svg) and "#0b0b0c" not in str(soup)
    undescribed = raw.replace('src="data:image/svg+xml;base64,', 'src="data:image/png;base64,')
    with pytest.raises(SiteError, match=r"01-tiny\.ipynb: an output image has no description"):
        clean_notebook_html(undescribed, "01-tiny.ipynb", "../run-yourself/")
