#!/usr/bin/env python3
"""Micro-benchmark: one page with tens of thousands of internal links.

Real sites have changelogs and API indexes with thousands of links on one page.
This generates a small MkDocs project in a temporary directory -- one big page
whose links point at a hundred other pages (with anchors, some missing), at its
own headings, at images and at directory URLs, in inline, reference and HTML
form -- and times ``scripts/check_links.py --no-external`` on it, end to end,
as a user runs it. Nothing is asserted: the numbers are printed.

    .venv/bin/python scripts/bench_links_bigpage.py               # 50,000 links
    .venv/bin/python scripts/bench_links_bigpage.py --links 5000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_PAGES = 100
HEADINGS_PER_PAGE = 20


def write_site(root: Path, links: int) -> None:
    """The project: one big page (every tenth link points at a missing anchor)."""

    docs = root / "docs"
    (docs / "ref").mkdir(parents=True)
    (docs / "img").mkdir()
    (root / "mkdocs.yml").write_text(
        "site_name: Big page\nmarkdown_extensions:\n  - attr_list\n  - toc:\n      permalink: true\n",
        encoding="utf-8",
    )
    for page in range(TARGET_PAGES):
        headings = "\n\n".join(f"## Section {n} of page {page}" for n in range(HEADINGS_PER_PAGE))
        (docs / "ref" / f"page{page}.md").write_text(f"# Page {page}\n\n{headings}\n", encoding="utf-8")
    for image in range(10):
        (docs / "img" / f"i{image}.png").write_bytes(b"\x89PNG")
    lines = ["# Index", "", *(f"## Local {n}" for n in range(50)), ""]
    for n in range(links):
        page = n % TARGET_PAGES
        section = n % HEADINGS_PER_PAGE
        form = n % 10
        if form < 4:
            lines.append(f"- [p{n}](ref/page{page}.md#section-{section}-of-page-{page})")
        elif form == 4:
            lines.append(f"- [p{n}](ref/page{page}.md#no-such-section)")
        elif form == 5:
            lines.append(f"- [l{n}](#local-{n % 50})")
        elif form == 6:
            lines.append(f"- ![i{n}](img/i{n % 10}.png)")
        elif form == 7:
            lines.append(f"- [d{n}](ref/page{page}/)")
        elif form == 8:
            lines.append(f"- [r{n}][ref{page}]")
        else:
            lines.append(f'- <a href="ref/page{page}/#section-{section}-of-page-{page}">h{n}</a>')
    lines.append("")
    lines.extend(f"[ref{page}]: ref/page{page}.md" for page in range(TARGET_PAGES))
    (docs / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=50_000, help="links on the big page (default 50,000)")
    parser.add_argument("--runs", type=int, default=3, help="runs; the median is shown (default 3)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="linkbench-bigpage-"))
    try:
        write_site(workdir, args.links)
        cmd = [sys.executable, str(REPO / "scripts" / "check_links.py"), "docs", "--root", str(workdir),
               "--no-external", "--no-progress", "--format", "json"]
        walls: list[float] = []
        cpus: list[float] = []  # CPU seconds: steadier than wall time on a busy machine
        summary: dict[str, int] = {}
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.monotonic()
            proc = subprocess.run(cmd, capture_output=True, text=True, cwd=workdir)
            walls.append(time.monotonic() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            if proc.returncode not in (0, 1):
                print(proc.stderr, file=sys.stderr)
                return 1
            summary = json.loads(proc.stdout)["summary"]
        broken_occurrences = args.links // 10
        print(f"big page: {args.links} links on one page, {TARGET_PAGES} target pages; "
              f"{broken_occurrences} links to a missing anchor")
        print(f"  check_links.py --no-external: {statistics.median(walls):.2f} s wall, "
              f"{statistics.median(cpus):.2f} s CPU (medians of {len(walls)} runs; min wall {min(walls):.2f} s); "
              f"distinct targets {summary.get('total')}, broken {summary.get('broken')}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
