"""HTML: links in raw HTML snippets, and the anchor ids a page defines.

Both use the standard library's incremental ``HTMLParser``: it tolerates broken
markup, reports line numbers, and -- for remote pages -- can be fed chunk by
chunk so the download stops as soon as every wanted anchor has been seen.
"""

from __future__ import annotations

import unicodedata
from html.parser import HTMLParser
from urllib.parse import unquote

#: (tag, attribute) pairs whose value is a link target worth checking.
LINK_ATTRS: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "img": ("src",),
    "source": ("src",),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "script": ("src",),
    "link": ("href",),
    "track": ("src",),
}

#: <link rel=...> values whose href is an origin or a hint, not a page.
_HINT_RELS = {"preconnect", "dns-prefetch", "preload", "prefetch", "modulepreload"}


def normalise_fragment(fragment: str) -> str:
    """Fragments compare after percent-decoding and Unicode NFC, the way a
    browser matches ``#Z%C3%BCrich`` to ``id="Zürich"``."""

    return unicodedata.normalize("NFC", unquote(fragment))


class LinkAndIdParser(HTMLParser):
    """Collects link targets (with 1-based line within the fed text) and ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, int]] = []
        self.ids: set[str] = set()
        self.has_markdown_attr = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        line = self.getpos()[0]
        if "id" in values and values["id"]:
            self.ids.add(values["id"])
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"])
        if "markdown" in values:
            self.has_markdown_attr = True
        if tag == "link" and set(values.get("rel", "").lower().split()) & _HINT_RELS:
            return
        for attr in LINK_ATTRS.get(tag, ()):
            value = values.get(attr, "").strip()
            if value:
                self.links.append((value, line))
        if tag in ("img", "source") and values.get("srcset"):
            for candidate in values["srcset"].split(","):
                url = candidate.strip().split(" ")[0]
                if url:
                    self.links.append((url, line))

    handle_startendtag = handle_starttag


def scan_html(text: str) -> LinkAndIdParser:
    parser = LinkAndIdParser()
    parser.feed(text)
    parser.close()
    return parser


class AnchorFinder(HTMLParser):
    """Incremental id / ``<a name>`` collector for a remote page.

    ``wanted`` holds normalised fragments; :attr:`satisfied` turns true once all
    of them have been seen, so the caller can stop downloading.
    """

    def __init__(self, wanted: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted = set(wanted)
        self.found: set[str] = set()

    def _saw(self, value: str) -> None:
        norm = normalise_fragment(value) if "%" in value else unicodedata.normalize("NFC", value)
        if norm in self.wanted:
            self.found.add(norm)
        # GitHub renders README headings as id="user-content-x" and lets a
        # script resolve "#x", so the prefixed form counts as the plain one.
        if norm.startswith("user-content-") and norm[13:] in self.wanted:
            self.found.add(norm[13:])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if not value:
                continue
            if key == "id" or (key == "name" and tag == "a"):
                self._saw(value)

    handle_startendtag = handle_starttag

    @property
    def satisfied(self) -> bool:
        return self.found >= self.wanted
