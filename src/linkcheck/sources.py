"""Finding the files to read, reading their links, and knowing their anchors.

Each file type has its own idea of what a link is: Markdown pages (and README)
have real links; notebooks have Markdown cells plus outputs; source files only
have URLs in comments; YAML has URLs as values (and mkdocs.yml has nav pages).
Anchors are computed lazily and cached, because a page is often the target of
many links but only needs to be read once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from .comments import C_LIKE, HASH, comment_urls, find_urls
from .config import MkDocsProject, Settings
from .htmlscan import normalise_fragment, scan_html
from .includes import expand_includes
from .mdscan import MarkdownScan, MarkdownScanner, heading_anchor_ids, tab_anchor_ids
from .model import InputError, InternalError, Kind, Link, Location
from .notebook import read_notebook
from .paths import real_path
from .slugs import github_slugify, github_unique, notebook_slugify, unique_id

MARKDOWN = {".md", ".markdown", ".mdown"}
NOTEBOOK = {".ipynb"}
HTML = {".html", ".htm"}
YAML = {".yml", ".yaml"}
PLAIN = {".txt", ".rst"}
SKIP_DIRS = {"node_modules", "_generated", "__pycache__", "site", "build", "dist", "coverage"}

DEFAULT_PATHS = ("docs", "notebooks", "snippets", "README.md", "mkdocs.yml")

#: Larger source files are reported, not read: no real page is this big, and
#: reading one would only make the run slow for nothing.
MAX_SOURCE_BYTES = 64 * 1024 * 1024


def is_supported(path: Path) -> bool:
    suffix = path.suffix.lower()
    return suffix in MARKDOWN | NOTEBOOK | HTML | YAML | PLAIN | C_LIKE | HASH


def discover(
    paths: Iterable[Path],
    exclude_paths: list[re.Pattern[str]],
    root: Path,
    template_dirs: Iterable[Path] = (),
) -> list[Path]:
    """Expand directories into the files we understand, skipping dependency,
    build and hidden directories, and ``template_dirs`` (theme overrides: Jinja
    templates, whose links only exist once rendered). Explicitly named files
    are always read."""

    found: list[Path] = []
    seen: set[Path] = set()
    templates = {real_path(t) for t in template_dirs}

    def add(p: Path) -> None:
        rp = real_path(p)
        shown = display_path(rp, root)
        if rp in seen or any(rx.search(shown) for rx in exclude_paths):
            return
        seen.add(rp)
        found.append(rp)

    for path in paths:
        if path.is_file():
            add(path)
            continue
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")
                                 and real_path(Path(dirpath) / d) not in templates)
            for name in sorted(filenames):
                candidate = Path(dirpath) / name
                if is_supported(candidate):
                    add(candidate)
    return found


def display_path(path: Path, root: Path) -> str:
    try:
        return real_path(path).relative_to(real_path(root)).as_posix()
    except ValueError:
        return path.as_posix()


class SourceSet:
    """Reads files (each once) and answers "which anchors does this page have"."""

    def __init__(self, root: Path, project: MkDocsProject, settings: Settings) -> None:
        self.root = real_path(root)
        self.project = project
        self.settings = settings
        self.scanner = MarkdownScanner(emoji=project.emoji, snippets=project.snippet_base_paths is not None,
                                       md_in_html=project.md_in_html, raw_html_blocks=project.config_path is not None,
                                       attr_list=project.attr_list)
        #: files GitHub renders (README, anything outside the site): CommonMark's rules
        self.github_scanner = MarkdownScanner()
        self._anchors: dict[Path, set[str] | None] = {}
        self._line_counts: dict[Path, int] = {}
        #: files that failed to read while looking up their anchors
        self.errors: list[InputError] = []

    # -- helpers -------------------------------------------------------------
    def show(self, path: Path) -> str:
        return display_path(path, self.root)

    def in_docs(self, path: Path) -> bool:
        docs = self.project.docs_dir
        return docs is not None and real_path(path).is_relative_to(docs)

    def site_rel(self, path: Path) -> str | None:
        """Where a file sits in the site's source tree (docs_dir-relative, as
        MkDocs sees it), or None when the site does not publish it."""

        path = real_path(path)
        docs = self.project.docs_dir
        if docs is not None and path.is_relative_to(docs):
            return path.relative_to(docs).as_posix()
        for real, prefix in self.project.mounts.items():
            if path.is_relative_to(real):
                rest = path.relative_to(real).as_posix()
                return f"{prefix}/{rest}" if prefix else rest
        return None

    def real_of(self, site_rel: str) -> Path | None:
        """The file (or directory) behind a docs_dir-relative site path."""

        site_rel = site_rel.strip("/")
        for real, prefix in self.project.mounts.items():
            if prefix and (site_rel == prefix or site_rel.startswith(prefix + "/")):
                candidate = real / site_rel[len(prefix):].lstrip("/")
                if candidate.exists():
                    return candidate
        docs = self.project.docs_dir
        return docs / site_rel if docs is not None else None

    def in_site(self, path: Path) -> bool:
        return self.site_rel(path) is not None

    def _read(self, path: Path) -> str:
        try:
            size = path.stat().st_size
            if size > MAX_SOURCE_BYTES:
                raise InputError(self.show(path), None, f"too large to check ({size / 1e6:.0f} MB; the limit is "
                                 f"{MAX_SOURCE_BYTES / 1e6:.0f} MB)")
            # utf-8-sig: MkDocs reads pages this way, so a byte-order mark is not text
            return path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            line = path.read_bytes()[: exc.start].count(b"\n") + 1
            raise InputError(self.show(path), line, f"not UTF-8 text ({exc.reason})") from exc
        except OSError as exc:
            raise InputError(self.show(path), None, f"cannot read: {exc.strerror}") from exc

    # -- extraction ----------------------------------------------------------
    def extract(self, path: Path) -> list[Link]:
        """The links in one file. A file we cannot make sense of raises
        :class:`InputError`; a bug raises :class:`InternalError` naming the file."""

        try:
            return self._extract_file(path)
        except InputError:
            raise
        except RecursionError as exc:
            raise InputError(self.show(path), None, "nested too deeply to parse") from exc
        except Exception as exc:
            raise InternalError(self.show(path), exc) from exc

    def _extract_file(self, path: Path) -> list[Link]:
        suffix = path.suffix.lower()
        shown = self.show(path)
        src = str(path)
        links: list[Link] = []
        if suffix in MARKDOWN:
            text = self._read(path)
            scan = (self.scanner if self.in_site(path) else self.github_scanner).scan(text)
            self._remember_markdown(path, self._with_includes(path, text, scan))
            for found in scan.links + scan.includes:
                links.append(Link(found.target, Location(shown, found.line + 1), found.kind, src))
        elif suffix in NOTEBOOK:
            links.extend(self._extract_notebook(path, shown))
        elif suffix in HTML:
            text = self._read(path)
            parsed = scan_html(text)
            self._anchors[path] = {normalise_fragment(i) for i in parsed.ids}
            links.extend(Link(h, Location(shown, ln), Kind.HTML, src) for h, ln in parsed.links)
        elif suffix in YAML:
            links.extend(self._extract_yaml(path, shown))
        elif suffix in C_LIKE | HASH:
            text = self._read(path)
            links.extend(Link(u, Location(shown, ln), Kind.BARE, src) for u, ln in comment_urls(text, suffix))
        else:
            text = self._read(path)
            for idx, line in enumerate(text.split("\n")):
                links.extend(Link(u, Location(shown, idx + 1), Kind.BARE, src) for u, _ in find_urls(line))
        return links

    def _extract_notebook(self, path: Path, shown: str) -> list[Link]:
        nb = read_notebook(self._read(path), shown)
        scanner = self.github_scanner  # nbconvert renders cells with CommonMark's rules, not Python-Markdown's
        src = str(path)
        links: list[Link] = []
        anchors: set[str] = set()
        headings_toc: set[str] = set()
        for block in nb.blocks:
            def loc(idx: int) -> Location:
                idx = min(max(idx, 0), len(block.line_map) - 1)
                return Location(shown, block.line_map[idx], block.cell)

            if block.kind == "markdown":
                scan = scanner.scan(block.text)
                for _, text, explicit, _ in scan.headings:
                    anchors.add(explicit or notebook_slugify(text))
                    if self.project.slugify is not None:
                        unique_id(self.project.slugify(text, self.project.separator), headings_toc)
                anchors |= scan.html_ids | scan.attr_ids
                links.extend(Link(f.target, loc(f.line), f.kind, src) for f in scan.links + scan.includes)
            elif block.kind == "html":
                parsed = scan_html(block.text)
                anchors |= parsed.ids
                links.extend(Link(h, loc(ln - 1), Kind.HTML, src) for h, ln in parsed.links)
            elif block.kind == "code":
                suffix = ".py" if nb.language.lower() == "python" else ".ts" if "script" in nb.language.lower() else ".py"
                links.extend(Link(u, loc(ln - 1), Kind.BARE, src) for u, ln in comment_urls(block.text, suffix))
            else:
                for idx, line in enumerate(block.text.split("\n")):
                    links.extend(Link(u, loc(idx), Kind.BARE, src) for u, _ in find_urls(line))
        # mkdocs-jupyter's ids, plus the toc-style ids its table of contents
        # links to: accepting both avoids false alarms either way.
        self._anchors[path] = {normalise_fragment(a) for a in anchors | headings_toc}
        return links

    def _extract_yaml(self, path: Path, shown: str) -> list[Link]:
        text = self._read(path)
        src = str(path)
        links: list[Link] = []
        for idx, line in enumerate(text.split("\n")):
            if re.match(r"^\s*site_url\s*:", line):
                continue  # the site's own address: it is what we are building
            links.extend(Link(u, Location(shown, idx + 1), Kind.BARE, src) for u, _ in find_urls(line))
        if self.project.config_path is not None and real_path(path) == real_path(self.project.config_path):
            for entry in self.project.nav:
                links.append(Link(entry.target, Location(shown, entry.line), Kind.NAV, src))
        return links

    # -- anchors ---------------------------------------------------------------
    def _with_includes(self, path: Path, text: str, scan: MarkdownScan) -> MarkdownScan:
        """The scan to take anchors from: the page's own, or -- when it includes
        other files -- that of the page with its includes inlined."""

        if not scan.includes:
            return scan
        bases = list(self.project.snippet_base_paths or [self.root])
        if self.project.snippets_relative_to_page:
            bases.insert(0, path.parent)
        expanded = expand_includes(text, bases)
        return self.scanner.scan(expanded) if expanded != text else scan

    def _remember_markdown(self, path: Path, scan: MarkdownScan) -> None:
        if self.in_site(path) and self.project.slugify is not None:
            ids = heading_anchor_ids(scan, self.project.slugify, self.project.separator)
            if "pymdownx.tabbed" in self.project.extensions:
                ids += tab_anchor_ids(scan, ids, self.project.tabbed_slugify, self.project.tabbed_separator,
                                      self.project.tabbed_combine_header_slug)
        else:  # rendered by GitHub (README, files outside docs_dir)
            used: dict[str, int] = {}
            ids = [explicit or github_unique(github_slugify(text), used) for _, text, explicit, _ in scan.headings]
        anchors = set(ids) | scan.attr_ids | scan.html_ids | scan.footnote_ids | scan.code_ids
        self._anchors[path] = {normalise_fragment(a) for a in anchors}

    def anchors_for(self, path: Path) -> set[str] | None:
        """The anchors of a page, or None when the file is not a page (an image,
        a source file) and so has no anchors to check against."""

        path = real_path(path)
        if path not in self._anchors:
            suffix = path.suffix.lower()
            if suffix in MARKDOWN | NOTEBOOK | HTML:
                try:
                    self.extract(path)
                except InputError as exc:
                    # reported once with the run's input errors; its anchors are unknown
                    self._anchors[path] = None
                    self.errors.append(exc)
            else:
                self._anchors[path] = None
        return self._anchors.get(path)

    def line_count(self, path: Path) -> int:
        path = real_path(path)
        if path not in self._line_counts:
            try:
                self._line_counts[path] = len(path.read_bytes().splitlines())
            except OSError:
                self._line_counts[path] = 0
        return self._line_counts[path]
