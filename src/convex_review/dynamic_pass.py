"""The reviewer's dynamic pass: run the app on the playground and judge it by what its functions do.

    result = run_dynamic(Path("snippets"), sizes=(100, 2000), progress=print)

The app is copied to a folder of the playground's cache (its node_modules linked, not copied)
and started on a playground with transaction limits enforced and outbound
network from functions refused. For each size the database is emptied, every
table seeded with that many synthetic documents (dynamic/seeding.py) and every
function called (dynamic/runner.py); the findings come from the recorded
calls (dynamic/verdicts.py). Nothing the app does can reach a real deployment
or a real service.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import random
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterator

from convex_playground import Playground
from convex_playground.app import resolve_app
from convex_playground.errors import PlaygroundError
from convex_playground.identity import identity_from_token
from convex_playground.playground import cache_dir

from .dynamic.runner import Round, run_round, tables_read_as_unique
from .dynamic.seeding import USER_NAMES, table_infos
from .dynamic.verdicts import Where, cleared_access, judge, measured
from .errors import ReviewInputError
from .findings import Finding
from .rules import RULES

_COPY_SKIPS = shutil.ignore_patterns("node_modules", ".git", "build", "dist", ".venv", "__pycache__", ".next")
_CODE_EXTENSIONS = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".mts", ".cjs", ".cts")


@dataclass(frozen=True)
class DynamicResult:
    """What the pass measured per function ("module:export"), what it proved, and what it could not judge."""

    measurements: dict[str, dict]
    findings: list[Finding]
    warnings: list[str]
    timings: dict[str, float] = field(default_factory=dict)  # seconds: start, each round, total
    # function -> what its anonymous calls showed: user data read, none of it personal (verdicts.cleared_access)
    cleared: dict[str, dict] = field(default_factory=dict)


def _claims(user: str) -> dict[str, str]:
    return {"subject": f"review-{user}", "name": f"{user.title()} Review", "email": f"{user}@review.example"}


@contextlib.contextmanager
def _copy_place(root: Path) -> Iterator[Path]:
    """The folder the app is copied into: one per app, in the playground's cache, held under a lock.

    The playground caches an app's bundles by the path of its functions folder,
    so a fixed place per app lets a second review reuse the first one's bundles
    (a fresh temporary folder each time would bundle again, and leave a cache
    entry behind per run). The lock keeps two reviews of one app apart.
    """
    place = cache_dir() / "review-copies" / hashlib.sha256(str(root).encode()).hexdigest()[:16]
    place.mkdir(parents=True, exist_ok=True)
    with open(place.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield place


def _copy_app(root: Path, into: Path) -> Path:
    """A fresh copy of the app's root folder; node_modules folders are linked so the app's own packages resolve."""
    copy = into / root.name
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(root, copy, ignore=_COPY_SKIPS, symlinks=True)
    for modules in [root / "node_modules", *(p / "node_modules" for p in root.iterdir() if p.is_dir())]:
        target = copy / modules.relative_to(root)
        if modules.is_dir() and not target.exists():
            target.symlink_to(modules.resolve(), target_is_directory=True)
    return copy


def run_dynamic(app_dir: Path, *, static: Any = None, sizes: tuple[int, ...] = (100, 2000),
                rules: set[str] | None = None, progress: Callable[[str], None] | None = None,
                seed: int = 1) -> DynamicResult:
    """Seeds the app at each size, calls its functions, and returns measurements and findings (see module docstring)."""
    say = progress or (lambda _message: None)
    enabled = set(RULES) if rules is None else set(rules)
    sizes = tuple(sorted(set(int(s) for s in sizes)))
    if not sizes or sizes[0] < 1:
        raise ValueError("sizes must be positive numbers of documents per table")
    try:
        layout = resolve_app(app_dir)
    except PlaygroundError as error:
        raise ReviewInputError(str(error)) from None
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with _copy_place(layout.root) as place:
        copy_root = _copy_app(layout.root, place)
        copy_app = copy_root / layout.functions_dir.relative_to(layout.root)
        say(f"starting the playground on a copy of {layout.root.name}")
        try:
            playground = Playground(copy_app if copy_app != copy_root / "convex" else copy_root)
        except PlaygroundError as error:
            # The message names files of the copy: name the app's own instead. A file of a package is reached
            # through the copy's link to the app's node_modules, so the loader names it from the copy's root
            # (`../../<app>/node_modules/...`): relative to the app's root, as the playground says it.
            through_link = os.path.relpath(layout.root.resolve(), copy_root) + os.sep
            message = str(error).replace(through_link, "").replace(str(copy_root), str(layout.root))
            raise ReviewInputError(message) from None
        timings["startSeconds"] = time.perf_counter() - started
        try:
            return _review(playground, layout, static, sizes, enabled, say, seed, timings, started)
        finally:
            playground.close()


def _review(playground: Playground, layout: Any, static: Any, sizes: tuple[int, ...], enabled: set[str],
            say: Callable[[str], None], seed: int, timings: dict[str, float], started: float) -> DynamicResult:
    playground.block_outbound_network()
    schema = playground.exported_schema()
    tables = table_infos(schema)
    warnings: list[str] = []
    if not tables:
        warnings.append("the app has no schema (or an empty one): no table was seeded")
    identities = {user: identity_from_token(_claims(user), playground.auth) for user in USER_NAMES}
    functions = [{"name": f.name, "kind": f.kind, "visibility": f.visibility, "args": f.args, "returns": f.returns}
                 for f in playground.functions]
    static_functions = {f["name"]: f for f in (getattr(static, "functions", None) or [])}
    # The playground names a default export by its module alone.
    static_functions |= {name.removesuffix(":default"): f for name, f in static_functions.items() if name.endswith(":default")}
    static_args = {name: list(f.get("args") or []) for name, f in static_functions.items()}
    rng = random.Random(seed)
    rounds: list[Round] = []
    one_per_user: frozenset[str] = frozenset()
    for size in sizes:
        round_started = time.perf_counter()
        current = run_round(playground, tables, identities, functions, size, probe=size == sizes[0], rng=rng,
                            static_args=static_args, progress=say, one_per_user=one_per_user)
        unique = tables_read_as_unique(current) - one_per_user
        if unique:  # the app keeps one row per user there: seed it that way and run the round again
            one_per_user |= unique
            say(f"one row per user in {', '.join(sorted(unique))}: seeding {size:,} per table again")
            current = run_round(playground, tables, identities, functions, size, probe=size == sizes[0], rng=rng,
                                static_args=static_args, progress=say, one_per_user=one_per_user)
        rounds.append(current)
        timings[f"round{size}Seconds"] = time.perf_counter() - round_started
        for warning in current.state.warnings:
            if warning not in warnings:
                warnings.append(warning)
    say("judging the measurements")
    locate = _locator(layout, static, static_functions)
    findings, judged_warnings = judge(rounds, functions, locate, enabled, static_functions)
    cleared = {_full_name(name): evidence for name, evidence in cleared_access(rounds, functions, findings).items()}
    # An index that is a prefix of another gets one finding, the static pass's redundant-index (its fix
    # names the index that serves instead), whether or not anything reads through it.
    redundant = {(f.evidence.get("table"), f.evidence.get("index"))
                 for f in getattr(static, "findings", None) or [] if f.rule == "redundant-index"}
    findings = [f for f in findings
                if not (f.rule == "unused-index" and (f.evidence.get("table"), f.evidence.get("index")) in redundant)]
    # Tables the static pass could not read in the schema come from a library (`...authTables` of Convex Auth),
    # whose own functions read them on paths one call per function does not reach: not judged, as statically.
    if static is not None:
        known = set((getattr(static, "schema", None) or {}).get("tables") or {})
        library = sorted({str(f.evidence.get("table")) for f in findings
                          if f.rule == "unused-index" and f.evidence.get("table") not in known})
        findings = [f for f in findings if not (f.rule == "unused-index" and f.evidence.get("table") in library)]
        if library:
            warnings.append(f"unused-index not judged for {', '.join(library)}: the schema takes these tables from "
                            "a spread or a helper (a library's tables), whose own functions read them")
    warnings += judged_warnings
    timings["totalSeconds"] = time.perf_counter() - started
    findings = [replace(f, function=_full_name(f.function)) if f.function else f for f in findings]
    measurements = {_full_name(name): values for name, values in _measurements(rounds, functions).items()}
    return DynamicResult(measurements=measurements, findings=findings, warnings=warnings, timings=timings,
                         cleared=cleared)


def _full_name(name: str) -> str:
    """A default export is "module" to the playground and "module:default" to the static pass: one name for both."""
    return name if ":" in name else f"{name}:default"


def _measurements(rounds: list[Round], functions: list[dict]) -> dict[str, dict]:
    table: dict[str, dict] = {}
    for function in functions:
        name = function["name"]
        outcomes = [o for r in rounds for o in r.outcomes if o.function == name]
        if not outcomes:
            table[name] = {"kind": function["kind"], "visibility": function["visibility"], "calls": 0, "errors": [],
                           "skipped": "no arguments could be generated (a table it needs is empty)"}
            continue
        calls = measured(rounds, name)
        anonymous = [o for o in outcomes if o.caller == "anonymous"]
        errors = sorted({f"{o.caller}: {(o.error or '').splitlines()[0][:200]}" for o in outcomes if not o.ok})
        table[name] = {
            "kind": function["kind"],
            "visibility": function["visibility"],
            "calls": len(outcomes),
            "errors": errors[:10],
            "documentsRead": {s: o.metrics.documents_read for s, o in calls.items()},
            "bytesRead": {s: o.metrics.bytes_read for s, o in calls.items()},
            "documentsWritten": {s: o.metrics.documents_written for s, o in calls.items()},
            "bytesWritten": {s: o.metrics.bytes_written for s, o in calls.items()},
            "indexRanges": {s: o.metrics.index_ranges for s, o in calls.items()},
            "resultSize": {s: o.result_items for s, o in calls.items()},
            "resultBytes": {s: o.result_bytes for s, o in calls.items()},
            "functionsScheduled": {s: o.metrics.functions_scheduled for s, o in calls.items()},
            "indexesRead": sorted({source for o in calls.values() for source in o.sources}),
            "ok": {s: o.ok for s, o in calls.items()},
            "anonymousAllowed": any(o.ok for o in anonymous) if anonymous else None,
        }
    return table


def _locator(layout: Any, static: Any, static_functions: dict[str, dict]) -> Callable[..., Where]:
    """Where a function (by name) or an index (`index=(table, name)`) is defined, relative to the app root."""
    root = layout.root
    static_tables = (getattr(static, "schema", None) or {}).get("tables", {})

    def relative(path: Path) -> str:
        return path.relative_to(root).as_posix()

    def locate(function: str | None, *, index: tuple[str, str] | None = None) -> Where:
        if index is not None:
            table, name = index
            for known in static_tables.get(table, {}).get("indexes", []):
                if known.get("name") == name:
                    return Where(known.get("file"), known.get("line"))
            return _search_schema(layout, name, relative)
        known = static_functions.get(_full_name(function)) if function else None
        if known is not None:
            return Where(known.get("file"), known.get("line"))
        module, _, export = (function or "").partition(":")
        for extension in _CODE_EXTENSIONS:
            path = layout.functions_dir / f"{module}{extension}"
            if path.is_file():
                declaration = f"export const {export}" if export and export != "default" else "export default"
                return Where(relative(path), _line_of(path, declaration))
        return Where(None, None)

    return locate


def _search_schema(layout: Any, index: str, relative: Callable[[Path], str]) -> Where:
    for extension in _CODE_EXTENSIONS:
        path = layout.functions_dir / f"schema{extension}"
        if path.is_file():
            return Where(relative(path), _line_of(path, f'"{index}"') or _line_of(path, f"'{index}'"))
    return Where(None, None)


def _line_of(path: Path, text: str) -> int | None:
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        if text in line:
            return number
    return None
