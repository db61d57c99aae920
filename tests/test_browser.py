"""A reader's view of the built site, in headless Chromium (Debian's package).

The site is served under a sub-path, as GitHub Pages serves it (/<repo>/), and
every page in its sitemap is loaded at desktop width and at 390 px: no console
error, no failed request, no request leaving the site, no horizontal scroll on
a phone, and no serious or critical axe-core violation in either colour scheme.
Then the behaviours a reader relies on: notebook order via "Next", the search
finding what a reader types, the review checklist, diagrams, downloads, 404.

One browser serves the module's tests; the walk over every page uses two,
each in its own thread, so one page's waits are another's working time.
"""

from __future__ import annotations

import http.server
import json
import re
import shutil
import threading
import xml.etree.ElementTree as ElementTree
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urljoin, urlparse

import pytest

from .conftest import REPO

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Flags for a closed network: no background calls home, no GPU.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = REPO / "snippets" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = REPO / "build" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def site_paths(site: Path) -> tuple[str, list[str], str]:
    """The sub-path the site is built for, every page relative to it, and site_url itself."""
    locations = [element.text for element in ElementTree.parse(site / "sitemap.xml").iter()
                 if element.tag.endswith("loc")]
    parts = urlparse(locations[0])
    base = parts.path if parts.path.endswith("/") else parts.path + "/"
    return base, [urlparse(url).path[len(base):] for url in locations], f"{parts.scheme}://{parts.netloc}{base}"


class SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site at BASE only, and its 404.html for anything missing, like GitHub Pages.

    The sitemap names pages under site_url; served here, it names them under this server's
    address, as the deployed site's sitemap names the deployed site (Material's instant
    navigation only swaps in pages the sitemap lists)."""

    base = "/"
    site: Path
    site_url = ""       # as built, e.g. https://owner.github.io/repo/
    served_url = ""     # http://127.0.0.1:<port>/repo/

    def do_GET(self):
        if urlparse(self.path).path != self.base + "sitemap.xml" or not self.site_url:
            return super().do_GET()
        body = (self.site / "sitemap.xml").read_bytes().replace(self.site_url.encode(), self.served_url.encode())
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def translate_path(self, path):
        path = urlparse(path).path
        if not path.startswith(self.base):
            return str(self.site / "__outside_the_site__")
        return super().translate_path("/" + path[len(self.base):])

    def send_error(self, code, message=None, explain=None):
        page = self.site / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep pytest output readable
        pass


@pytest.fixture(scope="module")
def site(built_site):
    base, pages, site_url = site_paths(built_site)
    handler = type("Handler", (SubPathHandler,), {"base": base, "site": built_site, "site_url": site_url,
                                                   "__init__": lambda self, *a, **k: SubPathHandler.__init__(
                                                       self, *a, directory=str(built_site), **k)})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    handler.served_url = origin + base
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"origin": origin, "root": origin + base, "pages": pages, "dir": built_site}
    server.shutdown()


@contextmanager
def chromium() -> Iterator:
    """Debian's chromium under Playwright, for the calling thread only (Playwright's sync API is per thread)."""
    assert CHROMIUM, "Debian's chromium is not installed: run `make install` as root, or apt-get install chromium"
    assert AXE.is_file(), f"{AXE.relative_to(REPO)} is missing: run `make install` (npm ci in snippets/)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


class Visit:
    """One browser tab that records what went wrong while pages load.

    Used as `with Visit(browser, site) as visit:`, which closes its context
    however the test ends."""

    def __init__(self, browser, site, **context_options):
        self.context = browser.new_context(viewport=DESKTOP, **context_options)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.external: list[str] = []
        origin = site["origin"]

        def route(route):
            if route.request.url.startswith(origin) or route.request.url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                self.external.append(route.request.url)
                route.abort()

        self.context.route("**/*", route)
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("requestfailed", lambda req: req.url.startswith(origin)
                     and self.failed.append(f"{req.url} ({req.failure})"))
        self.page.on("response", lambda res: res.status >= 400 and self.failed.append(f"{res.url} ({res.status})"))

    def open(self, url: str, expect_status: int = 200):
        response = self.page.goto(url, wait_until="load")
        assert response.status == expect_status, f"{url}: HTTP {response.status}"
        return self.page

    def draw_diagrams(self):
        """Scroll each diagram into view (guide.js loads mermaid then) and wait until all are drawn."""
        for figure in self.page.locator("figure.guide-diagram").all():
            figure.scroll_into_view_if_needed()
        self.page.wait_for_function("document.querySelectorAll('.guide-diagram__frame > pre').length === 0",
                                    timeout=20_000)

    def problems(self) -> list[str]:
        return ([f"console: {e}" for e in self.errors] + [f"failed: {f}" for f in self.failed]
                + [f"external: {u}" for u in self.external])

    def close(self):
        self.context.close()

    def __enter__(self) -> "Visit":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def axe_violations(page, rules: list[str] | None = None) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [f"{v['id']} ({v['impact']}): {v['help']} — e.g. {v['nodes'][0]['target']}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


# ---- Every page ------------------------------------------------------------------

def switch_colour_scheme(page) -> str:
    """Click Material's palette toggle, as a reader would; returns the new scheme."""
    before = page.get_attribute("body", "data-md-color-scheme")
    page.locator("form[data-md-component=palette] label.md-header__button:visible").first.click()
    page.wait_for_function("before => document.body.getAttribute('data-md-color-scheme') !== before", arg=before)
    return page.get_attribute("body", "data-md-color-scheme")


