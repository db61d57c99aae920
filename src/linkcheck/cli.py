"""Command line: ``python scripts/check_links.py [PATH ...] [options]``.

Exit status: 0 nothing broken, 1 something broken, 2 a usage or input error
(a path that does not exist, a bad option, a file that cannot be parsed),
3 an internal error (a bug in the checker: please report it with the message).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import traceback
from pathlib import Path

from . import __version__
from .checker import LinkChecker, Report
from .config import MkDocsProject, Settings, load_mkdocs, load_settings, parse_duration
from .fix import apply_fixes
from .model import InputError, InternalError, Status, UsageError
from .report import ProgressBar, github_annotations, to_json, to_markdown, to_text
from .sources import DEFAULT_PATHS

EXIT_OK, EXIT_BROKEN, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too; keep its wording, add a hint
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n(see --help)\n")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return value


def _whole_number(minimum: int, rule: str):
    """An argparse type for a whole number of at least `minimum`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be {rule}, got {text}")
        return value

    return parse


_positive_int = _whole_number(1, "at least 1")
_count = _whole_number(0, "0 or more")


def _regex(text: str) -> str:
    try:
        re.compile(text)
    except re.error as exc:
        raise argparse.ArgumentTypeError(f"invalid regular expression {text!r}: {exc}") from None
    return text


def _duration(text: str) -> float:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="check_links.py",
        description="Check every link in the guide: pages, notebooks, snippets, README and mkdocs.yml.",
        epilog=(
            "Outcomes: ok, redirected (moved permanently: update it, or use --fix), broken (fails the run), "
            "blocked (bot wall / log-in), error (network trouble after retries), skipped. "
            "Only broken links fail the run unless --strict. "
            "Exit status: 0 nothing broken, 1 broken links, 2 bad input or usage (the message names the file), "
            "3 internal error (a bug: please report it). "
            "Links with unrendered template syntax ({{ }}, {% %}) are skipped, and theme.custom_dir is not read."
        ),
    )
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help=f"files or directories (default: {', '.join(DEFAULT_PATHS)} -- those that exist)")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="report format (default: text)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--timeout", type=_positive_float, metavar="SECONDS", help="per request (default 15)")
    p.add_argument("--include-loopback", action="store_true", default=None,
                   help="also check localhost / 127.x links (skipped by default)")
    p.add_argument("--cache", metavar="FILE", help="remember good answers in FILE between runs")
    p.add_argument("--cache-max-age", type=_duration, metavar="AGE", help="how long a cached answer stays valid (default 24h; e.g. 3600, 30m, 12h, 7d)")
    p.add_argument("--exclude", type=_regex, action="append", default=[], metavar="REGEX",
                   help="skip links matching REGEX (repeatable)")
    p.add_argument("--exclude-path", type=_regex, action="append", default=[], metavar="REGEX",
                   help="skip source files whose path matches REGEX (repeatable)")
    p.add_argument("--no-external", action="store_true", help="check internal links only (no network)")
    p.add_argument("--site-dir", metavar="DIR",
                   help="a built copy of the site (mkdocs build output): an anchor not found in a page's Markdown "
                        "is looked up in its built HTML, so ids that plugins and hooks generate (mkdocstrings, "
                        "autorefs) count; build first, e.g. mkdocs build -d site")
    p.add_argument("--ignore-anchors", type=_regex, action="append", default=[], metavar="REGEX",
                   help="do not check fragments matching REGEX, e.g. generated API anchors: "
                        "'^mypkg\\.' (repeatable)")
    p.add_argument("--fix", action="store_true", help="rewrite permanently redirected links to their new address")
    p.add_argument("--config", metavar="FILE", help="settings file (TOML or YAML); default: linkcheck.toml, or mkdocs.yml extra.linkcheck")
    p.add_argument("--root", metavar="DIR", default=".", help="project root, where mkdocs.yml lives (default: .)")
    p.add_argument("--per-host", type=_positive_int, metavar="N", help="concurrent requests per host (default 8)")
    p.add_argument("--concurrency", type=_positive_int, metavar="N", help="concurrent requests overall (default 32)")
    p.add_argument("--retries", type=_count, metavar="N", help="retries after 408/429/5xx (default 3)")
    p.add_argument("--max-retry-after", type=_positive_float, metavar="SECONDS", help="longest Retry-After honoured (default 30)")
    p.add_argument("--max-backoff", type=_positive_float, metavar="SECONDS", help="longest backoff between retries (default 8)")
    p.add_argument("--backoff", type=_positive_float, metavar="SECONDS", help="first backoff; doubles per retry (default 0.5)")
    p.add_argument("--strict", action="store_true", default=None, help="errors and blocked links fail the run too")
    p.add_argument("--verbose", "-v", action="store_true", help="list ok and skipped links in the text report")
    p.add_argument("--no-progress", action="store_true", help="never draw the progress bar")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def _settings_from_args(args: argparse.Namespace, settings: Settings) -> Settings:
    for name in ("timeout", "per_host", "concurrency", "retries", "max_retry_after", "max_backoff", "backoff",
                 "cache", "cache_max_age"):
        value = getattr(args, name)
        if value is not None:
            setattr(settings, name, value)
    if args.include_loopback:
        settings.include_loopback = True
    if args.strict:
        settings.strict = True
    if args.no_external:
        settings.check_external = False
    settings.exclude = list(settings.exclude) + list(args.exclude)
    settings.exclude_paths = list(settings.exclude_paths) + list(args.exclude_path)
    settings.ignore_anchors = list(settings.ignore_anchors) + list(args.ignore_anchors)
    if args.site_dir:
        settings.site_dir = str(Path(args.site_dir).absolute())
    return settings


