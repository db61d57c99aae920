"""Merging the static and the dynamic pass's findings into one list.

Where the static pass saw a flaw in the code and the dynamic pass measured it,
the reader gets one finding that carries both: the static pass's location (it
points at the line) and the dynamic pass's message (it has the numbers). Two
findings are the same flaw when they name the same rule and the same function,
or the same rule at the same file and line.
"""

from __future__ import annotations

from collections.abc import Iterable

from .findings import SEVERITIES, Finding
from .rules import RULES


def _rank(severity: str) -> int:
    """Higher is more severe: error 2, warning 1, info 0."""
    return len(SEVERITIES) - 1 - SEVERITIES.index(severity)


def stronger(a: str, b: str) -> str:
    return a if _rank(a) >= _rank(b) else b


def at_least(severity: str, level: str) -> bool:
    """True when `severity` is `level` or more severe."""
    return _rank(severity) >= _rank(level)


def normalise(finding: Finding) -> Finding:
    """Category and docs from the rule catalogue; the severity never below the rule's default.

    A pass may raise a rule's severity (a read-limit measured as failing is an
    error whatever the default), never lower it: the catalogue is what the docs
    promise.
    """
    rule = RULES.get(finding.rule)
    if rule is None:
        return finding
    return finding.with_changes(
        category=rule.category,
        severity=stronger(finding.severity, rule.severity),
        docs=finding.docs or rule.docs_url,
    )


def _same_flaw(a: Finding, b: Finding) -> bool:
    if a.rule != b.rule:
        return False
    if a.function is not None and a.function == b.function:
        return True
    return a.file is not None and a.line is not None and (a.file, a.line) == (b.file, b.line)


def _combine(static: Finding, dynamic: Finding) -> Finding:
    return static.with_changes(
        severity=stronger(static.severity, dynamic.severity),
        message=dynamic.message,
        evidence={name: evidence for name, evidence in (("static", static.evidence), ("dynamic", dynamic.evidence))
                  if evidence},
        fix=static.fix or dynamic.fix,
        function=static.function or dynamic.function,
        file=static.file or dynamic.file,
        line=static.line if static.line is not None else dynamic.line,
        source="both",
    )


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    """Drop exact repeats (a pass that reports one flaw twice), keeping the first."""
    seen: set[tuple] = set()
    kept = []
    for finding in findings:
        key = (finding.rule, finding.file, finding.line, finding.function, finding.message)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def locate(finding: Finding, catalog: dict[str, dict]) -> Finding:
    """A finding that names a function but no file gets the function's file and line from the catalog."""
    entry = catalog.get(finding.function or "")
    if finding.file is not None or not entry or not entry.get("file"):
        return finding
    return finding.with_changes(file=entry["file"], line=entry.get("line"))


def withdraw_refuted(static: Iterable[Finding], cleared: dict[str, dict]) -> tuple[list[Finding], list[Finding]]:
    """The static findings a call refuted, set apart: (kept, withdrawn).

    The static pass suspects missing-access-control in a public function that
    reads user data without checking who is calling; it cannot tell a query
    that shows each author's name from one that hands out emails. `cleared`
    (the dynamic pass's `cleared`, by function) says which functions were
    called anonymously, read user tables and returned nothing personal. A
    suspicion that rests on reading those tables alone (no write, no
    ctx.runMutation/runAction) is withdrawn; each withdrawn finding carries
    both passes' evidence.
    """
    kept: list[Finding] = []
    withdrawn: list[Finding] = []
    for finding in static:
        clearance = cleared.get(finding.function or "")
        evidence = finding.evidence
        refuted = (finding.rule == "missing-access-control" and clearance is not None
                   and not evidence.get("tablesWritten") and not evidence.get("runs")
                   and set(evidence.get("userTablesRead") or []) <= set(clearance["tablesRead"])
                   and bool(evidence.get("userTablesRead")))
        if refuted:
            withdrawn.append(finding.with_changes(evidence={"static": evidence, "dynamic": clearance}, source="both"))
        else:
            kept.append(finding)
    return kept, withdrawn


def merge_findings(static: Iterable[Finding], dynamic: Iterable[Finding],
                   functions: Iterable[dict] = ()) -> list[Finding]:
    """One list, sorted by file and line, with each flaw both passes found reported once.

    `functions` is the static pass's catalog: it places dynamic findings
    (which know the function they measured, not always its file) in the code.
    """
    catalog = {entry.get("name"): entry for entry in functions}
    merged = [normalise(f) for f in _unique(static)]
    for found in _unique(locate(normalise(f), catalog) for f in dynamic):
        match = next((i for i, f in enumerate(merged) if f.source == "static" and _same_flaw(f, found)), None)
        if match is None:
            merged.append(found)
        else:
            merged[match] = _combine(merged[match], found)
    return sorted(merged, key=Finding.sort_key)
