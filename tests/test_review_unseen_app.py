"""The reviewer on an app it was not tuned on (tests/fixtures/reviewquality10_app).

The app is a small task tracker a new Convex user might write: a planted flaw
of every category (each marked FLAW, listed in
tests/data/review_ground_truth_unseen.yml) beside correct code that only looks
like one (marked FINE): convex-helpers `customQuery`/`customMutation` builders
and a hand-written handler wrapper that check the caller, `.filter()` on an
array, `.collect()` on one task's comments, `.filter()` before `.paginate()`,
scheduling through `internal.*`, `Date.now()` in a mutation, a webhook that
checks its signature with svix. The review must find every flaw and report
nothing else. One review (static and dynamic passes, small sizes) serves the module.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from convex_review.formats import render_json
from convex_review.review import run_review
from convex_review.scoring import from_review_json, load_ground_truth, score

FIXTURES = Path(__file__).parent / "fixtures"
APP = FIXTURES / "reviewquality10_app"
TRUTH = Path(__file__).parent / "data" / "review_ground_truth_unseen.yml"
SIZES = (20, 200)


@pytest.fixture(scope="module")
def truth():
    return load_ground_truth(TRUTH, FIXTURES)


@pytest.fixture(scope="module")
def scored(truth):
    result = run_review(APP, sizes=SIZES)
    found = from_review_json(json.loads(render_json(result, APP)), prefix="reviewquality10_app/")
    flaws, uncovered = truth
    return score(found, flaws, uncovered), result


def test_every_flaw_comment_has_a_ground_truth_entry(truth):
    flaws, _ = truth
    for path in sorted((APP / "convex").glob("*.ts")):
        relative = f"reviewquality10_app/convex/{path.name}"
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if "// FLAW (" not in line:
                continue
            rule = line.split("// FLAW (")[1].split(")")[0]
            assert any(f.file == relative and f.rule == rule and f.first <= number + 3 and number <= f.last
                       for f in flaws), f"{relative}:{number}: FLAW ({rule}) has no ground-truth entry"


@pytest.mark.slow
def test_the_review_finds_every_planted_flaw(scored):
    result, _ = scored
    assert [(f.rule, f.file, f.first) for f in result.missed] == []


@pytest.mark.slow
def test_correct_code_that_looks_flawed_gets_no_finding(scored):
    result, review = scored
    assert [(f.rule, f.file, f.line) for f in result.wrong] == []
    assert review.static is not None and review.static.typechecked, review.static.warnings


@pytest.mark.slow
def test_the_wrapper_the_static_pass_cannot_see_through_is_decided_by_a_call(scored):
    _, review = scored
    archive = next(f for f in review.static.functions if f["name"] == "projects:archive")
    assert archive["checksAuth"] is None, "a handler built by a call is opaque to the static pass"
    assert review.dynamic.measurements["projects:archive"]["anonymousAllowed"] is False
    assert not [f for f in review.findings if f.function == "projects:archive"]


@pytest.mark.slow
def test_an_app_without_sign_in_is_not_judged_for_access_control():
    """An anonymous guest book (tests/fixtures/reviewquality10_public_app): there is no caller to check, its
    HTTP route runs a public mutation any client can call anyway, and the repository has no client code to
    say what clients call. Only the api.* reference is reported."""
    from convex_review.static_pass import run_static

    result = run_static(FIXTURES / "reviewquality10_public_app")
    assert [(f.rule, f.file) for f in result.findings] == [("api-from-server", "convex/http.ts")], result.findings
    assert any("no sign-in" in warning for warning in result.warnings), result.warnings
    # No client code in the repository either: nothing says clients do not call entries:sign.
    assert any("public-should-be-internal is not judged" in warning for warning in result.warnings)


@pytest.mark.slow
def test_a_default_export_measured_and_read_is_one_finding(scored):
    """The playground names a default export by its module; the static pass says "module:default"."""
    _, review = scored
    counted = [f for f in review.findings if f.file == "convex/commentCount.ts" and f.rule == "unbounded-collect"]
    assert [(f.function, f.source) for f in counted] == [("commentCount:default", "both")]
    assert "commentCount:default" in review.dynamic.measurements