def _resolve_paths(raw: list[str], root: Path, project: MkDocsProject) -> list[Path]:
    if raw:
        paths = []
        for item in raw:
            path = Path(item)
            if not path.is_absolute() and not path.exists() and (root / path).exists():
                path = root / path
            if not path.exists():
                if path.is_symlink():
                    raise UsageError(f"{item}: a symlink that leads nowhere (dangling, or a loop)")
                raise UsageError(f"no such file or directory: {item}")
            paths.append(path)
        return paths
    defaults = list(DEFAULT_PATHS)
    if project.docs_dir is not None:
        defaults[0] = str(project.docs_dir)
    return [root / p for p in defaults if (root / p).exists()]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except UsageError as exc:
        print(f"check_links.py: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except InputError as exc:
        print(f"check_links.py: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except InternalError as exc:
        return _internal_error(str(exc), exc.cause)
    except Exception as exc:  # noqa: BLE001 - any other bug: a clear exit code, never exit 1
        return _internal_error(f"internal error: {type(exc).__name__}: {exc}", exc)


def _internal_error(message: str, cause: BaseException) -> int:
    """A bug, not the user's mistake: say so, show where it happened (the
    innermost frames of the traceback) and exit 3, distinct from "broken"."""

    frames = traceback.extract_tb(cause.__traceback__)[-3:]
    where = "; ".join(f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames)
    print(f"check_links.py: {message}", file=sys.stderr)
    if where:
        print(f"  at {where}", file=sys.stderr)
    print("  this is a bug in the link checker, not in your files: please report it with this message", file=sys.stderr)
    return EXIT_INTERNAL


def _run(args: argparse.Namespace) -> int:
    root = Path(args.root)
    if not root.is_dir():
        raise UsageError(f"--root: not a directory: {args.root}")
    root = root.resolve()
    project = load_mkdocs(root)
    settings, _source = load_settings(root, project, Path(args.config) if args.config else None)
    settings = _settings_from_args(args, settings)
    for pattern in settings.exclude + settings.exclude_paths + settings.ignore_anchors:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise UsageError(f"invalid pattern {pattern!r} in the config: {exc}") from None
    if settings.site_dir:
        site_dir = root / settings.site_dir  # a config file's path is relative to the project root
        if not site_dir.is_dir():
            raise UsageError(f"site dir is not a directory: {settings.site_dir} (build the site first: mkdocs build)")
        settings.site_dir = str(site_dir)
    paths = _resolve_paths(args.paths, root, project)
    if not paths:
        raise UsageError(f"nothing to check: none of {', '.join(DEFAULT_PATHS)} exists under {root}")

    progress = ProgressBar(enabled=False if args.no_progress else None)
    checker = LinkChecker(root, settings, project, progress=progress)
    report = checker.run(paths)
    progress.finish()

    if args.fix:
        summary = apply_fixes(report.results, root)
        print(f"--fix: rewrote {summary.rewritten} link(s) in {len(summary.files)} file(s)", file=sys.stderr)
        for place in summary.missed:
            print(f"--fix: could not find the URL verbatim at {place}; edit it by hand", file=sys.stderr)

    rendered = _render(report, args.format, args.verbose)
    if args.output:
        out = Path(args.output)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(rendered, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--output: cannot write {args.output}: {exc.strerror or exc}") from exc
        counts = report.counts
        print(f"report written to {out}: {counts['total']} links, {counts['broken']} broken", file=sys.stderr)
    else:
        sys.stdout.write(rendered)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        sys.stdout.write(github_annotations(report))
    sys.stdout.flush()

    if report.input_errors:
        for error in report.input_errors:
            print(f"check_links.py: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    return _exit_code(report, settings)


def _render(report: Report, fmt: str, verbose: bool) -> str:
    if fmt == "json":
        return to_json(report)
    if fmt == "markdown":
        return to_markdown(report)
    return to_text(report, verbose=verbose)


def _exit_code(report: Report, settings: Settings) -> int:
    failing = {Status.BROKEN}
    if settings.strict:
        failing |= {Status.ERROR, Status.BLOCKED}
    return EXIT_BROKEN if any(r.status in failing for r in report.results) else EXIT_OK
