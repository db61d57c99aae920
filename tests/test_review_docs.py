"""The reviewer's pages in the guide: the generated rule reference and the CI how-to.

Every rule has a page, the committed pages are what the generator writes, each
page's flawed and fixed examples are sections of files under snippets/ that the
type check and the linter cover, and the CI workflow the how-to shows runs a
command the reviewer accepts.
"""

from __future__ import annotations

import shlex

import pytest
import yaml

from convex_review.cli import build_parser
from convex_review.rule_pages import PAGES, expected_pages, load_rule_docs, main as rule_pages_main, snippet_ref
from convex_review.rules import RULES

from .conftest import REPO

WORKFLOW = REPO / "snippets" / "ci" / "convex-review.yml"


def test_every_rule_has_a_committed_up_to_date_page(capsys):
    assert rule_pages_main(["--check"]) == 0, capsys.readouterr().err
    assert {path.stem for path in PAGES.glob("*.md")} == set(RULES) | {"index"}


def test_a_stale_page_is_reported(monkeypatch, tmp_path, capsys):
    import convex_review.rule_pages as rule_pages
    copy = tmp_path / "rules"
    copy.mkdir()
    for path, text in expected_pages().items():
        (copy / path.name).write_text(text)
    (copy / "filter-scan.md").write_text("edited by hand\n")
    monkeypatch.setattr(rule_pages, "PAGES", copy)
    monkeypatch.setattr(rule_pages, "REPO", tmp_path)
    assert rule_pages_main(["--check"]) == 1
    assert "rules/filter-scan.md: out of date" in capsys.readouterr().err


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_each_rules_examples_are_sections_of_checked_snippet_files(rule_id):
    text = load_rule_docs()[rule_id]
    assert text["why"].strip() and text["fix"].strip()
    tsconfig = (REPO / "snippets" / "tsconfig.json").read_text()
    for kind in ("bad", "good"):
        path, section = snippet_ref(text[kind])
        source = REPO / path
        assert source.is_file(), f"{rule_id}: {kind} example {path} does not exist"
        content = source.read_text()
        assert f"[start:{section}]" in content and f"[end:{section}]" in content, (
            f"{rule_id}: {path} has no section `{section}`")
        top = path.split("/")[1]
        assert top == "flawed-app" or f'"{top}/**/*"' in tsconfig, f"{path} is not type-checked (snippets/tsconfig.json)"


def test_the_nav_lists_every_rule_page_and_the_checklist_links_to_them():
    nav = (REPO / "mkdocs.yml").read_text()
    for rule_id in RULES:
        assert f"reference/rules/{rule_id}.md" in nav
    assert "start-here/review-in-ci.md" in nav
    assert "(rules/index.md)" in (REPO / "docs" / "reference" / "review-checklist.md").read_text()


def test_the_ci_workflow_reviews_the_app_and_uploads_the_sarif_it_wrote():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["review"]["steps"]
    review = next(step for step in steps if "convex_review" in step.get("run", ""))
    command = shlex.split(review["run"].replace("\\\n", " "))
    arguments = command[command.index("convex_review") + 1:]
    arguments = [a for a in arguments if a != "$BASELINE"]
    parsed = build_parser().parse_args(arguments)
    assert parsed.format == "sarif" and parsed.fail_level == "error"
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == str(parsed.output)
    assert upload["if"] == "${{ !cancelled() }}", "the upload runs when the review step fails the job"
    assert steps.index(upload) > steps.index(review)
    baseline = review["env"]["BASELINE"]
    assert "--baseline convex-review-baseline.json" in baseline
