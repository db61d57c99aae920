"""One review of one app: run the passes, merge, apply suppressions and the baseline.

This is the reviewer's orchestration, shared by the command line (`cli.py`),
the notebook template and the bench. It returns a `Review`: plain data that
every output format (`formats.py`, `onboarding.py`) renders without running
anything again.

The two passes live in their own modules (`static_pass.run_static`,
`dynamic_pass.run_dynamic`) and are imported only when a review runs, so the
merge, suppression and formats work, and are tested, on their own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ReviewInputError
from .findings import SEVERITIES, Finding
from .merge import at_least, merge_findings, withdraw_refuted
from .rules import RULES
from .suppression import IgnoreComment, apply_baseline, apply_ignore_comments, read_baseline, read_ignore_comments

DEFAULT_SIZES = (100, 2000)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Review:
    app: str                      # the app folder as the user named it
    app_root: Path
    findings: list[Finding]       # what the report shows: not suppressed, not in the baseline
    suppressed: list[tuple[Finding, IgnoreComment]] = field(default_factory=list)
    baselined: list[Finding] = field(default_factory=list)
    static: Any = None            # the static pass's StaticResult
    dynamic: Any = None           # the dynamic pass's DynamicResult, or None with --static-only
    warnings: list[str] = field(default_factory=list)
    withdrawn: list[Finding] = field(default_factory=list)  # static suspicions a call refuted (merge.withdraw_refuted)

    @property
    def unsuppressed(self) -> list[Finding]:
        """Every finding no comment silences, the baseline's included: what --write-baseline records."""
        return sorted(self.findings + self.baselined, key=Finding.sort_key)

    def failing(self, fail_level: str) -> list[Finding]:
        return [f for f in self.findings if at_least(f.severity, fail_level)]

    def summary(self) -> dict[str, Any]:
        return {
            "total": len(self.findings),
            "bySeverity": {severity: sum(f.severity == severity for f in self.findings) for severity in SEVERITIES},
            "byCategory": dict(sorted(Counter(f.category for f in self.findings).items())),
            "byRule": dict(sorted(Counter(f.rule for f in self.findings).items())),
            "suppressed": len(self.suppressed),
            "baselined": len(self.baselined),
            "withdrawn": [{"rule": f.rule, "function": f.function, "file": f.file, "line": f.line,
                           "because": f.evidence.get("dynamic", {}).get("what")} for f in self.withdrawn],
            "dynamic": self.dynamic is not None,
            "typechecked": bool(getattr(self.static, "typechecked", False)),
            "functions": len(getattr(self.static, "functions", []) or []),
            "warnings": list(self.warnings),
        }


def parse_rule_list(text: str) -> set[str]:
    """`--rules a,b`: the ids, each checked against the catalogue."""
    ids = {part.strip() for part in text.split(",") if part.strip()}
    unknown = sorted(ids - RULES.keys())
    if unknown:
        raise ReviewInputError(f"--rules: unknown rule id{'s' if len(unknown) > 1 else ''} "
                               f"{', '.join(unknown)} (known: {', '.join(RULES)})")
    if not ids:
        raise ReviewInputError("--rules: give at least one rule id")
    return ids


def _run_static(app_dir: Path, rules: set[str] | None):
    from .static_pass import run_static
    return run_static(app_dir, rules=rules)


def _run_dynamic(app_dir: Path, static, sizes, rules, progress):
    from .dynamic_pass import run_dynamic
    return run_dynamic(app_dir, static=static, sizes=sizes, rules=rules, progress=progress)


def run_review(app_dir: Path | str, *, rules: set[str] | None = None, static_only: bool = False,
               sizes: tuple[int, ...] = DEFAULT_SIZES, baseline: Path | None = None,
               progress: Progress | None = None, static_runner=None, dynamic_runner=None) -> Review:
    """Review the app in `app_dir`. Raises ReviewInputError for an app that is missing or does not load.

    `static_runner(app_dir, rules)` and `dynamic_runner(app_dir, static, sizes, rules, progress)`
    replace the two passes (tests and the bench use this); by default they are
    the real ones.
    """
    say = progress or (lambda message: None)
    app_path = Path(app_dir)
    if not app_path.exists():
        raise ReviewInputError(f"{app_dir}: no such folder (give the folder holding convex.json or convex/)")
    if not app_path.is_dir():
        raise ReviewInputError(f"{app_dir}: not a folder (give the folder holding convex.json or convex/)")
    accepted = read_baseline(baseline) if baseline else None

    say(f"static pass on {app_dir}")
    static = (static_runner or _run_static)(app_path, rules)
    warnings = list(getattr(static, "warnings", []) or [])
    dynamic = None
    if not static_only:
        say("dynamic pass: seeding and calling every public function on the playground")
        dynamic = (dynamic_runner or _run_dynamic)(app_path, static, tuple(sizes), rules, say)
        warnings += list(getattr(dynamic, "warnings", []) or [])

    static_findings, withdrawn = withdraw_refuted(static.findings, getattr(dynamic, "cleared", None) or {})
    merged = merge_findings(static_findings, dynamic.findings if dynamic else [],
                            getattr(static, "functions", []) or [])
    if rules is not None:
        merged = [f for f in merged if f.rule in rules]
    app_root = Path(static.app_root)
    comments, bad_comments = read_ignore_comments(app_root, Path(static.functions_dir))
    kept, suppressed = apply_ignore_comments(merged, app_root, comments)
    kept = sorted(kept + bad_comments, key=Finding.sort_key)
    baselined: list[Finding] = []
    if accepted is not None:
        kept, baselined = apply_baseline(kept, accepted)
    say(f"review done: {len(kept)} findings, {len(suppressed)} suppressed, {len(baselined)} in the baseline")
    return Review(app=str(app_dir), app_root=app_root, findings=kept, suppressed=suppressed,
                  baselined=baselined, static=static, dynamic=dynamic, warnings=warnings, withdrawn=withdrawn)
