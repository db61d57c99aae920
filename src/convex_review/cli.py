"""The command line: `python -m convex_review APP_DIR` (and `make review APP=path`).

Exit codes: 0 nothing at or above the fail level, 1 findings at or above it,
2 bad input (a missing app, an app that does not load, a syntax error, an
unknown rule id, an unreadable baseline), with a message naming the file and
no traceback; 3 the reviewer itself failed: a pass ran out of time (the
message says how to allow more: CONVEX_REVIEW_TIMEOUT), could not run as installed (the
message says what to install) or a bug to report (the
message says so, and CONVEX_REVIEW_DEBUG=1 shows the traceback). Progress goes to stderr,
the report to stdout or --output.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import ReviewInputError, ReviewSetupError, ReviewTimeoutError
from .formats import RENDERERS, render
from .review import DEFAULT_SIZES, parse_rule_list, run_review
from .suppression import write_baseline

HTML_REPORT_DIR = Path("build") / "review"


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes takes table sizes like 100,2000, not {text!r}") from None
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError("--sizes: every size must be a positive number of documents per table")
    return sizes


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m convex_review",
        description="Review a Convex app against the Convex Architecture Guide: read its code, run it on the "
                    "playground, report each finding with where, why, the evidence and the fix.")
    parser.add_argument("app", metavar="APP_DIR", help="the app folder (holding convex.json or convex/)")
    parser.add_argument("--format", choices=sorted(RENDERERS), default="text", help="report format (default: text)")
    parser.add_argument("--output", type=Path, help="write the report to this file instead of stdout")
    parser.add_argument("--static-only", action="store_true", help="read the code only; do not run the app")
    parser.add_argument("--rules", help="comma-separated rule ids to check (default: all)")
    parser.add_argument("--fail-level", choices=("error", "warning"), default="error",
                        help="exit 1 when a finding is at least this severe (default: error)")
    parser.add_argument("--baseline", type=Path, help="hide the findings recorded in this baseline file")
    parser.add_argument("--write-baseline", type=Path, metavar="FILE",
                        help="record the current findings as the baseline in FILE")
    parser.add_argument("--sizes", type=_sizes, default=DEFAULT_SIZES,
                        help="documents per table the dynamic pass seeds, e.g. 100,2000 (default)")
    parser.add_argument("--quiet", action="store_true", help="no progress messages on stderr")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    progress = None if args.quiet else (lambda message: print(f"convex-review: {message}", file=sys.stderr,
                                                               flush=True))
    try:
        rules = parse_rule_list(args.rules) if args.rules is not None else None
        review = run_review(args.app, rules=rules, static_only=args.static_only, sizes=args.sizes,
                            baseline=args.baseline, progress=progress)
    except ReviewInputError as error:
        print(f"convex-review: {error}", file=sys.stderr)
        return 2
    except (ReviewTimeoutError, ReviewSetupError) as error:
        print(f"convex-review: {error}", file=sys.stderr)
        return 3
    except Exception as error:  # a bug in the reviewer, not in the app: say so without a traceback
        if os.environ.get("CONVEX_REVIEW_DEBUG") == "1":
            raise
        summary = " / ".join(line.strip() for line in str(error).strip().splitlines()[:2])[:300]
        print(f"convex-review: the review of {args.app} failed inside the reviewer "
              f"({type(error).__name__}: {summary}). This is a bug in the reviewer, not your app; "
              "rerun with CONVEX_REVIEW_DEBUG=1 for the traceback.", file=sys.stderr)
        return 3
    if args.write_baseline:
        write_baseline(args.write_baseline, review.unsuppressed)
        if progress:
            progress(f"wrote {len(review.unsuppressed)} findings to the baseline {args.write_baseline}")
    report = render(review, args.format)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(report, encoding="utf-8")
    else:
        sys.stdout.write(report)
    if args.format == "markdown":
        from .onboarding import write_html
        page = write_html(review, HTML_REPORT_DIR)
        if progress:
            progress(f"onboarding page: {page}")
    if args.write_baseline:
        return 0  # recording the findings accepts them: the next run with --baseline shows only new ones
    return 1 if review.failing(args.fail_level) else 0
