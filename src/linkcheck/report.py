"""Reports: a terminal summary, JSON for tools, Markdown for an issue, GitHub
annotations for a pull request, and a progress bar for humans who wait.

What needs action comes first (broken, then redirected), and every result
names all the places the link is written, so fixing it is a search away.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import TextIO

from .checker import Report
from .model import REPORT_ORDER, Result, Status

_TITLES = {
    Status.BROKEN: "Broken",
    Status.REDIRECTED: "Moved permanently (update the link)",
    Status.ERROR: "Could not check (network, rate limit or server error)",
    Status.BLOCKED: "Blocked by a bot wall or log-in (not counted as broken)",
    Status.SKIPPED: "Skipped",
    Status.OK: "OK",
}


def to_json(report: Report) -> str:
    data = {
        "summary": report.counts,
        "results": [r.to_json() for r in _ordered(report.results)],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _ordered(results: list[Result]) -> list[Result]:
    rank = {status: i for i, status in enumerate(REPORT_ORDER)}
    return sorted(results, key=lambda r: (rank[r.status], r.url))


def _summary_line(report: Report) -> str:
    c = report.counts
    parts = [f"{c[s.value]} {s.value}" for s in REPORT_ORDER if c[s.value]]
    return f"{c['total']} links in {report.files} files: " + (", ".join(parts) if parts else "nothing to check")


def to_text(report: Report, verbose: bool = False) -> str:
    lines: list[str] = []
    by_status: dict[Status, list[Result]] = {}
    for result in _ordered(report.results):
        by_status.setdefault(result.status, []).append(result)
    for status in REPORT_ORDER:
        group = by_status.get(status, [])
        if not group:
            continue
        if status in (Status.OK, Status.SKIPPED) and not verbose:
            continue
        lines.append(f"{_TITLES[status]} ({len(group)}):")
        for result in group:
            code = f" [{result.http_status}]" if result.http_status else ""
            lines.append(f"  {result.url}{code}")
            if result.message:
                lines.append(f"      {result.message}")
            if result.status is Status.REDIRECTED and result.final_url:
                lines.append(f"      new address: {result.final_url}")
            for source in result.sources:
                lines.append(f"      at {source}")
        lines.append("")
    for error in report.input_errors:
        lines.append(f"input error: {error}")
    if report.input_errors:
        lines.append("")
    lines.append(_summary_line(report))
    if report.requests or report.cache_hits:
        lines.append(f"{report.requests} HTTP requests, {report.cache_hits} answers from the cache")
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(report: Report) -> str:
    c = report.counts
    out = ["# Link check report", ""]
    verdict = "All links work." if c["broken"] == 0 else f"**{c['broken']} broken link(s).**"
    out += [verdict, "", "| Outcome | Links |", "|---|---:|"]
    for status in REPORT_ORDER:
        out.append(f"| {status.value} | {c[status.value]} |")
    out.append(f"| **total** | **{c['total']}** |")
    out.append("")
    grouped: dict[Status, list[Result]] = {}
    for result in _ordered(report.results):
        grouped.setdefault(result.status, []).append(result)
    for status in (Status.BROKEN, Status.REDIRECTED, Status.ERROR, Status.BLOCKED):
        group = grouped.get(status)
        if not group:
            continue
        out += [f"## {_TITLES[status]} ({len(group)})", ""]
        header = "| Link | Problem | New address | Where |" if status is Status.REDIRECTED else "| Link | Problem | Where |"
        out += [header, "|---|---|---|---|" if status is Status.REDIRECTED else "|---|---|---|"]
        for r in group:
            where = "<br>".join(f"`{s}`" for s in r.sources)
            problem = _md_cell(r.message or (f"HTTP {r.http_status}" if r.http_status else ""))
            cells = [f"<{r.url}>" if r.url.startswith("http") else f"`{_md_cell(r.url)}`", problem]
            if status is Status.REDIRECTED:
                cells.append(f"<{r.final_url}>" if r.final_url else "")
            cells.append(where)
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    if report.input_errors:
        out += ["## Files that could not be read", ""]
        out += [f"- `{e}`" for e in report.input_errors]
        out.append("")
    skipped = grouped.get(Status.SKIPPED, [])
    if skipped:
        out += [f"<details><summary>Skipped ({len(skipped)})</summary>", ""]
        out += [f"- `{_md_cell(r.url)}`: {_md_cell(r.message)}" for r in skipped]
        out += ["", "</details>", ""]
    out.append(f"_{_summary_line(report)}_")
    return "\n".join(out) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(report: Report) -> str:
    """Workflow commands: an error per place a broken link is written (shown
    inline on the pull request), a warning per permanent redirect."""

    lines: list[str] = []
    for result in _ordered(report.results):
        if result.status is Status.BROKEN:
            level, title = "error", "Broken link"
        elif result.status is Status.REDIRECTED:
            level, title = "warning", "Link moved permanently"
        else:
            continue
        detail = result.message
        if result.status is Status.REDIRECTED and result.final_url:
            detail = f"now at {result.final_url}"
        for source in result.sources:
            props = f"file={_escape_property(source.path)},line={source.line},title={_escape_property(title)}"
            lines.append(f"::{level} {props}::{_escape_data(f'{result.url}: {detail}')}")
    for error in report.input_errors:
        props = f"file={_escape_property(error.path)}" + (f",line={error.line}" if error.line else "")
        lines.append(f"::error {props},title=Unreadable file::{_escape_data(error.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes") or os.environ.get("GITHUB_ACTIONS") == "true"


class ProgressBar:
    """A one-line bar on stderr, only on an interactive terminal: piped output
    and CI logs get no carriage-return noise."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = (self.stream.isatty() and not under_ci()) if enabled is None else enabled
        self._last = 0.0
        self._lock = threading.Lock()
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        with self._lock:
            if done < total and now - self._last < 0.1:
                return
            self._last = now
            width = 30
            filled = int(width * done / total) if total else width
            self.stream.write(f"\rChecking links [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            self.stream.flush()
            self._drawn = True

    def finish(self) -> None:
        if self.enabled and self._drawn:
            self.stream.write("\r" + " " * 70 + "\r")
            self.stream.flush()
