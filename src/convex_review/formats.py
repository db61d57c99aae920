"""The review's output formats: text, JSON, SARIF 2.1.0 and GitHub workflow annotations.

Each renderer takes a finished `Review` and returns a string; none runs
anything. The Markdown onboarding report and its HTML page are in
`onboarding.py`. Paths: JSON keeps `file` relative to the app root (the
contract of the JSON report); SARIF and the GitHub annotations need paths
relative to the repository checkout, so they prefix the app root's path
relative to `base` (the current directory) when the app lies inside it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .findings import Finding
from .review import Review
from .rules import CATEGORIES, PUBLISHED_SITE, RULES
from .suppression import baseline_key

TOOL_NAME = "convex-review"
TOOL_VERSION = "1"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def path_from(base: Path, review: Review, file: str) -> str:
    """`file` (relative to the app root) as a path relative to `base`, when the app is inside it."""
    absolute = (review.app_root / file).resolve()
    try:
        return absolute.relative_to(base.resolve()).as_posix()
    except ValueError:
        return file


def code_frame(app_root: Path, file: str | None, line: int | None, context: int = 1) -> list[str]:
    """The flagged line with `context` lines either side, numbered, the flagged one marked with >."""
    if not file or not line:
        return []
    try:
        lines = (app_root / file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    first, last = max(1, line - context), min(len(lines), line + context)
    width = len(str(last))
    return [f"{'>' if number == line else ' '} {number:>{width}} | {lines[number - 1]}"
            for number in range(first, last + 1)]


def describe_evidence(evidence: dict[str, Any], indent: str = "") -> list[str]:
    lines = []
    for key, value in evidence.items():
        if isinstance(value, dict) and value:
            lines.append(f"{indent}{key}:")
            lines += describe_evidence(value, indent + "  ")
        else:
            lines.append(f"{indent}{key}: {json.dumps(value) if not isinstance(value, str) else value}")
    return lines


def render_text(review: Review, base: Path) -> str:
    out: list[str] = []
    by_file: dict[str, list[Finding]] = {}
    for finding in review.findings:
        by_file.setdefault(finding.file or "(the app as a whole)", []).append(finding)
    for file, findings in by_file.items():
        out.append(file)
        for finding in findings:
            where = f"line {finding.line}" if finding.line else "app"
            function = f" in {finding.function}" if finding.function else ""
            out.append(f"  {where}: {finding.severity} [{finding.rule}]{function}: {finding.message}")
            out += ["    " + row for row in code_frame(review.app_root, finding.file, finding.line)]
            if finding.evidence:
                out.append("    evidence" + (f" ({finding.source} pass)" if finding.source != "both"
                                             else " (static and dynamic passes)") + ":")
                out += describe_evidence(finding.evidence, "      ")
            if finding.fix:
                out.append(f"    fix: {finding.fix}")
            if finding.docs:
                out.append(f"    docs: {finding.docs}")
        out.append("")
    summary = review.summary()
    counts = ", ".join(f"{n} {severity}{'s' if n != 1 else ''}" for severity, n in summary["bySeverity"].items())
    passes = "static and dynamic passes" if summary["dynamic"] else "static pass only"
    out.append(f"{review.app}: {summary['total']} findings ({counts}); {passes}; "
               f"{summary['suppressed']} suppressed by comments, {summary['baselined']} in the baseline.")
    out += [f"withdrawn: {w['rule']} in {w['function']} ({w['file']}:{w['line']}): {w['because']}"
            for w in summary["withdrawn"]]
    out += [f"warning: {warning}" for warning in review.warnings]
    return "\n".join(out) + "\n"


def render_json(review: Review, base: Path) -> str:
    report = {"version": 1, "app": review.app,
              "findings": [finding.as_json() for finding in review.findings],
              "summary": review.summary()}
    return json.dumps(report, indent=2) + "\n"


def _sarif_rule(rule_id: str) -> dict[str, Any]:
    rule = RULES[rule_id]
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.title},
        "helpUri": rule.docs_url,
        "help": {"text": f"{rule.title}. See {rule.docs_url}"},
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
        "properties": {"category": CATEGORIES[rule.category], "tags": [rule.category]},
    }


def render_sarif(review: Review, base: Path) -> str:
    rule_ids = list(RULES)
    results = []
    for finding in review.findings:
        message = finding.message + (f" Fix: {finding.fix}" if finding.fix else "")
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "ruleIndex": rule_ids.index(finding.rule),
            "level": SARIF_LEVEL[finding.severity],
            "message": {"text": message},
            "partialFingerprints": {"convexReview/v1": baseline_key(finding)},
            "properties": {"source": finding.source, "evidence": finding.evidence,
                           "function": finding.function},
        }
        if finding.file:
            location: dict[str, Any] = {"artifactLocation": {"uri": path_from(base, review, finding.file)}}
            if finding.line:
                location["region"] = {"startLine": finding.line}
            result["locations"] = [{"physicalLocation": location}]
        results.append(result)
    sarif = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": TOOL_NAME, "version": TOOL_VERSION, "informationUri": PUBLISHED_SITE,
                                "rules": [_sarif_rule(rule_id) for rule_id in rule_ids]}},
            "results": results,
        }],
    }
    return json.dumps(sarif, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(review: Review, base: Path) -> str:
    """One workflow command per finding: GitHub shows it on the pull request's diff."""
    lines = []
    for finding in review.findings:
        properties = []
        if finding.file:
            properties.append(f"file={_escape_property(path_from(base, review, finding.file))}")
            if finding.line:
                properties.append(f"line={finding.line}")
        properties.append(f"title={_escape_property(f'convex-review {finding.rule}')}")
        body = finding.message + (f"\nFix: {finding.fix}" if finding.fix else "") + f"\n{finding.docs}"
        lines.append(f"::{GITHUB_COMMAND[finding.severity]} {','.join(properties)}::{_escape_data(body)}")
    return "\n".join(lines) + ("\n" if lines else "")


def render_markdown(review: Review, base: Path) -> str:
    from .onboarding import render_markdown as onboarding_markdown
    return onboarding_markdown(review)


RENDERERS: dict[str, Callable[[Review, Path], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
    "markdown": render_markdown,
}


def render(review: Review, fmt: str, base: Path | None = None) -> str:
    return RENDERERS[fmt](review, Path(base or os.getcwd()))


__all__ = ["RENDERERS", "render"]
