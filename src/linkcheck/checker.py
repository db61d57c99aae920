"""The pipeline: collect links, sort them into internal / external / skipped,
check each distinct target once, and fold the verdicts back onto every place
the target was written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .cache import LinkCache
from .config import MkDocsProject, Settings
from .engine import Engine, UrlOutcome, strip_fragment
from .fetch import Fetcher, is_loopback_host
from .htmlscan import normalise_fragment
from .internal import InternalResolver, Verdict
from .model import InputError, Kind, Link, Result, Status
from .paths import forget_paths, real_path
from .sources import SourceSet, discover

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_NOT_CHECKED_SCHEMES = {
    "mailto", "tel", "sms", "javascript", "data", "irc", "ircs", "ftp", "ftps", "file",
    "attachment", "about", "blob", "chrome", "vscode", "ssh", "git", "news", "magnet", "slack",
}
_PLACEHOLDER = re.compile(r"[{}<>$*\[\]]|\.\.\.|YOUR[_-]|your[_-]|<|%7B")
_RESERVED_SUFFIXES = (".example", ".test", ".invalid")
# Jinja (theme templates, mkdocs-macros) and similar: `{{ x.url }}`, `{% if %}`,
# also percent-encoded as a Markdown renderer or browser would write them
_TEMPLATE = re.compile(r"\{\{|\}\}|\{%|%\}|%7B%7B|%7B%25", re.IGNORECASE)
_RESERVED_HOSTS = {"example.com", "example.net", "example.org", "www.example.com", "www.example.org", "www.example.net"}


@dataclass
class Report:
    results: list[Result]
    input_errors: list[InputError] = field(default_factory=list)
    files: int = 0
    requests: int = 0
    cache_hits: int = 0
    peak_per_host: dict[str, int] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for result in self.results:
            counts[result.status.value] += 1
        return {"total": len(self.results), **counts}


def anchor_of(fragment: str) -> str | None:
    """The part of a fragment that names an element, or None. ``#:~:text=``
    is a text directive (not an anchor), ``#/route`` and ``#!`` are
    single-page-app routes."""

    fragment = fragment.split(":~:", 1)[0]
    if not fragment or fragment.startswith(("/", "!")) or fragment == "top":
        return None
    return normalise_fragment(fragment)


class LinkChecker:
    """Library entry point (the CLI is a thin layer over this)."""

    def __init__(
        self,
        root: Path,
        settings: Settings,
        project: MkDocsProject,
        progress: Callable[[int, int], None] | None = None,
        fetcher: Fetcher | None = None,
    ) -> None:
        forget_paths()
        self.root = real_path(root)
        self.settings = settings
        self.project = project
        project.set_mounts(settings.mounts)
        self.progress = progress
        self.fetcher = fetcher
        self.sources = SourceSet(self.root, project, settings)
        self.resolver = InternalResolver(self.sources)
        self._excludes = settings.compiled_excludes()
        self._exclude_paths = [re.compile(p) for p in settings.exclude_paths]

    # -- collecting ---------------------------------------------------------------
    def collect(self, paths: Iterable[Path]) -> tuple[list[Link], list[InputError], int]:
        templates = list(self.project.theme_dirs)
        if self.project.docs_dir is not None:
            templates.append(self.project.docs_dir / "templates")  # MkDocs never publishes docs/templates/
        files = discover(paths, self._exclude_paths, self.root, templates)
        links: list[Link] = []
        errors: list[InputError] = []
        for path in files:
            try:
                links.extend(self.sources.extract(path))
            except InputError as exc:
                errors.append(exc)
        return links, errors, len(files)

    # -- sorting --------------------------------------------------------------------
    def _skip_reason(self, target: str) -> str | None:
        for rx in self._excludes:
            if rx.search(target):
                return f"excluded by pattern {rx.pattern!r}"
        return None

    def classify(self, link: Link) -> tuple[str, str]:
        """('internal'|'external'|'skipped'|'broken'|'repo', detail)."""

        target = link.target.strip()
        reason = self._skip_reason(target)
        if reason:
            return "skipped", reason
        if _TEMPLATE.search(target):
            return "skipped", "unrendered template syntax ({{ }} or {% %}): the real address exists only once rendered"
        if link.kind in (Kind.NAV, Kind.INCLUDE):
            return "internal", ""
        if target.startswith("//"):
            target = "https:" + target
        match = _SCHEME.match(target)
        scheme = match.group(1).lower() if match else ""
        if scheme in ("http", "https"):
            try:
                parts = urlsplit(target)
                host = parts.hostname or ""
                _ = parts.port
            except ValueError as exc:
                return "broken", f"invalid URL: {exc}"
            if not host:
                return "broken", "invalid URL: no host name"
            if _PLACEHOLDER.search(host) or _PLACEHOLDER.search(parts.path):
                return "skipped", "looks like a placeholder, not a real address"
            if host in _RESERVED_HOSTS or host.endswith(_RESERVED_SUFFIXES):
                return "skipped", "reserved example domain (RFC 2606)"
            if is_loopback_host(host) and not self.settings.include_loopback:
                return "skipped", "loopback address (a local server the reader runs); --include-loopback checks it"
            repo = self._repo_path(target)
            if repo is not None:
                return "repo", repo
            if not self.settings.check_external:
                return "skipped", "external link (--no-external)"
            return "external", target
        if scheme in _NOT_CHECKED_SCHEMES:
            return "skipped", f"{scheme}: links are not checked"
        if len(scheme) > 1:
            return "skipped", f"unsupported scheme {scheme}:"
        if link.source_file is None:
            return "skipped", "no source file to resolve against"
        return "internal", ""

    def _repo_path(self, url: str) -> str | None:
        """``{repo_url}/blob/<branch>/path`` -> ``path`` when checked locally."""

        repo = self.project.repo_url
        if not repo or self.settings.repo_links != "local":
            return None
        bare = strip_fragment(url)
        for kind in ("blob", "tree", "raw", "edit"):
            prefix = f"{repo}/{kind}/"
            if bare.startswith(prefix):
                branch, _, rest = bare[len(prefix):].partition("/")
                if branch in self.project.branches:
                    return rest.split("?", 1)[0]
        return None

    # -- checking ---------------------------------------------------------------------
    def check_links(self, links: list[Link]) -> Report:
        grouped: dict[tuple[str, ...], Result] = {}

        def add(key: tuple[str, ...], link: Link, status: Status, message: str, internal: bool) -> Result:
            result = grouped.get(key)
            if result is None:
                result = grouped[key] = Result(link.target, status, message, internal=internal)
            result.sources.append(link.location)
            return result

        external: dict[str, list[Link]] = {}
        classified: dict[tuple[str, Kind, bool], tuple[str, str]] = {}
        for link in links:
            # the sort depends on the target, its kind and whether it has a file only
            memo = (link.target, link.kind, link.source_file is None)
            if memo not in classified:
                classified[memo] = self.classify(link)
            kind, detail = classified[memo]
            if kind == "skipped":
                add(("skip", link.target, detail), link, Status.SKIPPED, detail, False)
            elif kind == "broken":
                add(("bad", link.target, detail), link, Status.BROKEN, detail, False)
            elif kind == "internal":
                verdict = self.resolver.resolve(link)
                add(("int", link.target, verdict.status.value, verdict.message), link, verdict.status, verdict.message, True)
            elif kind == "repo":
                fragment = urlsplit(link.target).fragment
                verdict: Verdict = self.resolver.resolve_repo_path(detail, fragment)
                add(("repo", link.target, verdict.status.value, verdict.message), link, verdict.status, verdict.message, True)
            else:
                external.setdefault(link.target.strip(), []).append(link)

        report = Report(results=[])
        if external:
            outcomes = self._check_external(external, report)
            for target, occurrences in external.items():
                url = "https:" + target if target.startswith("//") else target
                outcome = outcomes[strip_fragment(url)]
                status, message, final = self._with_fragment(url, outcome)
                for link in occurrences:
                    result = add(("ext", target), link, status, message, False)
                    result.http_status = outcome.http_status
                    result.final_url = final
        report.results = sorted(grouped.values(), key=lambda r: (r.status.value, r.url))
        for result in report.results:
            result.sources = sorted(set(result.sources))
        return report

    def _check_external(self, external: dict[str, list[Link]], report: Report) -> dict[str, UrlOutcome]:
        wanted: dict[str, set[str]] = {}
        for target in external:
            url = "https:" + target if target.startswith("//") else target
            key = strip_fragment(url)
            anchor = anchor_of(urlsplit(url).fragment)
            wanted.setdefault(key, set())
            if anchor:
                wanted[key].add(anchor)
        cache = LinkCache(Path(self.settings.cache), self.settings.cache_max_age) if self.settings.cache else None
        outcomes: dict[str, UrlOutcome] = {}
        todo: dict[str, set[str]] = {}
        for key, frags in wanted.items():
            hit = cache.get(key, frags) if cache else None
            if hit is not None:
                outcomes[key] = hit
            else:
                todo[key] = frags
        engine = Engine(self.settings, fetcher=self.fetcher, progress=self.progress)
        try:
            outcomes.update(engine.run(todo) if todo else {})
        finally:
            if self.fetcher is None:
                engine.fetcher.close()
        report.requests = sum(o.requests for o in outcomes.values())
        report.peak_per_host = dict(engine.peak_per_host)
        if cache is not None:
            report.cache_hits = cache.hits
            for key, outcome in outcomes.items():
                cache.put(key, outcome)
            try:
                cache.save()
            except OSError as exc:  # the run's verdicts stand; say why none were remembered
                report.input_errors.append(InputError(str(cache.path), None, f"cannot write the cache: {exc.strerror or exc}"))
        return outcomes

    def _with_fragment(self, url: str, outcome: UrlOutcome) -> tuple[Status, str, str | None]:
        fragment = urlsplit(url).fragment
        final = outcome.final_url
        if final and fragment and "#" not in final:
            final = f"{final}#{fragment}"
        status, message = outcome.status, outcome.message
        if not fragment or status not in (Status.OK, Status.REDIRECTED):
            return status, message, final
        anchor = anchor_of(fragment)
        if anchor is not None and any(re.search(p, anchor) for p in self.settings.ignore_anchors):
            return status, f"{message}; anchor #{fragment} not checked (ignore-anchors)", final
        if anchor is None:
            note = "text fragment, not an anchor: not checked" if ":~:" in fragment else "fragment is an app route: not checked"
            return status, f"{message}; {note}", final
        if outcome.anchors is None:
            return status, f"{message}; {outcome.anchor_note or 'anchor not checked'}", final
        if outcome.anchors.get(anchor):
            return status, f"{message}; anchor #{fragment} found", final
        if not outcome.anchors_complete:
            return Status.ERROR, f"{message}; anchor #{fragment} not in the part of the page read (page too large or slow)", final
        return Status.BROKEN, f"anchor #{fragment} not found on the page ({message})", final

    def run(self, paths: Iterable[Path]) -> Report:
        links, errors, files = self.collect(paths)
        report = self.check_links(links)
        known = {str(e) for e in errors}
        unreadable_targets = [e for e in self.sources.errors if str(e) not in known]
        report.input_errors = errors + unreadable_targets + report.input_errors  # the latter: cache trouble
        report.files = files
        return report

