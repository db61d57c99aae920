#!/usr/bin/env python3
"""Page weight and Lighthouse scores of the built site (part of `make bench`; numbers, not assertions).

Builds the site (notebooks from the cache), serves it under its sub-path on
127.0.0.1 as GitHub Pages would, and for the home page, a text page, a page
with diagrams and a notebook page prints
  * bytes transferred (uncompressed: the server sends no compression) and requests,
    measured in headless Chromium, and what opening the search adds (the search
    index is fetched only then: see overrides/main.html);
  * Lighthouse 12 scores (performance, accessibility, best practices, SEO),
    desktop preset, run on Debian's Chromium.

Goals (issue "The published site"): a text page under 500 KB; Lighthouse
accessibility, best practices and SEO 100, performance 95 or more.

    python scripts/bench_site.py [--site DIR] [--no-lighthouse]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
LIGHTHOUSE = REPO / "snippets" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = [("home", ""), ("principle page", "principles/performance/"),
         ("page with diagrams", "principles/data-model-first/"), ("notebook", "notebooks/02-indexes/")]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def build(site_dir: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "CONVEX_URL"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
                            cwd=REPO, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stdout, result.stderr, file=sys.stderr)
        raise SystemExit("site build failed")


def sub_path(site_dir: Path) -> str:
    first = next(e.text for e in ElementTree.parse(site_dir / "sitemap.xml").iter() if e.tag.endswith("loc"))
    path = urlparse(first).path
    return path if path.endswith("/") else path + "/"


def serve(site_dir: Path, base: str) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path):
            path = urlparse(path).path
            inside = path[len(base) - 1:] if path.startswith(base) else "/__outside__"
            return super().translate_path(inside)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{base}"


def body_size(request) -> int:
    """Bytes of a response body; a worker's script reports 0 in sizes(), so ask the response."""
    size = request.sizes()["responseBodySize"]
    response = request.response()
    return size or (len(response.body()) if response is not None else 0)


def weights(root: str) -> list[list[str]]:
    """What a first visit loads (until the network is quiet), then what opening the search adds."""
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS[1:], headless=True)
        for label, path in PAGES:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            finished: list = []
            context.on("requestfinished", lambda request: finished.append(request))
            page.goto(root + path, wait_until="networkidle")
            page.wait_for_timeout(1000)  # late starters: the search worker, the sitemap for instant navigation
            sizes = [body_size(request) for request in finished]
            page.locator("input.md-search__input").click()
            page.wait_for_function("() => /Type to start searching/.test("
                                   "document.querySelector('.md-search-result__meta').textContent)", timeout=30_000)
            searched = sum(body_size(request) for request in finished[len(sizes):])
            html = len(page.request.get(root + path).body())
            rows.append([label, f"/{path}", f"{sum(sizes) / 1024:.0f} KB", str(len(sizes)), f"{html / 1024:.0f} KB",
                         f"+{searched / 1024:.0f} KB"])
            context.close()
        browser.close()
    return rows


def lighthouse(root: str) -> list[list[str]]:
    rows = []
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    for label, path in PAGES:
        with tempfile.TemporaryDirectory() as profile:
            flags = " ".join([*CHROMIUM_FLAGS, f"--user-data-dir={profile}"])
            result = subprocess.run(
                [str(LIGHTHOUSE), root + path, "--quiet", "--output=json", "--preset=desktop",
                 f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}"],
                capture_output=True, text=True, env=env, timeout=300)
        if result.returncode != 0:
            rows.append([label, f"/{path}", "failed: " + result.stderr.strip().splitlines()[-1][:80]])
            continue
        report = json.loads(result.stdout)
        scores = [report["categories"][c]["score"] for c in CATEGORIES]
        failing = [audit["id"] for audit in report["audits"].values()
                   if audit.get("score") is not None and audit["score"] < 0.9
                   and audit.get("scoreDisplayMode") in ("binary", "numeric")]
        rows.append([label, f"/{path}", *[str(round(s * 100)) for s in scores], ", ".join(failing[:4]) or "-"])
    return rows


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) if i < len(r) else 0 for r in rows)) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths))  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, help="an already built site (default: build one)")
    parser.add_argument("--no-lighthouse", action="store_true", help="page weight only")
    args = parser.parse_args()
    if not CHROMIUM:
        raise SystemExit("Debian's chromium is needed: run `make install` as root, or apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp:
        site_dir = args.site or Path(tmp) / "site"
        if args.site is None:
            build(site_dir)
        server, root = serve(site_dir, sub_path(site_dir))
        try:
            print(f"site served at {root}")
            print("\npage weight (desktop, first visit, uncompressed)")
            print(table(["page", "path", "transferred", "requests", "HTML", "opening search"], weights(root)))
            if not args.no_lighthouse:
                if not LIGHTHOUSE.is_file():
                    raise SystemExit(f"{LIGHTHOUSE.relative_to(REPO)} is missing: run `make install`")
                print("\nLighthouse 12 (desktop preset)")
                print(table(["page", "path", "perf", "a11y", "best practices", "SEO", "audits below 0.9"],
                            lighthouse(root)), flush=True)
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
