"""The reviewer's static pass: what the app's code says, read through its types.

`run_static(app_dir)` runs the Node helper in `static/` once (the TypeScript
compiler API over the app's functions folder) and returns a `StaticResult`:
the schema, the function catalog, HTTP routes, crons, components, and the
findings of the static rules. The app folder is resolved the way the
playground resolves it (`convex.json`'s `functions`, `convex/`, or the
functions folder itself). Nothing in the app folder is written: a missing
`_generated/` is generated into a cache outside it.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from convex_playground.app import resolve_app
from convex_playground.errors import PlaygroundError

from . import static_cache
from .errors import ReviewInputError, ReviewSetupError, ReviewTimeoutError
from .findings import Finding
from .rules import RULES

_HERE = Path(__file__).resolve().parent
_ANALYZER = _HERE / "static" / "analyze.mjs"
_REPO = _HERE.parents[1]
_TOOLCHAIN = _REPO / "snippets"  # the guide's node_modules (typescript, convex) and codegen script
_CODEGEN = _TOOLCHAIN / "tools" / "codegen.mjs"
# Outside any app folder, shared by reviews; keyed inside by app and module list.
_CACHE = Path(os.environ.get("CONVEX_REVIEW_CACHE", Path(tempfile.gettempdir()) / "convex-review-cache"))
# Seconds the Node helper may take: a 300-module app takes ~15 s on two cores, an app of ~600 functions
# on a busy machine more than 300 s. CONVEX_REVIEW_TIMEOUT overrides it.
_TIMEOUT_SECONDS = 900.0


@dataclass(frozen=True)
class StaticResult:
    app_root: Path
    functions_dir: Path
    typechecked: bool
    warnings: list[str]
    schema: dict
    functions: list[dict]
    httpRoutes: list[dict]
    crons: list[dict]
    components: list[str]
    findings: list[Finding]


def _finding(raw: dict) -> Finding:
    rule = RULES[raw["rule"]]
    return Finding(
        rule=rule.id, category=rule.category, severity=rule.severity,
        file=raw.get("file"), line=raw.get("line"), function=raw.get("function"),
        message=raw["message"], evidence=raw.get("evidence") or {}, fix=raw.get("fix", ""),
        docs=rule.docs_url, source="static",
    )


def run_static(app_dir: Path, *, rules: set[str] | None = None, cache: bool = True) -> StaticResult:
    """Read the app at `app_dir` (its root or its functions folder) and run the static rules.

    `rules` limits the findings to those ids (None: every static rule). With
    `cache`, a result computed earlier from the same files is used again
    (static_cache.py). Raises `ReviewInputError` for an app that is not there
    or does not parse.
    """
    unknown = sorted(set(rules or ()) - set(RULES))
    if unknown:
        raise ReviewInputError(f"unknown rule id(s): {', '.join(unknown)}")
    try:
        layout = resolve_app(app_dir)
    except PlaygroundError as error:
        raise ReviewInputError(str(error)) from None
    config = {
        "appRoot": str(layout.root),
        "functionsDir": str(layout.functions_dir),
        "cacheDir": str(_CACHE),
        "toolchain": str(_TOOLCHAIN),
        "codegenScript": str(_CODEGEN),
        "rules": sorted(rules) if rules is not None else None,
    }
    key = static_cache.address(config, _ANALYZER.parent, _TOOLCHAIN) if cache else None
    data = static_cache.load(_CACHE, key) if key else None
    if data is None:
        data = _analyze(layout, config)
        inputs = data.pop("inputs")
        if key:
            static_cache.store(_CACHE, key, inputs, data)
    return StaticResult(
        app_root=layout.root, functions_dir=layout.functions_dir, typechecked=data["typechecked"],
        warnings=data["warnings"], schema=data["schema"], functions=data["functions"],
        httpRoutes=data["httpRoutes"], crons=data["crons"], components=data["components"],
        findings=[_finding(raw) for raw in data["findings"]],
    )


def _analyze(layout, config: dict) -> dict:
    """One run of the Node helper: its JSON result, or the input error it reports."""
    run = _run_helper([str(_ANALYZER), json.dumps(config)])
    if run.returncode == 2:
        message = json.loads(run.stdout)["error"]
        raise ReviewInputError(message)
    if run.returncode == 4:
        raise ReviewSetupError(json.loads(run.stdout)["error"])
    if run.returncode != 0:
        raise RuntimeError(f"the static pass failed on {layout.root}:\n{run.stderr.strip()}")
    return json.loads(run.stdout)


def _run_helper(arguments: list[str]) -> subprocess.CompletedProcess:
    timeout = _timeout_seconds()
    try:
        return subprocess.run(
            ["node", *arguments], capture_output=True, text=True,
            timeout=timeout, env={**os.environ, "NODE_OPTIONS": "--max-old-space-size=4096"},
        )
    except subprocess.TimeoutExpired:
        raise ReviewTimeoutError(
            f"the static pass did not finish in {timeout:g} s (a very large app, or a busy machine); "
            "set CONVEX_REVIEW_TIMEOUT to more seconds to allow it longer") from None


def _timeout_seconds() -> float:
    value = os.environ.get("CONVEX_REVIEW_TIMEOUT", "").strip()
    if not value:
        return _TIMEOUT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if seconds <= 0:
        raise ReviewInputError(f"CONVEX_REVIEW_TIMEOUT={value!r}: expected a number of seconds above 0")
    return seconds


def bench_static(app_dir: Path, *, cache: bool = False) -> float:
    """Seconds one static pass takes on `app_dir` (for `make bench`): cold unless `cache`."""
    start = time.perf_counter()
    run_static(app_dir, cache=cache)
    return time.perf_counter() - start
