"""Silencing findings on purpose: ignore comments in the code, and a baseline file.

An ignore comment sits on the line above the flagged line (several may be
stacked, one per rule) and must give a reason:

    // convex-review-ignore unbounded-collect: a channel has at most 50 members

A comment without a reason, or naming a rule that does not exist, silences
nothing and is itself reported (rule `invalid-suppression`), so a typo cannot
hide a finding for ever.

A baseline lets a team adopt the reviewer on an old codebase: `--write-baseline`
records today's findings, `--baseline` hides them and shows only new ones. A
finding's key is its rule, file, function and message (with numbers blanked),
never its line, so editing code above a finding does not resurface it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .errors import ReviewInputError
from .findings import Finding
from .rules import RULES

IGNORE_MARKER = "convex-review-ignore"
_IGNORE = re.compile(r"//\s*convex-review-ignore\b(?P<rest>.*)$")
_RULE_AND_REASON = re.compile(r"^\s*(?P<rule>[A-Za-z0-9_-]+)?\s*(?::\s*(?P<reason>.*?))?\s*$")
SOURCE_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mts", ".mjs", ".cts", ".cjs")
SKIPPED_DIRS = {"_generated", "node_modules", ".git"}


@dataclass(frozen=True)
class IgnoreComment:
    file: str   # relative to the app root
    line: int   # the comment's own line, 1-based
    rule: str
    reason: str


def _source_files(app_root: Path, functions_dir: Path) -> list[Path]:
    files = []
    for path in sorted(functions_dir.rglob("*")):
        if path.suffix in SOURCE_SUFFIXES and path.is_file() and not SKIPPED_DIRS & set(path.relative_to(app_root).parts):
            files.append(path)
    return files


def read_ignore_comments(app_root: Path, functions_dir: Path) -> tuple[list[IgnoreComment], list[Finding]]:
    """Every well-formed ignore comment in the app, and a finding for each malformed one."""
    rule = RULES["invalid-suppression"]
    comments: list[IgnoreComment] = []
    problems: list[Finding] = []
    for path in _source_files(app_root, functions_dir):
        relative = path.relative_to(app_root).as_posix()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue  # the static pass reports files it cannot read
        for number, text in enumerate(lines, start=1):
            found = _IGNORE.search(text)
            if not found:
                continue
            parsed = _RULE_AND_REASON.match(found["rest"])
            rule_id = parsed["rule"] if parsed else None
            reason = (parsed["reason"] or "").strip() if parsed else ""
            problem = None
            if not rule_id:
                problem = f"`{IGNORE_MARKER}` without a rule id: write `// {IGNORE_MARKER} <rule>: <reason>`"
            elif rule_id not in RULES:
                problem = f"`{IGNORE_MARKER}` names an unknown rule `{rule_id}`"
            elif not reason:
                problem = f"`{IGNORE_MARKER} {rule_id}` gives no reason: add `: <why this is fine here>`"
            if problem:
                problems.append(Finding(
                    rule=rule.id, category=rule.category, severity=rule.severity, file=relative, line=number,
                    function=None, message=problem + "; it silences nothing",
                    evidence={"comment": text.strip()},
                    fix="Name one of the reviewer's rule ids and say why the finding does not apply here.",
                    docs=rule.docs_url))
            else:
                comments.append(IgnoreComment(relative, number, rule_id, reason))
    return comments, problems


def _comment_block_above(lines: list[str], line: int) -> range:
    """The 1-based line numbers of the comment lines directly above `line`."""
    start = min(line, len(lines) + 1) - 1  # a line past the end (an edited file) has no comment above
    while start >= 1 and lines[start - 1].lstrip().startswith("//"):
        start -= 1
    return range(start + 1, line)


def apply_ignore_comments(findings: list[Finding], app_root: Path,
                          comments: list[IgnoreComment]) -> tuple[list[Finding], list[tuple[Finding, IgnoreComment]]]:
    """The findings no comment silences, and the silenced ones with the comment that did it."""
    by_place = {(c.file, c.line, c.rule): c for c in comments}
    line_cache: dict[str, list[str]] = {}
    kept, silenced = [], []
    for finding in findings:
        comment = None
        if finding.file and finding.line and finding.rule != "invalid-suppression":
            if finding.file not in line_cache:
                try:
                    line_cache[finding.file] = (app_root / finding.file).read_text(encoding="utf-8").splitlines()
                except (OSError, UnicodeDecodeError):
                    line_cache[finding.file] = []
            for above in _comment_block_above(line_cache[finding.file], finding.line):
                comment = by_place.get((finding.file, above, finding.rule)) or comment
        if comment is None:
            kept.append(finding)
        else:
            silenced.append((finding, comment))
    return kept, silenced


def baseline_key(finding: Finding) -> str:
    """A key that survives edits elsewhere in the file: no line number, numbers in the message blanked."""
    message = re.sub(r"\d[\d,._]*", "#", finding.message)
    text = "\x1f".join([finding.rule, finding.file or "", finding.function or "", message])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


BASELINE_VERSION = 1


def write_baseline(path: Path, findings: list[Finding]) -> None:
    entries = sorted(({"key": baseline_key(f), "rule": f.rule, "file": f.file, "function": f.function,
                       "message": f.message} for f in findings), key=lambda e: (e["file"] or "", e["rule"], e["key"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": BASELINE_VERSION, "tool": "convex-review", "findings": entries},
                               indent=2) + "\n", encoding="utf-8")


def read_baseline(path: Path) -> Counter[str]:
    """How many findings of each key the baseline accepts."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReviewInputError(f"{path}: baseline file not found (write one with --write-baseline)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ReviewInputError(f"{path}: cannot read the baseline: {error}") from None
    except json.JSONDecodeError as error:
        raise ReviewInputError(f"{path}:{error.lineno}: the baseline is not valid JSON: {error.msg}") from None
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION or not isinstance(data.get("findings"), list):
        raise ReviewInputError(f"{path}: not a convex-review baseline (expected version {BASELINE_VERSION} "
                               "and a findings list; write one with --write-baseline)")
    keys = Counter()
    for number, entry in enumerate(data["findings"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
            raise ReviewInputError(f"{path}: findings[{number}] has no key")
        keys[entry["key"]] += 1
    return keys


def apply_baseline(findings: list[Finding], accepted: Counter[str]) -> tuple[list[Finding], list[Finding]]:
    """The new findings, and those the baseline accepts (each baseline entry hides one finding)."""
    remaining = Counter(accepted)
    kept, hidden = [], []
    for finding in findings:
        key = baseline_key(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
            hidden.append(finding)
        else:
            kept.append(finding)
    return kept, hidden
