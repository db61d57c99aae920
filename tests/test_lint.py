"""The reference app passes the linter the guide recommends; the anti-patterns fail it as intended.

ESLint runs once over snippets/ with its committed config (snippets/eslint.config.mjs:
@convex-dev/eslint-plugin's recommended rules plus no-collect-in-query,
require-access-control, no-restricted-imports of `api`, no-explicit-any and the
type-aware no-floating-promises). Every finding outside antipatterns/ fails the
test; each anti-pattern file must show exactly the rules it exists to show.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from .conftest import REPO

SNIPPETS = REPO / "snippets"
ESLINT = SNIPPETS / "node_modules" / "eslint" / "bin" / "eslint.js"

# antipatterns/<file>: the findings (rule id -> how many) it exists to show.
# An empty entry is a flaw no lint rule can see; the review checklist covers it.
EXPECTED = {
    "apiFromInside.ts": {"no-restricted-imports": 1},          # imports `api` to schedule a public function
    "classBasedRepository.ts": {
        "@typescript-eslint/no-explicit-any": 6,                # ctx: any, six times
        "@convex-dev/explicit-table-ids": 1,                    # ctx.db.get(id) without the table
        "@convex-dev/require-access-control": 1,                # createUser trusts its arguments
    },
    "collectEverything.ts": {"@convex-dev/no-collect-in-query": 1},
    "fatPublicFunction.ts": {
        "@convex-dev/require-access-control": 1,                # the caller is looked up inline
        "@convex-dev/no-filter-in-query": 2,                    # ... with two table scans
    },
    "filterScan.ts": {"@convex-dev/no-filter-in-query": 3},
    "forgottenOwnerFilter.ts": {},                              # a missing owner filter: no rule sees it
    "identityFromArgs.ts": {"@convex-dev/require-access-control": 1},
    "nondeterministicQuery.ts": {},                             # Date.now() in a query: no rule
    "publicWebhookMutation.ts": {"@convex-dev/require-access-control": 1},
    "redundantIndex.ts": {"@convex-dev/no-duplicate-indexes": 1},
    "unverifiedWebhook.ts": {},                                 # a missing signature check: no rule
    "review/floatingPromise.ts": {"@typescript-eslint/no-floating-promises": 1},
    "review/missingValidators.ts": {"@convex-dev/require-args-validator": 1},
    "review/sequentialRunQueries.ts": {},                       # one transaction per runQuery: no rule
    "review/stringlyTyped.ts": {},
    "review/swallowedError.ts": {},
    "review/unboundedArray.ts": {},
}


def run_eslint(*args: str) -> subprocess.CompletedProcess[str]:
    if not ESLINT.is_file():
        pytest.fail("snippets/node_modules is missing: run `make install`")
    return subprocess.run(["node", str(ESLINT), *args], cwd=SNIPPETS, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def findings() -> dict[str, list[dict]]:
    """ESLint's findings over snippets/, by path relative to snippets/."""
    result = run_eslint(".", "--format", "json")
    assert result.returncode in (0, 1), f"eslint crashed (exit {result.returncode}):\n{result.stderr[-3000:]}"
    report = json.loads(result.stdout)
    return {str(Path(entry["filePath"]).relative_to(SNIPPETS)): entry["messages"] for entry in report}


def describe(messages: list[dict]) -> str:
    return "\n".join(f"  line {m.get('line')}: {m.get('ruleId')}: {m['message'][:160]}" for m in messages)


@pytest.mark.slow
def test_the_reference_app_and_its_client_code_have_no_findings(findings):
    outside = {path: messages for path, messages in findings.items()
               if messages and not path.startswith("antipatterns/")}
    assert not outside, "ESLint findings outside antipatterns/ (fix them, or explain a disable comment):\n" + "\n".join(
        f"{path}:\n{describe(messages)}" for path, messages in outside.items())


@pytest.mark.slow
def test_the_linted_files_include_the_app_the_client_and_the_tests(findings):
    for path in ("convex/messages.ts", "convex/http.ts", "convex/model/services/messages.ts",
                 "app/ConvexClientProvider.tsx", "tests/platform.test.ts", "antipatterns/filterScan.ts"):
        assert path in findings, f"ESLint did not lint snippets/{path}; check the ignores in eslint.config.mjs"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_anti_pattern_shows_exactly_its_flaws(findings, name):
    messages = findings.get(f"antipatterns/{name}")
    assert messages is not None, f"antipatterns/{name} was not linted"
    crashes = [m for m in messages if m.get("ruleId") is None]
    assert not crashes, f"antipatterns/{name} did not lint cleanly:\n{describe(crashes)}"
    assert Counter(m["ruleId"] for m in messages) == Counter(EXPECTED[name]), (
        f"antipatterns/{name} should show {EXPECTED[name]}, ESLint found:\n{describe(messages)}")


def test_every_anti_pattern_file_has_an_expectation():
    files = sorted(str(p.relative_to(SNIPPETS / "antipatterns")) for p in (SNIPPETS / "antipatterns").rglob("*.ts"))
    assert files == sorted(EXPECTED), "add each new anti-pattern to EXPECTED in tests/test_lint.py with the rules it shows"


@pytest.mark.slow
def test_the_config_turns_on_the_rules_the_guide_promises():
    result = run_eslint("--print-config", "convex/messages.ts")
    assert result.returncode == 0, result.stderr[-2000:]
    rules = json.loads(result.stdout)["rules"]
    severity = {name: (value[0] if isinstance(value, list) else value) for name, value in rules.items()}
    for rule in ("@convex-dev/no-old-registered-function-syntax", "@convex-dev/require-args-validator",
                 "@convex-dev/explicit-table-ids", "@convex-dev/no-schema-import-cycle",
                 "@convex-dev/no-duplicate-indexes", "@convex-dev/no-process-env",
                 "@convex-dev/no-collect-in-query", "@convex-dev/require-access-control",
                 "@typescript-eslint/no-floating-promises"):
        assert severity.get(rule) in (2, "error"), f"{rule} is not an error for convex/ files: {rules.get(rule)!r}"
    for rule in ("@convex-dev/no-filter-in-query", "@convex-dev/no-top-of-hour-crons"):
        assert severity.get(rule) in (1, "warn", 2, "error"), f"{rule} is off for convex/ files"
