"""The reviewer's ground truth and its scorer (tests/data/review_ground_truth.yml, convex_review.scoring).

The ground truth must name every planted flaw: each FLAW: comment of the
flawed app and every anti-pattern file. The scorer must count a finding as
right only at the flaw's place with the flaw's rule (or an accepted one).
"""

from __future__ import annotations

import re
import subprocess

import pytest

from convex_review.scoring import (ESLINT_TO_RULE, Found, declaration_span, from_eslint_json, from_review_json,
                                   load_ground_truth, score)

from .conftest import REPO

SNIPPETS = REPO / "snippets"
TRUTH = REPO / "tests" / "data" / "review_ground_truth.yml"


@pytest.fixture(scope="module")
def truth():
    return load_ground_truth(TRUTH, SNIPPETS)


def test_every_flaw_resolves_to_a_declaration_with_a_known_rule(truth):
    flaws, uncovered = truth
    assert len(flaws) >= 27
    for flaw in flaws:
        assert flaw.first <= flaw.last, flaw
    for file in uncovered:
        assert (SNIPPETS / file).is_file(), file


def test_each_flaw_comment_of_the_flawed_app_has_an_entry_at_its_function(truth):
    flaws, _ = truth
    for path in sorted((SNIPPETS / "flawed-app" / "convex").glob("*.ts")):
        text = path.read_text()
        relative = path.relative_to(SNIPPETS).as_posix()
        for match in re.finditer(r"// FLAW[^\n]*\n(?://[^\n]*\n)*export const (\w+)", text):
            line = text[:match.start(1)].count("\n") + 1
            assert any(f.file == relative and f.first <= line <= f.last for f in flaws), (
                f"{relative}: the FLAW at `{match.group(1)}` has no ground-truth entry")


def test_every_anti_pattern_file_is_in_the_ground_truth(truth):
    flaws, uncovered = truth
    named = {f.file for f in flaws} | set(uncovered)
    for path in sorted((SNIPPETS / "antipatterns").rglob("*.ts")):
        relative = path.relative_to(SNIPPETS).as_posix()
        assert relative in named, f"{relative} is not in {TRUTH.name}: list its flaws or mark it uncovered"


def test_a_perfect_review_scores_one_and_a_wrong_finding_lowers_precision(truth):
    flaws, uncovered = truth
    perfect = [Found(f.rule, f.file, f.first) for f in flaws]
    result = score(perfect, flaws, uncovered)
    assert (result.recall, result.precision) == (1.0, 1.0)
    noisy = perfect + [Found("filter-scan", "convex/messages.ts", 10), Found("unbounded-collect", None, None)]
    result = score(noisy, flaws, uncovered)
    assert result.precision == len(perfect) / (len(perfect) + 2)
    assert score(perfect[1:], flaws, uncovered).recall == (len(flaws) - 1) / len(flaws)


def test_a_finding_counts_only_with_the_right_rule_at_the_right_place(truth):
    flaws, _ = truth
    send = next(f for f in flaws if f.file == "antipatterns/fatPublicFunction.ts" and f.rule == "fat-handler")
    assert send.accepts(Found("fat-handler", send.file, send.first + 2), ("fat-handler",))
    assert not send.accepts(Found("fat-handler", send.file, send.last + 1), ("fat-handler",))
    assert not send.accepts(Found("filter-scan", send.file, send.first + 2), ("fat-handler",))
    scan = next(f for f in flaws if f.names[:1] == ("scanMessagesSince",))
    assert scan.accepts(Found("filter-scan", scan.file, 81, "messagesSinceByScan"), ("filter-scan",)), (
        "a measured finding on the registered function that reaches the helper counts")
    also = score([Found("read-limit", "flawed-app/convex/messages.ts", 47)], flaws)
    assert len(also.right) == 1 and also.recall < 1, "an `also` rule is right but finds no flaw by itself"


def test_the_declaration_span_ends_at_the_declaration(tmp_path):
    source = tmp_path / "m.ts"
    source.write_text("export const a = query({\n  args: {},\n\n  handler: async () => null,\n});\n"
                      "export const t = defineTable(f)\n  .index(\"x\", [\"a\"])\n  .index(\"y\", [\"b\"]);\n")
    assert declaration_span(source, "a") == (1, 5)
    assert declaration_span(source, "t") == (6, 8)
    with pytest.raises(ValueError, match="no top-level declaration `zz`"):
        declaration_span(source, "zz")


def test_review_and_eslint_reports_map_to_paths_under_snippets():
    review = {"findings": [{"rule": "filter-scan", "file": "convex/antipatterns/filterScan.ts", "line": 40,
                            "function": "antipatterns/filterScan:messagesSinceByScan"},
                           {"rule": "unbounded-collect", "file": "convex/messages.ts", "line": 3, "function": None}]}
    found = from_review_json(review, renames={"convex/antipatterns/": "antipatterns/"})
    assert found == [Found("filter-scan", "antipatterns/filterScan.ts", 40, "messagesSinceByScan"),
                     Found("unbounded-collect", "convex/messages.ts", 3, None)]
    assert from_review_json(review, prefix="flawed-app/")[1].file == "flawed-app/convex/messages.ts"
    eslint = [{"filePath": str(SNIPPETS / "antipatterns" / "filterScan.ts"), "messages": [
        {"ruleId": "@convex-dev/no-filter-in-query", "line": 40},
        {"ruleId": "@convex-dev/no-process-env", "line": 2}]}]
    assert from_eslint_json(eslint, SNIPPETS) == ([Found("filter-scan", "antipatterns/filterScan.ts", 40)], 1)


@pytest.mark.slow
def test_the_eslint_mapping_covers_every_rule_of_the_installed_plugin():
    plugin = SNIPPETS / "node_modules" / "@convex-dev" / "eslint-plugin"
    if not plugin.is_dir():
        pytest.fail("snippets/node_modules is missing: run `make install`")
    names = subprocess.run(
        ["node", "--input-type=module", "-e",
         "import p from '@convex-dev/eslint-plugin'; console.log(Object.keys(p.rules).join('\\n'))"],
        cwd=SNIPPETS, capture_output=True, text=True, timeout=60, check=True).stdout.split()
    assert {f"@convex-dev/{name}" for name in names} == set(ESLINT_TO_RULE)
