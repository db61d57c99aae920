"""Links inside the repository, resolved the way MkDocs (or GitHub) will.

A relative link in a page is first resolved against the page's file, which is
what MkDocs does for links to files it knows (``page.md``, ``../x.md#frag``,
``img/a.png``). Links that are not file paths (``../other/``, ``dir/``) are then
resolved against the page's *URL* in the built site -- with
``use_directory_urls`` a page ``a/b.md`` lives at ``a/b/``, which is the classic
source of "works on GitHub, 404 on the site" links -- and looked up among the
site's pages. Fragments are checked against the ids the target page will have.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .built import BuiltSite
from .htmlscan import normalise_fragment
from .model import Kind, Link, Status
from .paths import real_path
from .sources import MARKDOWN, NOTEBOOK, SourceSet

_PAGE_SUFFIXES = tuple(MARKDOWN)
_LINE_ANCHOR = re.compile(r"^L(\d+)(?:C\d+)?(?:-L(\d+)(?:C\d+)?)?$")


@dataclass
class Verdict:
    status: Status
    message: str
    resolved: str | None = None  # display path of the target, for grouping


def _join_url(page_url: str, path_part: str) -> str:
    """Where a browser on the page at ``page_url`` (site-relative) goes for
    ``path_part``, site-relative and normalised (``..`` first: above the site)."""

    if path_part.startswith("/"):
        return posixpath.normpath(path_part.lstrip("/"))
    base = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url) + "/"
    return posixpath.normpath(posixpath.join(base, path_part))


class InternalResolver:
    def __init__(self, sources: SourceSet) -> None:
        self.sources = sources
        self.project = sources.project
        self.root = sources.root
        self._site: dict[str, Path] | None = None
        #: one verdict per (kind, page, target as written): a page that links to
        #: the same place ten thousand times is resolved once
        self._verdicts: dict[tuple[Kind, str | None, str], Verdict] = {}
        settings = sources.settings
        self._built = BuiltSite(Path(settings.site_dir)) if settings.site_dir else None
        self._ignored_anchors = [re.compile(p) for p in settings.ignore_anchors]

    # -- the built site's URL map --------------------------------------------
    def _page_url(self, rel: str) -> str:
        """Site URL (relative, no leading slash) of a page at ``rel`` in docs_dir."""

        stem, _ = posixpath.splitext(rel)
        head, name = posixpath.split(stem)
        if name.lower() in ("index", "readme"):
            return f"{head}/" if head else ""
        if self.project.use_directory_urls:
            return f"{stem}/"
        return f"{stem}.html"

    def site(self) -> dict[str, Path]:
        """Site URL (and docs-relative path) -> file, for every file the site
        publishes: docs_dir plus mounted directories."""

        if self._site is None:
            self._site = {}
            roots = [self.project.docs_dir] if self.project.docs_dir is not None else []
            roots += list(self.project.mounts)
            for top in roots:
                if top is None or not top.is_dir():
                    continue
                for dirpath, dirnames, filenames in os.walk(top):
                    dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                    for name in filenames:
                        full = Path(dirpath) / name
                        rel = self.sources.site_rel(full)
                        if rel is None:
                            continue
                        if self._is_page(full):
                            self._site.setdefault(self._page_url(rel), full)
                        self._site.setdefault(rel, full)
            self._add_redirects(self._site)
        return self._site

    def _add_redirects(self, site: dict[str, Path]) -> None:
        """mkdocs-redirects publishes a page at each old page's URL that sends
        the browser on (fragment included) to the new page: the old URL works."""

        maps = (self.project.plugins.get("redirects") or {}).get("redirect_maps")
        if not isinstance(maps, dict):
            return
        for old, new in maps.items():
            if not isinstance(old, str) or not isinstance(new, str) or re.match(r"^[a-zA-Z][\w+.-]*:", new):
                continue  # a redirect off the site is not a page to check against
            target = site.get(posixpath.normpath(new.split("#", 1)[0]).lstrip("/"))
            if target is not None and old.lower().endswith(_PAGE_SUFFIXES):
                site.setdefault(self._page_url(posixpath.normpath(old).lstrip("/")), target)

    def _is_page(self, path: Path) -> bool:
        suffix = path.suffix.lower()
        return suffix in MARKDOWN or (suffix in NOTEBOOK and self.project.notebooks_are_pages)

    # -- resolution -----------------------------------------------------------
    def resolve(self, link: Link) -> Verdict:
        key = (link.kind, link.source_file, link.target)
        verdict = self._verdicts.get(key)
        if verdict is None:
            try:
                verdict = self._resolve(link)
            except OSError as exc:  # e.g. a name longer than the file system allows
                verdict = Verdict(Status.BROKEN, f"cannot look the target up: {exc.strerror or exc}", None)
            self._verdicts[key] = verdict
        return verdict

    def _resolve(self, link: Link) -> Verdict:
        if link.kind is Kind.NAV:
            return self._resolve_nav(link)
        if link.kind is Kind.INCLUDE:
            return self._resolve_include(link)
        assert link.source_file is not None
        source = real_path(link.source_file)
        parts = urlsplit(link.target)
        path_part = unquote(parts.path)
        fragment = parts.fragment
        if not path_part:
            return self._check_fragment(source, fragment, link.target, same_page=True)

        source_rel = self.sources.site_rel(source)
        if link.kind is Kind.HTML and source_rel is not None and source.suffix.lower() in MARKDOWN:
            return self._resolve_raw_html(source_rel, path_part, fragment, link.target)
        if source_rel is not None:
            verdict = self._resolve_in_site(source_rel, path_part, fragment, link.target)
            if verdict is None and self._built is not None:
                verdict = self._resolve_in_built_site(source_rel, path_part, fragment)
            if verdict is not None:
                return verdict
        # Not a page of the site (README, a notebook viewed on GitHub) or not
        # found in the site: resolve against the file on disk, like GitHub does.
        base_dir = self.root if path_part.startswith("/") else source.parent
        candidate = Path(os.path.normpath(base_dir / path_part.lstrip("/")))
        target = self._existing(candidate, path_part.endswith("/"))
        if target is None:
            shown = self.sources.show(candidate)
            if source_rel is not None:
                return Verdict(Status.BROKEN, self._not_in_site(source_rel, path_part), shown)
            return Verdict(Status.BROKEN, f"file not found: {shown}{self._did_you_mean(candidate)}", shown)
        shown = self.sources.show(target)
        if target.is_dir():
            return Verdict(Status.OK, f"directory {shown}", shown)
        verdict = self._check_fragment(target, fragment, link.target, same_page=False)
        if verdict.status is Status.OK and source_rel is not None:
            verdict.message = (verdict.message + "; " if verdict.message else "") + (
                f"{shown} exists in the repository but is not part of the built site"
            )
        return verdict

    def _resolve_in_site(self, source_rel: str, path_part: str, fragment: str, written: str) -> Verdict | None:
        """Resolve in the site's source tree; None when the site has no such file."""

        if path_part.startswith("/"):
            site_path = posixpath.normpath(path_part.lstrip("/"))
            if site_path.lower().endswith(_PAGE_SUFFIXES) and not self.project.absolute_links_relative_to_docs:
                return Verdict(Status.BROKEN, f"MkDocs leaves the absolute link {path_part} as written, and the site "
                               "has no such file (pages are published as HTML): write it relative to this page, "
                               "or set validation.links.absolute_links: relative_to_docs", None)
        else:
            site_path = posixpath.normpath(posixpath.join(posixpath.dirname(source_rel), path_part))
        target: Path | None = None
        real: Path | None = None
        if not site_path.startswith(".."):
            site_path = "" if site_path == "." else site_path
            real = self.sources.real_of(site_path)
            if real is not None and real.is_file():
                # MkDocs normalises the path first, so `page.md/` and
                # `page.md/#a` name the page like `page.md` does
                target = real
        if target is None and not path_part.lower().endswith((".md", ".ipynb")):
            # MkDocs leaves any other link as written (a folder is not a file
            # it knows), so the browser resolves it from the page's URL
            target = self._via_site_url(source_rel, path_part)
        if target is None and real is not None and real.is_dir():
            shown = self.sources.show(real)
            if self._existing(real, True) == real:
                return Verdict(Status.BROKEN, f"directory {shown} has no index.md, so the site has no page there", shown)
            return Verdict(Status.BROKEN, self._not_in_site(source_rel, path_part), shown)
        if target is None:
            return None
        return self._check_fragment(target, fragment, written, same_page=False)

    def _resolve_raw_html(self, source_rel: str, path_part: str, fragment: str, written: str) -> Verdict:
        """``<a href>`` in a page: MkDocs rewrites Markdown links only, so raw
        HTML keeps its address and the browser resolves it against the page's
        URL in the built site (``x.md`` stays ``x.md``, which is not published)."""

        page_url = self._page_url(source_rel)
        joined = _join_url(page_url, path_part)
        if joined.startswith(".."):
            return Verdict(Status.BROKEN, f"points above the site root (from page URL /{page_url})", None)
        joined = "" if joined == "." else joined
        if joined.lower().endswith(_PAGE_SUFFIXES):
            return Verdict(Status.BROKEN, f"MkDocs does not rewrite links in raw HTML: the built page links to "
                           f"/{joined}, which is not published (pages become HTML); use a Markdown link "
                           "or the page's URL", None)
        site = self.site()
        target = next((site[key] for key in (joined, joined.rstrip("/") + "/", joined.removesuffix("index.html"))
                       if key in site and not key.lower().endswith(_PAGE_SUFFIXES)), None)
        if target is None and self._built is not None:
            built = self._resolve_in_built_site(source_rel, path_part, fragment)
            if built is not None:
                return built
        if target is None:
            return Verdict(Status.BROKEN, f"no page or file at /{joined} in the built site "
                           f"(raw HTML is resolved from the page URL /{page_url})", None)
        return self._check_fragment(target, fragment, written, same_page=False)

    def resolve_repo_path(self, rel: str, fragment: str) -> Verdict:
        """A GitHub blob/tree link into this repository, checked in the checkout."""

        # the link names a path from the top of the repository, which is not
        # --root when the site lives in a subfolder of it
        top = self.project.git_root or self.root
        candidate = Path(os.path.normpath(top / unquote(rel)))
        if not candidate.exists():
            shown = self.sources.show(candidate)
            return Verdict(Status.BROKEN, f"not in this checkout: {shown}{self._did_you_mean(candidate)}", shown)
        if candidate.is_dir() or not fragment:
            return Verdict(Status.OK, f"exists in this checkout: {self.sources.show(candidate)}", self.sources.show(candidate))
        return self._check_fragment(candidate, fragment, rel, same_page=False, github=True)

    def _existing(self, candidate: Path, wants_dir: bool) -> Path | None:
        if candidate.is_file() and not wants_dir:
            return candidate
        if candidate.is_dir():
            for index in ("index.md", "README.md", "index.ipynb", "index.html"):
                if (candidate / index).is_file():
                    return candidate / index
            return candidate
        return None

    def _via_site_url(self, source_rel: str, path_part: str) -> Path | None:
        """Resolve against the page's URL in the built site (``a/b.md`` is served
        at ``a/b/`` with directory URLs) and look the result up among pages."""

        source_real = self.sources.real_of(source_rel)
        is_page = source_real is not None and self._is_page(source_real)
        page_url = self._page_url(source_rel) if is_page else source_rel
        joined = _join_url(page_url, path_part)
        if joined.startswith(".."):
            return None
        joined = "" if joined == "." else joined
        site = self.site()
        for key in (joined, joined + "/", joined.removesuffix("index.html"), joined.rstrip("/") + "/"):
            if key in site:
                return site[key]
        return None

    def _not_in_site(self, source_rel: str, path_part: str) -> str:
        """Explain a miss in the terms the author used: a file path for
        ``x.md`` links, the site URL for ``../x/`` links."""

        if path_part.lower().endswith((".md", ".ipynb")) or "." in posixpath.basename(path_part.rstrip("/")):
            site_path = posixpath.normpath(posixpath.join(posixpath.dirname(source_rel), path_part))
            real = self.sources.real_of(site_path) if not site_path.startswith("..") else None
            if real is not None:
                return f"not found in the site: {self.sources.show(real)}{self._did_you_mean(real)}"
            return f"points outside the site ({site_path})"
        source_real = self.sources.real_of(source_rel)
        page_url = self._page_url(source_rel) if source_real is not None and self._is_page(source_real) else source_rel
        base = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url) + "/"
        joined = posixpath.normpath(posixpath.join(base, path_part.lstrip("/") if path_part.startswith("/") else path_part))
        if joined.startswith(".."):
            return f"points above the site root (from page URL /{page_url})"
        close = difflib.get_close_matches(joined.rstrip("/") + "/", [k for k in self.site() if k.endswith("/")], n=1, cutoff=0.7)
        hint = f" (did you mean /{close[0]}?)" if close else ""
        return f"no page at /{joined.rstrip('/')}/ in the site{hint}"

    def _did_you_mean(self, candidate: Path) -> str:
        parent = candidate.parent
        if not parent.is_dir():
            return ""
        names = [p.name for p in parent.iterdir()]
        close = difflib.get_close_matches(candidate.name, names, n=1, cutoff=0.75)
        return f" (did you mean {close[0]}?)" if close else ""

    def _check_fragment(self, target: Path, fragment: str, written: str, same_page: bool, github: bool = False) -> Verdict:
        shown = self.sources.show(target)
        where = "this page" if same_page else shown
        if not fragment or fragment == "top" or fragment.startswith(":~:"):
            return Verdict(Status.OK, "" if not fragment else f"#{fragment} needs no anchor", shown)
        anchors = self.sources.anchors_for(target)
        if anchors is None:
            lines = _LINE_ANCHOR.match(fragment)
            if lines:
                last = int(lines.group(2) or lines.group(1))
                count = self.sources.line_count(target)
                if last > count:
                    return Verdict(Status.BROKEN, f"#{fragment}: {shown} has only {count} lines", shown)
                return Verdict(Status.OK, f"lines exist in {shown}", shown)
            return Verdict(Status.OK, f"#{fragment} not checked: {shown} is not a page", shown)
        wanted = normalise_fragment(fragment)
        if wanted in anchors or (github and f"user-content-{wanted}" in anchors):
            return Verdict(Status.OK, "", shown)
        for pattern in self._ignored_anchors:
            if pattern.search(wanted):
                return Verdict(Status.OK, f"#{fragment} not checked: matches ignore-anchors {pattern.pattern!r}", shown)
        built_url = self._built_page_url(target)
        if built_url is not None and self._built is not None and wanted in self._built.anchors(built_url):
            return Verdict(Status.OK, f"#{fragment} found in the built site ({self._built.html_file(built_url)})", shown)
        if _LINE_ANCHOR.match(fragment) and target.suffix.lower() in MARKDOWN and github:
            return Verdict(Status.OK, "line anchor on a GitHub source view", shown)
        close = difflib.get_close_matches(wanted, sorted(anchors), n=1, cutoff=0.6)
        hint = f" (did you mean #{close[0]}?)" if close else ""
        return Verdict(Status.BROKEN, f"anchor #{fragment} not found in {where}{hint}", shown)

    def _resolve_in_built_site(self, source_rel: str, path_part: str, fragment: str) -> Verdict | None:
        """A page with no source file (mkdocs-gen-files, blog indexes, a
        plugin's pages) may still be in the built site: look there, by the URL
        MkDocs would give a ``.md`` target or the browser would resolve a URL to."""

        assert self._built is not None
        if path_part.lower().endswith(_PAGE_SUFFIXES):
            site_path = posixpath.normpath(posixpath.join(posixpath.dirname(source_rel), path_part.lstrip("/")))
            url = self._page_url(site_path)
        else:
            url = _join_url(self._page_url(source_rel), path_part)
            url = url + "/" if path_part.endswith("/") and url != "." else url
        if url.startswith("..") or url in (".", "./"):
            return None
        built = self._built.html_file(url)
        if not built.is_file():
            return None
        if built.suffix.lower() not in (".html", ".htm"):
            return Verdict(Status.OK, f"file found in the built site ({built})", None)
        if not fragment or fragment == "top" or normalise_fragment(fragment) in self._built.anchors(url):
            return Verdict(Status.OK, f"page found in the built site ({built})", None)
        return Verdict(Status.BROKEN, f"anchor #{fragment} not found in the built page {built}", None)

    def _built_page_url(self, target: Path) -> str | None:
        """The site URL of a page, for looking it up in the built site."""

        rel = self.sources.site_rel(target)
        if rel is None or not self._is_page(target):
            return None
        return self._page_url(rel)

    def _resolve_nav(self, link: Link) -> Verdict:
        site_path = posixpath.normpath(unquote(link.target).lstrip("/"))
        target = self.sources.real_of(site_path) or (self.root / site_path)
        shown = self.sources.show(target)
        if target.is_file():
            return Verdict(Status.OK, "", shown)
        return Verdict(Status.BROKEN, f"nav entry: page not found: {shown}{self._did_you_mean(target)}", shown)

    def _resolve_include(self, link: Link) -> Verdict:
        """pymdownx.snippets: the file must exist under a base_path, and a named
        section (``file:name``) must be marked ``[start:name]`` in it."""

        bases = self.project.snippet_base_paths or [self.root]
        if self.project.snippets_relative_to_page and link.source_file is not None:
            bases = [real_path(link.source_file).parent, *bases]
        name = link.target.strip()
        if re.match(r"^[a-z]+://", name):
            return Verdict(Status.SKIPPED, "remote snippet include", None)
        section: str | None = None
        lines_match = re.search(r"(?::(-?\d*)){1,2}$", name)
        section_match = re.search(r":([A-Za-z_][\w-]*)$", name)
        tried: list[str] = []
        for candidate_name in (name, name[: lines_match.start()] if lines_match else None,
                               name[: section_match.start()] if section_match else None):
            if not candidate_name:
                continue
            for base in bases:
                candidate = Path(os.path.normpath(base / candidate_name))
                if candidate.is_file():
                    if section_match and candidate_name != name:
                        section = section_match.group(1)
                    shown = self.sources.show(candidate)
                    if section is not None:
                        text = candidate.read_text(encoding="utf-8", errors="replace")
                        if f"[start:{section}]" not in text:
                            return Verdict(Status.BROKEN, f"snippet section '{section}' not marked in {shown} "
                                           f"(no --8<-- [start:{section}])", shown)
                    return Verdict(Status.OK, f"snippet {shown}", shown)
                tried.append(self.sources.show(candidate))
        return Verdict(Status.BROKEN, f"snippet include not found (tried {', '.join(dict.fromkeys(tried))})", None)
