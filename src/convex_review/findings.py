"""The plain data every stage of the reviewer exchanges: one finding.

The static pass, the dynamic pass, suppression, the baseline and every output
format read and write `Finding`s and nothing richer, so a stage can be run,
tested or replaced on its own.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One problem in the app, where it is, why it matters and how to fix it.

    `file` is relative to the app root (the folder holding `convex.json` or the
    functions folder), with forward slashes; `line` is 1-based, or None when the
    finding concerns the app as a whole. `function` is "module:export" (for
    example "messages:send"), or None. `evidence` holds what was seen, with
    measured numbers when the dynamic pass measured some; it must be JSON-ready.
    `source` says which pass found it: "static", "dynamic" or "both".
    """

    rule: str
    category: str
    severity: str
    file: str | None
    line: int | None
    function: str | None
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    fix: str = ""
    docs: str = ""
    source: str = "static"

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")

    def as_json(self) -> dict[str, Any]:
        """The finding as the JSON report's `findings[]` entry."""
        data = asdict(self)
        return {key: data[key] for key in (
            "rule", "category", "severity", "file", "line", "function",
            "message", "evidence", "fix", "docs", "source")}

    def with_changes(self, **changes: Any) -> "Finding":
        return replace(self, **changes)

    def sort_key(self) -> tuple:
        return (self.file or "", self.line or 0, self.rule, self.function or "")
