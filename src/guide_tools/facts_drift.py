"""Drift check: does each registry fact still appear on its docs page?

`make links` runs this after the link checker (`python -m guide_tools.facts_drift`).
For every fact with an `expect` phrase it fetches the fact's docs page (each
page once), takes the text of the section the URL's anchor names (from that
heading to the next heading of the same or a higher level; the whole page
without an anchor), and looks for the phrase. Comparison ignores case, tags
and whitespace (so `30&nbsp;minutes` in a table cell matches "30 minutes").

A fact whose phrase is gone is *drifted*: Convex probably changed the number,
and the registry (and so every page) needs a look. A page that cannot be
fetched is *unreachable*, which says nothing about the fact, so it is reported
apart. Exit status: 0 all found, 1 drift found, 2 bad input or nothing
reachable.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import requests

from guide_tools import facts

USER_AGENT = "convex-architecture-guide facts drift check (+https://convex-architecture-guide.example.org/)"
_HEADING = re.compile(r"^h([1-6])$")
_SKIPPED_TAGS = {"script", "style", "noscript", "template"}
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower-case, entities decoded, every run of whitespace (nbsp too) one space."""
    return _SPACE.sub(" ", html.unescape(text).replace("\xa0", " ")).strip().lower()


class _Sections(HTMLParser):
    """Collects the page's text as (heading level or None, element id, text) pieces."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[int | None, str | None, str]] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip_depth += 1
            return
        ident = dict(attrs).get("id")
        match = _HEADING.match(tag)
        # Every tag separates words: "<td>Documents scanned</td><td>32,000</td>".
        self.pieces.append((int(match.group(1)) if match else None, ident, " "))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS and self._skip_depth:
            self._skip_depth -= 1
        else:
            self.pieces.append((None, None, " "))

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.pieces.append((None, None, data))


def section_text(page: str, anchor: str | None, content_type: str = "text/html") -> str | None:
    """The normalised text of the section `anchor` names; None if no element has that id.

    Plain-text pages (a raw CHANGELOG) have no sections: the whole text counts.
    """
    if "html" not in content_type:
        return normalise(page)
    parser = _Sections()
    parser.feed(page)
    parser.close()
    pieces = parser.pieces
    if anchor is None:
        return normalise("".join(text for _, _, text in pieces))
    start = next((i for i, (_, ident, _) in enumerate(pieces) if ident == anchor), None)
    if start is None:
        return None
    level = pieces[start][0]
    if level is None:
        # The id sits on an element inside the heading (Docusaurus puts it on
        # the <h2>, others on an <a>): use the heading that opened before it.
        level = next((lvl for lvl, _, _ in reversed(pieces[:start]) if lvl is not None), 6)
    end = next((i for i in range(start + 1, len(pieces))
                if pieces[i][0] is not None and pieces[i][0] <= level), len(pieces))
    return normalise("".join(text for _, _, text in pieces[start:end]))


@dataclass(frozen=True)
class Finding:
    fact_id: str
    url: str
    status: str   # "found", "drifted", "no-section", "unreachable"
    detail: str


def check(registry: facts.Registry, session: requests.Session | None = None,
          timeout: float = 15.0, retries: int = 2) -> list[Finding]:
    """Fetch each page once and look for every fact's phrase in its section."""
    own_session = session is None
    session = session or requests.Session()
    session.headers.setdefault("User-Agent", USER_AGENT)
    pages: dict[str, tuple[str, str] | str] = {}   # url -> (body, content type) or an error
    findings = []
    try:
        for item in registry.facts.values():
            if item.expect is None:
                continue
            if item.page not in pages:
                pages[item.page] = _fetch(session, item.page, timeout, retries)
            fetched = pages[item.page]
            if isinstance(fetched, str):
                findings.append(Finding(item.id, item.url, "unreachable", fetched))
                continue
            body, content_type = fetched
            text = section_text(body, item.anchor, content_type)
            if text is None:
                findings.append(Finding(item.id, item.url, "no-section",
                                        f"the page has no element with id {item.anchor!r}"))
            elif normalise(item.expect) in text:
                findings.append(Finding(item.id, item.url, "found", item.expect))
            else:
                findings.append(Finding(item.id, item.url, "drifted",
                                        f"expected {item.expect!r} ({item.what}: {item.text}) in this section"))
    finally:
        if own_session:
            session.close()
    return findings


def _fetch(session: requests.Session, url: str, timeout: float, retries: int) -> tuple[str, str] | str:
    for attempt in range(retries + 1):
        try:
            response = session.get(url, timeout=timeout)
        except requests.RequestException as error:
            problem = f"{type(error).__name__}: {error}"
        else:
            if response.status_code == 200:
                return response.text, response.headers.get("Content-Type", "text/html")
            problem = f"HTTP {response.status_code}"
            if response.status_code < 500 and response.status_code != 429:
                return problem
        if attempt < retries:
            time.sleep(0.5 * 2 ** attempt)
    return problem


def report(findings: list[Finding], registry: facts.Registry) -> str:
    """A Markdown report: the problems first, then a count of what held."""
    lines = [f"## Facts drift check ({registry.path.name}, {len(findings)} facts with a phrase)", ""]
    problems = [finding for finding in findings if finding.status != "found"]
    if not problems:
        lines.append("Every fact's phrase still appears on its docs page.")
    for finding in problems:
        lines.append(f"- **{finding.status}** `{finding.fact_id}`: <{finding.url}>: {finding.detail}")
    found = sum(finding.status == "found" for finding in findings)
    lines += ["", f"{found} found, {len(problems)} to look at."]
    return "\n".join(lines) + "\n"


def exit_status(findings: list[Finding]) -> int:
    if any(finding.status in ("drifted", "no-section") for finding in findings):
        return 1
    if findings and all(finding.status == "unreachable" for finding in findings):
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m guide_tools.facts_drift", description=__doc__.split("\n\n")[0])
    parser.add_argument("--registry", type=Path, default=facts.REGISTRY, help="the registry file (default: facts/convex.yml)")
    parser.add_argument("--output", "-o", type=Path, help="append the Markdown report to this file instead of printing it")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds per request (default 15)")
    args = parser.parse_args(argv)
    try:
        registry = facts.load(args.registry)
    except facts.RegistryError as error:
        print(f"facts_drift: {error}", file=sys.stderr)
        return 2
    findings = check(registry, timeout=args.timeout)
    text = report(findings, registry)
    if args.output:
        with args.output.open("a", encoding="utf-8") as out:
            out.write("\n" + text)
    else:
        sys.stdout.write(text)
    return exit_status(findings)


if __name__ == "__main__":
    sys.exit(main())
