"""A person's view of the built site: headless Chromium (Debian's package) loads
the pages over loopback; nothing fails, nothing logs an error."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Flags for a closed network: no background calls home, no GPU.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]



class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output readable
        pass


@pytest.fixture(scope="module")
def site_url(built_site):
    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM, "Debian's chromium is not installed: run `make install` as root, or apt-get install chromium"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def visit(browser, url: str, screenshot: Path | None = None):
    """Loads a page and returns (page, console errors, failed requests)."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    failed: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda req: failed.append(f"{req.url} ({req.failure})"))
    page.on("response", lambda res: res.status >= 400 and failed.append(f"{res.url} ({res.status})"))
    page.goto(url, wait_until="networkidle")
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=False)
    return page, errors, failed


SHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"


def test_home_page_renders_cleanly_with_its_diagram(browser, site_url):
    page, errors, failed = visit(browser, f"{site_url}/", SHOTS / "home.png")
    assert errors == [] and failed == []
    assert "Convex Architecture Guide" in page.title()
    # Material swaps the diagram's source (pre.mermaid) for a rendered div whose
    # SVG sits in a closed shadow root: check the swap and the drawing's size.
    page.wait_for_selector("div.mermaid", timeout=15_000)
    assert page.locator("pre.mermaid").count() == 0
    assert page.locator("div.mermaid").first.bounding_box()["height"] > 100


def test_notebook_page_renders_outputs(browser, site_url):
    page, errors, failed = visit(browser, f"{site_url}/notebooks/01-data-model/", SHOTS / "notebook.png")
    assert errors == [] and failed == []
    assert page.locator("table").count() > 0
    assert "NOT_A_MEMBER" in page.content()


def test_principle_page_has_copyable_code(browser, site_url):
    page, errors, failed = visit(browser, f"{site_url}/principles/data-model-first/", SHOTS / "principle.png")
    assert errors == [] and failed == []
    code = page.locator("pre code").filter(has_text="defineTable").first
    code.scroll_into_view_if_needed()
    assert "--8<--" not in page.content()  # snippet markers never reach the page
    # content.code.copy: Material adds the copy button once a block is on screen.
    page.wait_for_selector(".md-code__button, button.md-clipboard", timeout=10_000)


def test_dark_mode_toggle_switches_scheme(browser, site_url):
    page, errors, _ = visit(browser, f"{site_url}/")
    before = page.get_attribute("body", "data-md-color-scheme")
    page.locator("label.md-header__button[for^='__palette']").first.click()
    after = page.get_attribute("body", "data-md-color-scheme")
    assert {before, after} == {"default", "slate"}
    assert errors == []