# The walk splits the sitemap between this many browsers, one per thread: much of a
# page's time is spent waiting (for its load, mermaid, axe), which another page can use.
WALKERS = 2


def walk(site, paths: list[str]) -> tuple[dict[str, list[str]], set[str]]:
    """The per-page checks over `paths` in a browser of its own, in one tab.

    Returns the problems by page, and the schemes the full axe run saw."""
    report: dict[str, list[str]] = {}
    schemes_with_all_rules = set()
    with chromium() as browser, Visit(browser, site, color_scheme="light") as visit:
        for path in paths:
            page = visit.open(site["root"] + path)
            visit.draw_diagrams()
            scheme = page.get_attribute("body", "data-md-color-scheme")
            schemes_with_all_rules.add(scheme)
            problems = [f"{scheme}: {v}" for v in axe_violations(page)]
            other = switch_colour_scheme(page)
            problems += [f"{other}: {v}" for v in axe_violations(page, ["color-contrast", "link-in-text-block"])]
            page.set_viewport_size(PHONE)
            overflow = horizontal_overflow(page)
            if overflow > 0:
                problems.append(f"scrolls sideways by {overflow} px at 390 px wide")
            page.set_viewport_size(DESKTOP)
            problems += visit.problems()
            visit.errors.clear(), visit.failed.clear(), visit.external.clear()
            if problems:
                report["/" + path] = problems
    return report, schemes_with_all_rules


@pytest.mark.timeout(1800)  # ~60 pages with axe: minutes on a 2-core runner
def test_every_page_loads_cleanly_is_accessible_in_both_schemes_and_fits_a_phone(site):
    """One pass over the sitemap; each page is loaded once.

    Per page: load it, draw its diagrams, run every axe rule in the scheme it
    opened in, switch scheme with the header toggle and run the colour rules
    again, then measure sideways scroll at 390 px. The toggle is remembered, so
    each walker's pages open alternately light and dark: both schemes get every
    rule somewhere and the colour rules everywhere."""
    shares = [site["pages"][start::WALKERS] for start in range(WALKERS)]
    with ThreadPoolExecutor(max_workers=WALKERS) as pool:
        walks = list(pool.map(lambda paths: walk(site, paths), shares))
    report = {path: problems for found, _ in walks for path, problems in found.items()}
    schemes_with_all_rules = set().union(*(schemes for _, schemes in walks))
    assert len(site["pages"]) > 40
    assert schemes_with_all_rules == {"default", "slate"}
    assert report == {}, json.dumps(report, indent=1, ensure_ascii=False)


