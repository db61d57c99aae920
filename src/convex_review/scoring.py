"""Recall and precision of a review against written-down ground truth.

The ground truth (tests/data/review_ground_truth.yml) lists every planted flaw
by file (relative to snippets/), declaration and rule id. A finding is right
when its rule is the flaw's rule (or one of its `also` rules), in the same
file, and its line falls inside the flaw's declaration, or it names one of the
registered functions that reach the flaw. Recall counts flaws found by their
own rule; precision counts right findings among all findings in the files
scored. The same scorer rates the reviewer and ESLint, so the two numbers can
be put side by side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .rules import RULES

# @convex-dev/eslint-plugin 5.0.0's rules, and the reviewer rule each one
# checks (None: no reviewer rule checks the same thing).
ESLINT_TO_RULE = {
    "@convex-dev/no-old-registered-function-syntax": "old-function-syntax",
    "@convex-dev/require-args-validator": "missing-args-validator",
    "@convex-dev/explicit-table-ids": "implicit-table-id",
    "@convex-dev/no-schema-import-cycle": None,
    "@convex-dev/no-duplicate-indexes": "redundant-index",
    "@convex-dev/no-process-env": None,
    "@convex-dev/no-filter-in-query": "filter-scan",
    "@convex-dev/no-top-of-hour-crons": None,
    "@convex-dev/no-collect-in-query": "unbounded-collect",
    "@convex-dev/require-access-control": "missing-access-control",
    "@convex-dev/import-wrong-runtime": "wrong-runtime-import",
}


@dataclass(frozen=True)
class Flaw:
    file: str
    rule: str
    first: int
    last: int
    names: tuple[str, ...]   # the declaration and the functions that reach it (`via`)
    also: tuple[str, ...] = ()

    def accepts(self, found: "Found", rules: tuple[str, ...]) -> bool:
        if found.rule not in rules or found.file != self.file:
            return False
        in_span = found.line is not None and self.first <= found.line <= self.last
        return in_span or (found.export is not None and found.export in self.names)


@dataclass(frozen=True)
class Found:
    """A finding reduced to what scoring needs, with `file` relative to snippets/."""
    rule: str
    file: str | None
    line: int | None
    export: str | None = None   # the export name of the function it names


@dataclass
class Score:
    flaws: int
    found: list[Flaw] = field(default_factory=list)
    missed: list[Flaw] = field(default_factory=list)
    right: list[Found] = field(default_factory=list)
    wrong: list[Found] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return len(self.found) / self.flaws if self.flaws else 1.0

    @property
    def precision(self) -> float:
        total = len(self.right) + len(self.wrong)
        return len(self.right) / total if total else 1.0


_DECLARATION = r"^(?:export\s+)?(?:default\s+)?(?:abstract\s+)?(?:const|let|class|async\s+function|function)\s+{name}\b"


def declaration_span(path: Path, name: str) -> tuple[int, int]:
    """First and last line of the top-level declaration `name` in `path` (1-based)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    pattern = re.compile(_DECLARATION.format(name=re.escape(name)))
    start = next((i for i, text in enumerate(lines) if pattern.match(text)), None)
    if start is None:
        raise ValueError(f"{path}: no top-level declaration `{name}`")
    depth = 0  # open brackets since the declaration's first line
    for end in range(start, len(lines)):
        text = lines[end].split("//")[0]
        depth += sum(text.count(c) for c in "{([") - sum(text.count(c) for c in "})]")
        if depth <= 0 and (text.rstrip().endswith((";", "}")) or text.startswith("}")):
            return start + 1, end + 1
    return start + 1, len(lines)


def load_ground_truth(path: Path, snippets: Path) -> tuple[list[Flaw], list[str]]:
    """The flaws, with their line spans resolved in snippets/, and the files no rule covers."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    flaws = []
    for entry in data["flaws"]:
        for rule in [entry["rule"], *entry.get("also", [])]:
            if rule not in RULES:
                raise ValueError(f"{path}: unknown rule {rule!r} for {entry['file']}")
        if "lines" in entry:
            first, last = entry["lines"]
        else:
            first, last = declaration_span(snippets / entry["file"], entry["at"])
        names = tuple(([entry["at"]] if "at" in entry else []) + list(entry.get("via", [])))
        flaws.append(Flaw(entry["file"], entry["rule"], first, last, names, tuple(entry.get("also", []))))
    return flaws, list(data.get("uncovered", []))


def score(found: list[Found], flaws: list[Flaw], uncovered: list[str] = ()) -> Score:
    result = Score(flaws=len(flaws))
    for flaw in flaws:
        hit = any(flaw.accepts(f, (flaw.rule,)) for f in found)
        (result.found if hit else result.missed).append(flaw)
    for finding in found:
        if finding.file in uncovered:
            continue  # a flaw no rule claims: neither right nor wrong
        if any(flaw.accepts(finding, (flaw.rule, *flaw.also)) for flaw in flaws):
            result.right.append(finding)
        else:
            result.wrong.append(finding)
    return result


def from_review_json(report: dict, prefix: str = "", renames: dict[str, str] | None = None) -> list[Found]:
    """The reviewer's JSON findings, with files made relative to snippets/.

    `prefix` is the app root relative to snippets/ ("flawed-app/"); `renames`
    maps a folder of a composed app back to where its files live in snippets/.
    """
    found = []
    for item in report["findings"]:
        file = item.get("file")
        if file is not None:
            for old, new in (renames or {}).items():
                if file.startswith(old):
                    file = new + file[len(old):]
                    break
            else:
                file = prefix + file
        function = item.get("function")
        found.append(Found(item["rule"], file, item.get("line"), function.split(":")[-1] if function else None))
    return found


def from_eslint_json(report: list[dict], snippets: Path) -> tuple[list[Found], int]:
    """ESLint's findings mapped to reviewer rules, and how many had no corresponding rule."""
    found, unmapped = [], 0
    for entry in report:
        file = Path(entry["filePath"]).resolve().relative_to(snippets.resolve()).as_posix()
        for message in entry["messages"]:
            rule = ESLINT_TO_RULE.get(message.get("ruleId") or "")
            if rule is None:
                unmapped += 1
                continue
            found.append(Found(rule, file, message.get("line")))
    return found, unmapped
