#!/usr/bin/env python3
"""The static pass's output on every app the reviewer is measured on, to prove a speed change changed nothing.

    python scripts/static_pass_fingerprint.py --write before.json    # on the old code
    python scripts/static_pass_fingerprint.py --compare before.json  # on the new code: exit 1 on any difference

Each app is passed cold (no result cache): the reference app, snippets/flawed-app,
the anti-patterns composed into a copy of the reference app (as
scripts/bench_review.py reviews them), a generated 300-module app, and every
tests/fixtures/*review* app. Compared as JSON: `typechecked`, the warnings, the
catalog (schema, functions, HTTP routes, crons, components) and the findings.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "scripts"))

from bench_review import GENERATED_MODULES, compose_antipattern_app  # noqa: E402
from bench_review_static import generate_app  # noqa: E402
from convex_review import static_pass  # noqa: E402


def fingerprint(app: Path) -> dict:
    result = static_pass.run_static(app, cache=False)
    return {
        "typechecked": result.typechecked, "warnings": result.warnings, "schema": result.schema,
        "functions": result.functions, "httpRoutes": result.httpRoutes, "crons": result.crons,
        "components": result.components, "findings": [dataclasses.asdict(f) for f in result.findings],
    }


def apps(workdir: Path) -> dict[str, Path]:
    found = {"reference": REPO / "snippets", "flawed-app": REPO / "snippets" / "flawed-app",
             "antipatterns": compose_antipattern_app(workdir / "antipatterns-app"),
             "generated": Path(generate_app(workdir / "generated-app", GENERATED_MODULES))}
    for fixture in sorted((REPO / "tests" / "fixtures").glob("*review*")):
        found[f"fixture:{fixture.name}"] = fixture
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", type=Path, help="store the fingerprints in this file")
    action.add_argument("--compare", type=Path, help="compare with fingerprints stored by --write")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="static-fingerprint-") as tmp:
        # Paths in the output name the scratch folder and the checkout: replaced, so two checkouts compare.
        current = {name: json.loads(json.dumps(fingerprint(app), default=str).replace(tmp, "<scratch>").replace(str(REPO), "<repo>"))
                   for name, app in apps(Path(tmp)).items()}
    if args.write:
        args.write.write_text(json.dumps(current, indent=1, sort_keys=True))
        print(f"{len(current)} apps written to {args.write}")
        return 0
    stored = json.loads(args.compare.read_text())
    differing = sorted(name for name in stored.keys() | current.keys() if stored.get(name) != current.get(name))
    for name in differing:
        print(f"DIFFERS: {name}")
    print(f"{len(current) - len(differing)}/{len(current)} apps identical")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
