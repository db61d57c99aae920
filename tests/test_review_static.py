"""The reviewer's static pass (convex_review.static_pass) on small apps of its own.

review_static_flawed/ has one function (or index, or route) per static rule,
named after the rule, with that rule's flaw; review_static_clean/ has correct
code that merely looks like each flaw and must produce no finding at all;
review_static_untyped/ does not type-check. Each app is read once per module.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from convex_review import RULES
from convex_review import static_pass
from convex_review.errors import ReviewInputError, ReviewSetupError
from convex_review.static_pass import StaticResult, run_static

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FLAWED = FIXTURES / "review_static_flawed"
CLEAN = FIXTURES / "review_static_clean"
UNTYPED = FIXTURES / "review_static_untyped"

pytestmark = pytest.mark.slow

# rule -> (file, function or None, line) where the flawed app plants it.
PLANTED = {
    "redundant-index": ("convex/schema.ts", None, 8),
    "unused-index": ("convex/schema.ts", None, 11),
    "missing-index": ("convex/notes.ts", "notes:missingIndex", 23),
    "filter-scan": ("convex/notes.ts", "notes:filterScan", 12),
    "unbounded-collect": ("convex/notes.ts", "notes:unboundedCollect", 35),
    "n-plus-one": ("convex/notes.ts", "notes:nPlusOne", 47),
    "implicit-table-id": ("convex/notes.ts", "notes:implicitTableId", 61),
    "floating-promise": ("convex/notes.ts", "notes:floatingPromise", 69),
    "run-in-transaction": ("convex/notes.ts", "notes:runInTransaction", 77),
    "old-function-syntax": ("convex/notes.ts", "notes:oldFunctionSyntax", 81),
    "fat-handler": ("convex/notes.ts", "notes:fatHandler", 86),
    "nondeterministic-query": ("convex/notes.ts", "notes:nondeterministicQuery", 105),
    "missing-access-control": ("convex/admin.ts", "admin:missingAccessControl", 5),
    "identity-from-args": ("convex/admin.ts", "admin:identityFromArgs", 17),
    "missing-args-validator": ("convex/admin.ts", "admin:missingArgsValidator", 22),
    "sequential-run-in-action": ("convex/jobs.ts", "jobs:sequentialRunInAction", 16),
    "runaction-same-runtime": ("convex/jobs.ts", "jobs:runactionSameRuntime", 26),
    "api-from-server": ("convex/jobs.ts", "jobs:apiFromServer", 33),
    "public-should-be-internal": ("convex/jobs.ts", "jobs:publicShouldBeInternal", 38),
    "unverified-webhook": ("convex/http.ts", None, 12),
    "wrong-runtime-import": ("convex/wrongRuntime.ts", None, 3),
}

# Functions planted for another rule that have this one's flaw too.
ALSO: dict[str, list[tuple]] = {rule: [] for rule in PLANTED}
ALSO["missing-access-control"] = [("convex/admin.ts", "admin:identityFromArgs", 14),
                                  ("convex/admin.ts", "admin:missingArgsValidator", 22)]
ALSO["missing-args-validator"] = [("convex/notes.ts", "notes:oldFunctionSyntax", 81)]


@pytest.fixture(scope="module")
def flawed() -> StaticResult:
    return run_static(FLAWED)


@pytest.fixture(scope="module")
def clean() -> StaticResult:
    return run_static(CLEAN)


def test_every_static_rule_has_a_planted_flaw() -> None:
    static_rules = {rule.id for rule in RULES.values() if "static" in rule.passes}
    assert static_rules == set(PLANTED)


@pytest.mark.parametrize("rule", sorted(PLANTED))
def test_flaw_is_found_where_it_is(flawed: StaticResult, rule: str) -> None:
    found = [f for f in flawed.findings if f.rule == rule]
    assert [(f.file, f.function, f.line) for f in found] == [PLANTED[rule], *ALSO[rule]], found
    finding = found[0]
    assert finding.source == "static"
    assert finding.docs == RULES[rule].docs_url
    assert finding.category == RULES[rule].category and finding.severity == RULES[rule].severity
    assert finding.message and finding.fix and finding.evidence


def test_look_alikes_are_not_flaws(clean: StaticResult) -> None:
    assert clean.typechecked, clean.warnings
    assert [(f.rule, f.file, f.line, f.message) for f in clean.findings] == []


def test_catalog_sees_through_custom_builders(clean: StaticResult) -> None:
    by_name = {fn["name"]: fn for fn in clean.functions}
    pinned = by_name["notes:pinned"]
    assert (pinned["kind"], pinned["visibility"], pinned["builder"], pinned["checksAuth"]) == ("query", "public", "authedQuery", True)
    create = by_name["notes:create"]
    assert (create["kind"], create["visibility"], create["builder"], create["checksAuth"]) == ("mutation", "public", "ownerMutation", True)
    assert create["args"] == ["title", "tag"] and create["tablesWritten"] == ["notes"]
    # Arguments given as a zod object: its fields, not the object's methods.
    retitle = by_name["notes:retitle"]
    assert (retitle["builder"], retitle["args"], retitle["checksAuth"]) == ("zodMutation", ["noteId", "title"], True)
    assert by_name["feed:publicEvents"]["checksAuth"] is False
    assert by_name["nodeWork:digest"]["runtime"] == "node"
    assert {"table": "notes", "index": "by_owner"} in by_name["notes:latest"]["indexesUsed"]
    sync = by_name["jobs:sync"]
    assert [(c["how"], c["target"], c["via"]) for c in sync["calls"]] == [
        ("runQuery", "jobs:pending", "internal"), ("runMutation", "jobs:save", "internal"),
        ("runAction", "nodeWork:digest", "internal")]


def test_schema_routes_and_calls(flawed: StaticResult, clean: StaticResult) -> None:
    notes = flawed.schema["tables"]["notes"]
    assert [(i["name"], i["fields"], i["line"]) for i in notes["indexes"]] == [
        ("by_owner", ["ownerId"], 8), ("by_owner_and_tag", ["ownerId", "tag"], 9), ("by_title", ["title"], 11)]
    assert flawed.httpRoutes == [{"path": "/hook", "method": "POST", "handler": None, "file": "convex/http.ts", "line": 8}]
    scheduled = {fn["name"]: fn["calls"] for fn in flawed.functions}["jobs:apiFromServer"]
    assert [(c["how"], c["target"], c["via"]) for c in scheduled] == [("runAfter", "jobs:publicShouldBeInternal", "api")]
    assert flawed.app_root == FLAWED.resolve() and flawed.functions_dir == FLAWED.resolve() / "convex"
    assert clean.typechecked


def test_untyped_app_is_read_by_syntax_with_a_warning() -> None:
    # Limited to two rules: its unused index (by_done) is left out.
    result = run_static(UNTYPED, rules={"filter-scan", "missing-index"})
    assert {f.rule for f in result.findings} == {"filter-scan", "missing-index"}
    assert not result.typechecked
    assert any("does not type-check" in w and "convex/tasks.ts:6" in w for w in result.warnings), result.warnings
    found = {(f.rule, f.function) for f in result.findings}
    assert ("filter-scan", "tasks:open") in found
    # ctx typed `any`: the query is still recognised by its shape, the array's .filter() is not a query.
    assert ("missing-index", "tasks:openUntyped") in found
    assert len([f for f in result.findings if f.function == "tasks:openUntyped"]) == 1


def test_syntax_error_is_bad_input_naming_file_and_line(tmp_path: Path) -> None:
    app = tmp_path / "broken"
    shutil.copytree(UNTYPED, app)
    (app / "convex" / "tasks.ts").write_text("export const open = query({\n  args: {,\n});\n")
    with pytest.raises(ReviewInputError, match=r"^convex/tasks\.ts:2:\d+: .*syntax error"):
        run_static(app)


def test_tsconfig_options_typescript_7_removed_are_replaced_and_a_broken_one_gives_way(tmp_path: Path) -> None:
    # moduleResolution "node" and baseUrl are options TypeScript 7 removed; many older apps still set them.
    app = tmp_path / "old-config"
    shutil.copytree(FLAWED, app)
    tsconfig = app / "convex" / "tsconfig.json"
    tsconfig.write_text('{\n  // written for TypeScript 4\n  "compilerOptions": {"moduleResolution": "node", "baseUrl": ".", "strict": true},\n}\n')
    result = run_static(app, rules={"filter-scan"})
    warning = next(w for w in result.warnings if w.startswith("convex/tsconfig.json: "))
    assert "TypeScript 7" in warning and "'moduleResolution=node10'" in warning, warning
    assert 'moduleResolution "bundler"' in warning and "baseUrl unset" in warning, warning
    assert result.typechecked
    assert [(f.rule, f.function) for f in result.findings] == [("filter-scan", "notes:filterScan")]

    tsconfig.write_text('{"compilerOptions": {"strict": tru')
    result = run_static(app, rules={"filter-scan"})
    warning = next(w for w in result.warnings if w.startswith("convex/tsconfig.json: "))
    assert "default compiler options" in warning, warning
    assert [(f.rule, f.function) for f in result.findings] == [("filter-scan", "notes:filterScan")]


def test_a_missing_compiler_binary_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The guide's toolchain as npm leaves it with --omit=optional: the API package without its binary.
    toolchain = tmp_path / "toolchain"
    shutil.copytree(static_pass._TOOLCHAIN / "node_modules" / "typescript-native", toolchain / "node_modules" / "typescript-native")
    (toolchain / "package.json").write_text("{}\n")
    monkeypatch.setattr(static_pass, "_TOOLCHAIN", toolchain)
    with pytest.raises(ReviewSetupError, match=r"\(@typescript/typescript-\w+-\w+\) is not installed .*make install"):
        run_static(CLEAN, cache=False)


def test_missing_app_and_unknown_rule_are_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ReviewInputError, match="not a folder"):
        run_static(tmp_path / "nowhere")
    with pytest.raises(ReviewInputError, match="no-such-rule"):
        run_static(FLAWED, rules={"no-such-rule"})
