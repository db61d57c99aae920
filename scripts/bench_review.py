#!/usr/bin/env python3
"""The reviewer's numbers for `make bench` (scripts/bench.py calls this; `--skip review` leaves it out).

Prints
  1. recall and precision on the planted flaws (tests/data/review_ground_truth.yml):
     the reviewer (static and dynamic passes) beside @convex-dev/eslint-plugin
     5.0.0 with every rule on (snippets/tools/eslint.all-convex-rules.mjs),
     both scored by convex_review.scoring; and what each one missed;
  2. timings: the static pass on the reference app, cold (TypeScript runs) and
     warm (the app unchanged since the last review: the result cache answers),
     a full review of the reference app with a cold static pass, the static
     pass on a generated 300-module app, cold and warm.

The flawed app is reviewed as it is. The anti-patterns live outside any app,
so they are reviewed inside a scratch copy of the reference app, under
convex/antipatterns/ (as notebooks 2 and 3 load them); findings on the
reference app's own files count against precision, since it has no flaws.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from convex_review.formats import render_json  # noqa: E402
from convex_review.review import run_review  # noqa: E402
from convex_review.scoring import from_eslint_json, from_review_json, load_ground_truth, score  # noqa: E402

SNIPPETS = REPO / "snippets"
TRUTH = REPO / "tests" / "data" / "review_ground_truth.yml"
# An app the reviewer was not tuned on, with its own ground truth (files relative to tests/fixtures/).
UNSEEN_APP = REPO / "tests" / "fixtures" / "reviewquality10_app"
UNSEEN_TRUTH = REPO / "tests" / "data" / "review_ground_truth_unseen.yml"
ESLINT = SNIPPETS / "node_modules" / "eslint" / "bin" / "eslint.js"
ESLINT_CONFIG = "tools/eslint.all-convex-rules.mjs"
GENERATED_MODULES = 300


def compose_antipattern_app(dest: Path) -> Path:
    """A copy of the reference app with snippets/antipatterns/ as convex/antipatterns/, imports rewritten."""
    shutil.copytree(SNIPPETS / "convex", dest / "convex")
    for source in sorted((SNIPPETS / "antipatterns").rglob("*.ts")):
        target = dest / "convex" / "antipatterns" / source.relative_to(SNIPPETS / "antipatterns")
        target.parent.mkdir(parents=True, exist_ok=True)
        # "../convex/x" from antipatterns/ is "../x" from convex/antipatterns/: same depth, one folder less.
        target.write_text(re.sub(r'"((?:\.\./)+)convex/', r'"\1', source.read_text()))
    # The reference app's client code: a function it calls is not one "only the server calls".
    shutil.copytree(SNIPPETS / "app", dest / "app")
    (dest / "node_modules").symlink_to(SNIPPETS / "node_modules")
    # The reference app's values for its required environment variables on a local backend.
    shutil.copyfile(SNIPPETS / "playground.env", dest / "playground.env")
    tsconfig = json.loads(re.sub(r"^\s*//.*$", "", (SNIPPETS / "tsconfig.json").read_text(), flags=re.M))
    tsconfig["include"] = ["convex/**/*"]
    (dest / "tsconfig.json").write_text(json.dumps(tsconfig, indent=2))
    return dest


def reviewer_findings(workdir: Path, static_only: bool) -> list:
    found = []
    flawed = run_review(SNIPPETS / "flawed-app", static_only=static_only)
    found += from_review_json(json.loads(render_json(flawed, REPO)), prefix="flawed-app/")
    composed = run_review(compose_antipattern_app(workdir / "antipatterns-app"), static_only=static_only)
    found += from_review_json(json.loads(render_json(composed, REPO)),
                              renames={"convex/antipatterns/": "antipatterns/"})
    return found


def eslint_findings() -> tuple[list, int]:
    result = subprocess.run(["node", str(ESLINT), "-c", ESLINT_CONFIG, "--format", "json",
                             "flawed-app/convex", "antipatterns", "convex"],
                            cwd=SNIPPETS, capture_output=True, text=True, timeout=900)
    if result.returncode not in (0, 1):
        raise RuntimeError(f"eslint failed (exit {result.returncode}): {result.stderr[-2000:]}")
    return from_eslint_json(json.loads(result.stdout), SNIPPETS)


def print_score(label: str, found: list, flaws, uncovered, note: str = "") -> None:
    result = score(found, flaws, uncovered)
    print(f"  {label:<34} recall {len(result.found)}/{result.flaws} = {result.recall:.0%}   "
          f"precision {len(result.right)}/{len(result.right) + len(result.wrong)} = {result.precision:.0%}{note}")
    for flaw in result.missed:
        print(f"      missed {flaw.rule} in {flaw.file}:{flaw.first}")
    for finding in result.wrong:
        print(f"      wrong  {finding.rule} at {finding.file}:{finding.line}")


def timed(label: str, action, runs: int = 1) -> None:
    """Wall time, and the CPU time of every process the action started (the static pass's Node helper,
    its two TypeScript compiler processes, the playground): on 2 cores the two differ. With several
    runs, the median of each and the range of the wall times."""
    from bench import ChildrenCpu  # a sibling script: scripts/ is on sys.path

    cpu = ChildrenCpu()
    walls, cpus = [], []
    for _ in range(runs):
        before = cpu.seconds()
        started = time.perf_counter()
        action()
        walls.append(time.perf_counter() - started)
        cpus.append(cpu.seconds() - before)
    spread = f" ({min(walls):.1f}-{max(walls):.1f}, {runs} runs)" if runs > 1 else ""
    used = f", CPU {statistics.median(cpus):5.1f} s" if cpu.counted else ""
    print(f"  {label:<52} {statistics.median(walls):6.1f} s{used}{spread}", flush=True)


def cold_static_pass(app_dir: Path, rules):
    """The static pass without its result cache: what a first review of an app costs."""
    from convex_review import static_pass
    return static_pass.run_static(app_dir, rules=rules, cache=False)


def generated_app_timing(workdir: Path) -> None:
    """The static pass on a generated 300-module app (scripts/bench_review_static.py writes it)."""
    from bench_review_static import generate_app  # a sibling script: scripts/ is on sys.path
    from convex_review import static_pass

    app = generate_app(workdir / "generated-app", GENERATED_MODULES)
    timed(f"static pass, generated {GENERATED_MODULES}-module app, cold", lambda: static_pass.run_static(Path(app)))
    timed(f"static pass, generated {GENERATED_MODULES}-module app, warm", lambda: static_pass.run_static(Path(app)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--static-only", action="store_true", help="score the static pass alone, skip the timings")
    args = parser.parse_args()
    print("\nthe reviewer (scripts/bench_review.py)", flush=True)
    try:
        from convex_review import static_pass
        if not args.static_only:
            from convex_review import dynamic_pass  # noqa: F401
    except ImportError as missing:
        print(f"  skipped: the reviewer's passes are not installed ({missing})")
        return
    flaws, uncovered = load_ground_truth(TRUTH, SNIPPETS)
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        workdir = Path(tmp)
        print(f"  planted flaws: {len(flaws)} (flawed app and anti-patterns; {len(uncovered)} files no rule covers)")
        label = "convex-review (static pass)" if args.static_only else "convex-review (static + dynamic)"
        try:
            print_score(label, reviewer_findings(workdir, args.static_only), flaws, uncovered)
        except Exception as error:  # a reviewer failure is a number we could not get, not the end of the bench
            print(f"  {label}: failed: {type(error).__name__}: {error}")
        try:
            unseen_flaws, _ = load_ground_truth(UNSEEN_TRUTH, UNSEEN_APP.parent)
            unseen = run_review(UNSEEN_APP, static_only=args.static_only)
            print(f"  unseen app {UNSEEN_APP.name}: {len(unseen_flaws)} planted flaws")
            print_score(label, from_review_json(json.loads(render_json(unseen, REPO)), prefix=f"{UNSEEN_APP.name}/"),
                        unseen_flaws, [])
        except Exception as error:
            print(f"  {label} on {UNSEEN_APP.name}: failed: {type(error).__name__}: {error}")
        eslint, unmapped = eslint_findings()
        print_score("@convex-dev/eslint-plugin, all rules", eslint, flaws, uncovered,
                    f"   ({unmapped} findings of rules the reviewer has no counterpart for, not scored)")
        if args.static_only:
            return
        timed("static pass, reference app, cold", lambda: static_pass.run_static(SNIPPETS, cache=False), runs=5)
        static_pass.run_static(SNIPPETS)  # fills the result cache, as a first review does
        timed("static pass, reference app, warm", lambda: static_pass.run_static(SNIPPETS))
        timed("full review, reference app (sizes 100, 2000), cold",
              lambda: run_review(SNIPPETS, static_runner=cold_static_pass))
        generated_app_timing(workdir)


if __name__ == "__main__":
    main()
