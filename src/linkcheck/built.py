"""Anchors read from a built site (``--site-dir site/``).

Some ids exist only once the site is built: mkdocstrings writes one per
documented object (``#mypkg.module.func``), hooks and plugins add their own.
No reading of the Markdown can know them, so when a fragment is not among the
ids modelled from the source, the page's HTML in the built site is asked too.
A page missing from the built site (not built yet, or stale) simply adds
nothing: the verdict is then the one from the source alone.
"""

from __future__ import annotations

from pathlib import Path

from .htmlscan import normalise_fragment, scan_html


class BuiltSite:
    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        self._anchors: dict[Path, frozenset[str]] = {}

    def html_file(self, page_url: str) -> Path:
        """The file behind a site URL (``a/b/`` or the folder ``a/b`` ->
        ``a/b/index.html``; anything else is the file itself)."""

        path = self.site_dir / page_url
        if not page_url or page_url.endswith("/") or path.is_dir():
            return path / "index.html"
        return path

    def anchors(self, page_url: str) -> frozenset[str]:
        """Every id and ``<a name>`` of the built page (empty when it is missing
        or unreadable: the built site is a second opinion, not a requirement)."""

        path = self.html_file(page_url)
        if path not in self._anchors:
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                self._anchors[path] = frozenset()
            else:
                self._anchors[path] = frozenset(normalise_fragment(i) for i in scan_html(text).ids)
        return self._anchors[path]
