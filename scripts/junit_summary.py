#!/usr/bin/env python3
"""Summarise a pytest JUnit XML report as Markdown: counts, then each failing test.

Used by .github/workflows/latest-deps.yml to say what the newest Convex
packages broke, in the run summary and in the issue it opens:

    python scripts/junit_summary.py build/latest-deps.xml

Exit status: 0 when the report has no failures, 1 when it has, 2 when the
report is missing or not JUnit XML.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

MESSAGE_LINES = 6


def summarise(report: Path) -> tuple[str, int]:
    root = ET.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = sum(int(suite.get("tests", 0)) for suite in suites)
    failed = []
    for case in root.iter("testcase"):
        for kind in ("failure", "error"):
            problem = case.find(kind)
            if problem is not None:
                name = f"{case.get('classname', '')}::{case.get('name', '')}".strip(":")
                detail = (problem.get("message") or problem.text or "").strip().splitlines()[:MESSAGE_LINES]
                failed.append((kind, name, detail))
    skipped = sum(1 for case in root.iter("testcase") if case.find("skipped") is not None)
    lines = ["## Test results", "",
             f"{total} tests: {total - len(failed) - skipped} passed, {len(failed)} failed, {skipped} skipped.", ""]
    for kind, name, detail in failed:
        lines.append(f"- **{kind}** `{name}`")
        lines += [f"    > {line}" for line in detail]
    return "\n".join(lines) + "\n", (1 if failed else 0)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: junit_summary.py REPORT.xml", file=sys.stderr)
        return 2
    report = Path(argv[0])
    try:
        text, status = summarise(report)
    except FileNotFoundError:
        print(f"junit_summary: {report} does not exist (did the tests run?)", file=sys.stderr)
        return 2
    except ET.ParseError as error:
        print(f"junit_summary: {report} is not JUnit XML: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