# ---- Screenshots to look at --------------------------------------------------------

@pytest.mark.parametrize("name,path", [("home", ""), ("notebook", "notebooks/02-indexes/")])
def test_screenshots_at_desktop_and_phone_width(browser, site, name, path):
    with Visit(browser, site) as visit:
        page = visit.open(site["root"] + path)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-1280.png"))
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(SHOTS / f"{name}-390.png"))
        assert visit.problems() == []


def wait_for_swap(page):
    """Material changes the address first, then swaps in the page: wait for its head (canonical link)."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => (document.querySelector('link[rel=canonical]') || {href: ''})"
                           ".href.endsWith(location.pathname)")


# ---- Navigation --------------------------------------------------------------------

def test_next_walks_the_notebooks_in_numeric_order(browser, site):
    with Visit(browser, site) as visit:
        page = visit.open(site["root"] + "notebooks/01-data-model/")
        numbers = [1]
        while True:
            following = page.locator("a.md-footer__link--next")
            if following.count() == 0:
                break
            current = page.url
            following.click()  # instant navigation or a full load: wait for the new page either way
            page.wait_for_url(lambda url: url != current)
            wait_for_swap(page)
            match = re.search(r"/notebooks/(\d+)-", page.url)
            if not match:
                break
            numbers.append(int(match.group(1)))
        assert numbers == list(range(1, 12))


def test_sidebar_lists_notebooks_in_numeric_order(browser, site):
    with Visit(browser, site) as visit:
        page = visit.open(site["root"] + "notebooks/")
        hrefs = page.eval_on_selector_all("nav.md-nav--primary a.md-nav__link",
                                          "links => links.map(a => a.getAttribute('href'))")
        numbers = [int(m.group(1)) for h in hrefs if (m := re.search(r"(\d\d)-[a-z]", h))]
        assert numbers == sorted(numbers) and set(numbers) == set(range(1, 12))


def test_missing_page_gets_a_helpful_404_under_the_sub_path(browser, site):
    with Visit(browser, site) as visit:
        page = visit.page
        response = page.goto(site["root"] + "principles/no-such-page/", wait_until="load")
        assert response.status == 404
        visit.failed.clear(), visit.errors.clear()  # the 404 itself is expected
        text = page.locator("article").inner_text()
        assert "Page not found" in text
        for link in ("Principles", "Patterns", "Notebooks", "Reference"):
            href = page.locator("article").get_by_role("link", name=link, exact=True).get_attribute("href")
            assert page.request.get(urljoin(page.url, href)).status == 200, (link, href)
        assert visit.problems() == []  # stylesheets and scripts load from the sub-path


# ---- Notebook pages ----------------------------------------------------------------

def test_notebook_page_offers_its_download_and_the_run_yourself_page(browser, site):
    with Visit(browser, site) as visit:
        page = visit.open(site["root"] + "notebooks/02-indexes/")
        download = page.locator(".guide-notebook-banner a[download]")
        notebook = page.request.get(urljoin(page.url, download.get_attribute("href")))
        assert notebook.status == 200
        assert json.loads(notebook.body())["cells"], "the download is a notebook"
        page.locator(".guide-notebook-banner").get_by_role("link", name="Run the notebooks yourself").click()
        page.wait_for_url("**/notebooks/run-yourself/")
        page.wait_for_selector("article h1:has-text('Run the notebooks yourself')")
        assert "make lab" in page.content()
        assert visit.problems() == []


def test_notebook_plot_is_described_svg_that_follows_the_colour_scheme(browser, site):
    colours = {}
    for scheme in ("light", "dark"):
        with Visit(browser, site, color_scheme=scheme) as visit:
            page = visit.open(site["root"] + "notebooks/02-indexes/")
            plot = page.locator(".jp-OutputArea svg[role=img]").first
            label = plot.get_attribute("aria-label")
            assert "documents read" in label.lower() and "messages in the table" in label.lower()
            colours[scheme] = plot.evaluate("svg => getComputedStyle(svg.querySelector('text')).fill")
            assert page.locator("img[alt='No description has been provided for this image']").count() == 0
    assert colours["light"] != colours["dark"], colours


def test_notebook_code_has_materials_copy_button_and_no_jupyter_css(browser, site):
    with Visit(browser, site) as visit:
        page = visit.open(site["root"] + "notebooks/01-data-model/")
        assert page.locator("article style").count() == 0
        block = page.locator(".jp-CodeCell .highlight pre > code").first
        block.scroll_into_view_if_needed()
        page.wait_for_selector(".jp-CodeCell .md-code__button, .jp-CodeCell button.md-clipboard", timeout=10_000)
        sheets = page.eval_on_selector_all("link[rel=stylesheet]", "ls => ls.map(l => l.href)")
        assert any(s.endswith("/stylesheets/notebook.css") for s in sheets)


# ---- Diagrams ----------------------------------------------------------------------

def test_long_diagram_is_split_labelled_and_enlarges(browser, site):
    with Visit(browser, site) as visit:
        page = visit.open(site["root"] + "architecture/clerk-convex-polar/")
        visit.draw_diagrams()
        captions = page.locator("figure.guide-diagram figcaption").all_inner_texts()
        parts = [c for c in captions if "Polar subscription webhook, part" in c]
        assert len(parts) == 2, captions
        figure = page.locator("figure.guide-diagram").last
        before = figure.locator(".mermaid").bounding_box()["width"]
        figure.get_by_role("button", name="Enlarge diagram").click()
        assert "guide-diagram--zoomed" in figure.get_attribute("class")
        assert figure.locator(".mermaid").bounding_box()["width"] > before * 1.3
        page.keyboard.press("Escape")
        assert "guide-diagram--zoomed" not in figure.get_attribute("class")
        assert visit.problems() == []


def test_mermaid_is_fetched_only_when_a_diagram_nears_the_screen(browser, site):
    with Visit(browser, site) as visit:
        fetched: list[str] = []
        visit.page.on("request", lambda request: "mermaid" in request.url and fetched.append(request.url))
        page = visit.open(site["root"] + "principles/performance/")  # no diagram
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(300)
        assert fetched == []
        page = visit.open(site["root"] + "patterns/paginate/")
        first = page.locator("figure.guide-diagram").first
        assert first.bounding_box()["y"] > 2 * DESKTOP["height"], "pick a page whose first diagram is far down"
        page.wait_for_timeout(300)
        assert fetched == []
        visit.draw_diagrams()
        assert len(fetched) == 1 and urlparse(fetched[0]).path.startswith(urlparse(site["root"]).path)
        assert visit.problems() == []


def test_search_index_is_fetched_only_when_the_reader_reaches_for_search(browser, site):
    with Visit(browser, site) as visit:
        fetched: list[str] = []
        visit.page.on("request", lambda request: "search_index" in request.url and fetched.append(request.url))
        page = visit.open(site["root"] + "principles/performance/")
        page.wait_for_load_state("networkidle")
        assert fetched == []
        page.keyboard.press("/")  # Material's shortcut to the search box
        page.wait_for_function("() => /Type to start searching/.test("
                               "document.querySelector('.md-search-result__meta').textContent)", timeout=20_000)
        assert len(fetched) == 1
        page.keyboard.type("withIndex")
        page.wait_for_selector(".md-search-result__item")
        assert visit.problems() == []


def test_page_scripts_work_after_instant_navigation(browser, site):
    """Material swaps pages without reloading: guide.js must set up each page it swaps in."""
    with Visit(browser, site, permissions=["clipboard-read", "clipboard-write"]) as visit:
        page = visit.open(site["root"])
        page.wait_for_load_state("networkidle")  # Material takes over links once it has the sitemap
        page.evaluate("window.__sameDocument = true")

        def follow(path: str):
            """Click a visible link to `path`, on the page or in the header tabs."""
            page.locator(f'a[href$="/{path}"]:visible').first.click()
            page.wait_for_url("**/" + path)
            wait_for_swap(page)
            assert page.evaluate("window.__sameDocument === true"), f"{path} was a full page load"

        follow("reference/review-checklist/")
        page.get_by_role("button", name="Copy as Markdown").click()
        page.wait_for_function("document.querySelector('.guide-checklist-tools output').value.startsWith('Copied')")
        assert page.locator(".task-list-item input[type=checkbox]").first.is_enabled()

        follow("architecture/")
        follow("architecture/clerk-convex-polar/")
        visit.draw_diagrams()
        figure = page.locator("figure.guide-diagram").first
        figure.get_by_role("button", name="Enlarge diagram").click()
        assert "guide-diagram--zoomed" in figure.get_attribute("class")
        page.keyboard.press("Escape")

        follow("notebooks/")
        follow("notebooks/02-indexes/")
        sheets = page.eval_on_selector_all("link[rel=stylesheet]", "ls => ls.map(l => l.href)")
        assert any(s.endswith("/stylesheets/notebook.css") for s in sheets)
        assert page.locator(".jp-OutputArea svg[role=img]").count() > 0
        assert page.locator(".guide-checklist-tools").count() == 0
        assert visit.problems() == []  # no CDN fetch for mermaid, no script error


def test_page_footer_has_feedback_edit_link_and_breadcrumbs(browser, site):
    with Visit(browser, site) as visit:
        page = visit.open(site["root"] + "patterns/paginate/")
        crumbs = page.locator("nav.md-path").inner_text()
        assert "Patterns" in crumbs
        feedback = page.locator("aside.guide-feedback")
        assert "Was this page helpful?" in feedback.inner_text()
        for name in ("Yes", "No"):
            href = feedback.get_by_role("link", name=re.compile(f"^{name}")).get_attribute("href")
            assert re.match(r"https://github\.com/[^/]+/[^/]+/issues/new\?title=Feedback", href), href
        edit = page.locator("a.md-content__button[href*='/edit/main/docs/patterns/paginate.md']")
        assert edit.count() == 1
        assert page.locator("header a.md-source").get_attribute("href").startswith("https://github.com/")
        assert visit.problems() == []


# ---- Review checklist --------------------------------------------------------------

def test_review_checklist_ticks_persist_and_copy_as_markdown(browser, site):
    with Visit(browser, site, permissions=["clipboard-read", "clipboard-write"]) as visit:
        url = site["root"] + "reference/review-checklist/"
        page = visit.open(url)
        boxes = page.locator(".task-list-item input[type=checkbox]")
        assert boxes.count() > 20
        second = boxes.nth(1)
        label = second.get_attribute("aria-label")
        assert label and second.is_enabled()
        second.check(force=True)  # Material draws its own box over the input
        page.reload(wait_until="load")
        assert page.locator(".task-list-item input[type=checkbox]").nth(1).is_checked()
        assert not page.locator(".task-list-item input[type=checkbox]").nth(0).is_checked()
        page.get_by_role("button", name="Copy as Markdown").click()
        page.wait_for_function("document.querySelector('.guide-checklist-tools output').value.startsWith('Copied')")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("# ")
        assert f"- [x] {label}" in copied
        assert copied.count("- [ ] ") == boxes.count() - 1
        assert visit.problems() == []


# ---- Search ------------------------------------------------------------------------

# What a reader types, and the page that must be in the first three results.
SEARCHES = [
    ("withIndex", "principles/performance/"),
    (".withIndex", "principles/performance/"),
    ("withIndex(", "principles/performance/"),
    ("ConvexError", "patterns/write-a-service/"),
    ("paginate", "patterns/paginate/"),
    ("pagination", "patterns/paginate/"),
    ("usePaginatedQuery", "patterns/paginate/"),
    ("full text search", "patterns/full-text-search/"),
    ("vector search", "patterns/vector-search/"),
    ("webhook signature", "patterns/webhooks-with-http-actions/"),
    ("httpAction", "patterns/webhooks-with-http-actions/"),
    ("runAfter", "patterns/scheduling-and-crons/"),
    ("cron", "patterns/scheduling-and-crons/"),
    ("ctx.auth.getUserIdentity", "patterns/authentication/"),
    ("getUserIdentity", "patterns/authentication/"),
    ("Clerk", "architecture/clerk-convex-polar/"),
    ("Polar", "architecture/clerk-convex-polar/"),
    ("optimistic update", "patterns/optimistic-updates/"),
    ("zod", "patterns/validate-with-zod/"),
    ("convex-test", "patterns/testing-with-convex-test/"),
    ("storage.generateUploadUrl", "patterns/file-storage/"),
    ("review checklist", "reference/review-checklist/"),
    ("limits", "reference/limits/"),
    ("repository", "patterns/write-a-repository/"),
    ("internalMutation", "principles/function-organisation/"),
    ("transaction", "principles/transactions/"),
    ("preloadQuery", "patterns/nextjs-app-router/"),
    ("OCC", "principles/transactions/"),
]


def search(page, query: str) -> list[str]:
    """The pages of the first three results of the site's own search box, as URL paths."""
    box = page.locator("input.md-search__input")
    meta = page.locator(".md-search-result__meta")
    # Material reads the box on keyup: fill, then press a key that does not type.
    box.fill("")  # back to "Type to start searching", so old results cannot pass for new ones
    box.press("End")
    page.wait_for_function("() => !/matching/.test(document.querySelector('.md-search-result__meta').textContent)")
    box.fill(query)
    box.press("End")
    previous, stable = None, 0
    for attempt in range(150):  # results arrive from a web worker: wait until they settle
        page.wait_for_timeout(100)
        if "matching" not in (meta.text_content() or ""):
            if attempt % 20 == 19:  # typed before the worker had loaded the index: type again
                box.fill(query)
                box.press("End")
            continue
        current = page.eval_on_selector_all(
            ".md-search-result__list > .md-search-result__item > a.md-search-result__link",
            "links => [...new Set(links.map(a => a.href.split(/[?#]/)[0]))].slice(0, 3)")
        stable = stable + 1 if current == previous else 0
        if stable >= 2:
            return [urlparse(url).path for url in current]
        previous = current
    raise AssertionError(f"search for {query!r} never settled (last: {meta.text_content()!r})")


def test_search_finds_what_a_reader_types(browser, site):
    with Visit(browser, site) as visit:
        misses = {}
        page = visit.open(site["root"])
        page.locator("label.md-search__icon, .md-search__input").first.click()
        for query, expected in SEARCHES:
            top = [path[len(urlparse(site["root"]).path):].split("#")[0] for path in search(page, query)]
            if expected not in top:
                misses[query] = {"expected": expected, "top 3": top}
        assert visit.problems() == []
    assert len(SEARCHES) >= 20
    assert misses == {}, json.dumps(misses, indent=1)


def test_search_index_has_no_page_furniture(site):
    index = json.loads((site["dir"] / "search" / "search_index.json").read_text(encoding="utf-8"))
    for entry in index["docs"]:
        where = entry["location"]
        for text in (entry["title"], entry["text"]):
            assert "Copied!" not in text and "¶" not in text, where
            assert not re.search(r"(In|Out)\s*\[\d*\]:", text), where
            assert "accTitle" not in text and "sequenceDiagram" not in text, where  # diagram sources
