"""The reviewer's core: merging the passes, suppression, the baseline, the formats and the command line.

The two passes are replaced by hand-built results (the shape of StaticResult
and DynamicResult), so these tests check what the core does with findings,
whatever the passes find. The app is tests/fixtures/review_core_app: a schema
with one `v.id` reference and a module with good and bad ignore comments.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import pytest

from convex_review import RULES, Finding
from convex_review import cli, review as review_module
from convex_review.errors import ReviewInputError
from convex_review.formats import render
from convex_review.merge import merge_findings
from convex_review.onboarding import mermaid_er, write_html
from convex_review.review import run_review
from convex_review.suppression import apply_baseline, baseline_key, read_baseline, write_baseline

from .conftest import REPO

APP = REPO / "tests" / "fixtures" / "review_core_app"
SARIF_SCHEMA = REPO / "tests" / "data" / "sarif-2.1.0-subset.schema.json"


@dataclass(frozen=True)
class FakeStatic:
    app_root: Path
    functions_dir: Path
    typechecked: bool = True
    warnings: list = field(default_factory=list)
    schema: dict = field(default_factory=dict)
    functions: list = field(default_factory=list)
    httpRoutes: list = field(default_factory=list)
    crons: list = field(default_factory=list)
    components: list = field(default_factory=list)
    findings: list = field(default_factory=list)


@dataclass(frozen=True)
class FakeDynamic:
    measurements: dict = field(default_factory=dict)
    findings: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def finding(rule: str, *, file="convex/notes.ts", line=12, function="notes:everything", source="static",
            message=None, severity=None, evidence=None) -> Finding:
    return Finding(rule=rule, category=RULES[rule].category, severity=severity or RULES[rule].severity, file=file,
                   line=line, function=function, message=message or f"{rule} in {function}",
                   evidence=evidence or {}, fix=f"fix {rule}", docs=RULES[rule].docs_url, source=source)


SCHEMA = {"tables": {
    "users": {"indexes": [], "file": "convex/schema.ts", "line": 6,
              "documentType": {"type": "object", "value": {"name": {"fieldType": {"type": "string"},
                                                                     "optional": False}}}},
    "notes": {"indexes": [{"name": "by_owner", "fields": ["ownerId"], "file": "convex/schema.ts", "line": 7}],
              "file": "convex/schema.ts", "line": 7,
              "fields": {"ownerId": {"fieldType": {"type": "id", "tableName": "users"}, "optional": False},
                         "body": {"fieldType": {"type": "string"}, "optional": False}}},
}}
FUNCTIONS = [
    {"name": "notes:everything", "file": "convex/notes.ts", "line": 12, "kind": "query", "visibility": "public",
     "checksAuth": False, "tablesRead": ["notes"], "tablesWritten": []},
    {"name": "notes:mine", "file": "convex/notes.ts", "line": 6, "kind": "query", "visibility": "public",
     "checksAuth": None, "tablesRead": ["notes"], "tablesWritten": []},
]


def static_result(findings) -> FakeStatic:
    return FakeStatic(app_root=APP, functions_dir=APP / "convex", schema=SCHEMA, functions=FUNCTIONS,
                      findings=list(findings))


STATIC_FINDINGS = [
    finding("unbounded-collect", line=6, function="notes:mine"),     # silenced by the comment above line 6
    finding("unbounded-collect", line=14, evidence={"call": ".collect()"}),  # reported
    finding("missing-access-control", line=12),
]
DYNAMIC_FINDINGS = [
    finding("unbounded-collect", line=None, file=None, source="dynamic",
            message="reads 2,000 documents at 2,000 rows and 100 at 100: grows with the table",
            evidence={"documentsRead": {"100": 100, "2000": 2000}}),
    finding("read-limit", line=None, file=None, source="dynamic", message="fails at 40,000 rows",
            evidence={"error": "Too many documents read"}),
]
MEASUREMENTS = {"notes:everything": {"calls": 6, "documentsRead": {"100": 100, "2000": 2000},
                                     "anonymousAllowed": True}}


@pytest.fixture
def fake_passes(monkeypatch):
    """Replace both passes: the static one returns STATIC_FINDINGS, the dynamic one DYNAMIC_FINDINGS."""
    calls = {}

    def run_static(app_dir, rules):
        calls["static"] = rules
        return static_result(STATIC_FINDINGS)

    def run_dynamic(app_dir, static, sizes, rules, progress):
        calls["dynamic"] = sizes
        progress("seeding 2 tables")
        return FakeDynamic(measurements=MEASUREMENTS, findings=list(DYNAMIC_FINDINGS))

    monkeypatch.setattr(review_module, "_run_static", run_static)
    monkeypatch.setattr(review_module, "_run_dynamic", run_dynamic)
    return calls


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([*argv, "--quiet"] if "--progress" not in argv else [a for a in argv if a != "--progress"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# Merge -------------------------------------------------------------------------------------------

def test_a_flaw_both_passes_found_is_one_finding_with_both_evidences():
    merged = merge_findings(STATIC_FINDINGS, DYNAMIC_FINDINGS)
    collects = [f for f in merged if f.rule == "unbounded-collect"]
    assert len(collects) == 2, "the dynamic finding joins the static one on the same function, not the other"
    both = next(f for f in collects if f.function == "notes:everything")
    assert both.source == "both"
    assert (both.file, both.line) == ("convex/notes.ts", 14), "the static pass's location is kept"
    assert "grows with the table" in both.message, "the measured message is kept"
    assert both.evidence["dynamic"] == {"documentsRead": {"100": 100, "2000": 2000}}
    assert both.evidence["static"] == {"call": ".collect()"}
    assert next(f for f in collects if f.function == "notes:mine").source == "static"
    assert [f.rule for f in merged].count("read-limit") == 1
    assert "static" not in merge_findings([finding("filter-scan")], [finding("filter-scan", source="dynamic",
                                          evidence={"read": 9})])[0].evidence, "an empty evidence is dropped"


def test_a_measured_finding_without_a_file_is_placed_at_its_function():
    [placed] = merge_findings([], [finding("read-limit", file=None, line=None, source="dynamic")], FUNCTIONS)
    assert (placed.file, placed.line) == ("convex/notes.ts", 12)


def test_findings_at_the_same_file_and_line_merge_even_without_a_function():
    static = [finding("filter-scan", function=None, line=20)]
    dynamic = [finding("filter-scan", function=None, line=20, source="dynamic", message="read 2000, returned 3")]
    assert [(f.source, f.message) for f in merge_findings(static, dynamic)] == [("both", "read 2000, returned 3")]
    other_line = [finding("filter-scan", function=None, line=21, source="dynamic")]
    assert len(merge_findings(static, other_line)) == 2


def test_a_pass_may_raise_a_rules_severity_but_not_lower_it():
    raised = merge_findings([], [finding("unbounded-collect", severity="error", source="dynamic")])
    assert raised[0].severity == "error"
    lowered = merge_findings([finding("missing-args-validator", severity="info")], [])
    assert lowered[0].severity == "error", "missing-args-validator is an error in the catalogue"
    both = merge_findings([finding("filter-scan")], [finding("filter-scan", severity="error", source="dynamic")])
    assert [(f.source, f.severity) for f in both] == [("both", "error")]


def test_an_identical_finding_reported_twice_by_one_pass_is_shown_once():
    assert len(merge_findings([finding("filter-scan"), finding("filter-scan")], [])) == 1


# Suppression and baseline ------------------------------------------------------------------------

def review(**options):
    return run_review(APP, static_runner=lambda app, rules: static_result(STATIC_FINDINGS),
                      dynamic_runner=lambda app, static, sizes, rules, progress: FakeDynamic(
                          measurements=MEASUREMENTS, findings=list(DYNAMIC_FINDINGS)), **options)


def test_an_ignore_comment_with_a_reason_silences_the_finding_on_the_line_below():
    result = review()
    assert not [f for f in result.findings if f.function == "notes:mine"]
    [(silenced, comment)] = result.suppressed
    assert (silenced.rule, silenced.line, comment.line) == ("unbounded-collect", 6, 5)
    assert comment.reason.startswith("an owner has at most ten notes")


def test_an_ignore_comment_without_a_reason_or_with_an_unknown_rule_is_itself_reported():
    bad = {f.line: f.message for f in review().findings if f.rule == "invalid-suppression"}
    assert set(bad) == {17, 23}
    assert "gives no reason" in bad[17]
    assert "unknown rule `no-such-rule`" in bad[23]


def test_a_finding_past_the_end_of_its_file_is_kept_not_a_crash():
    result = run_review(APP, static_only=True, static_runner=lambda app, rules: static_result(
        [finding("filter-scan", line=999, function="notes:mine")]))
    assert [f.line for f in result.findings if f.rule == "filter-scan"] == [999]


def test_a_comment_for_another_rule_does_not_silence(tmp_path):
    result = run_review(APP, static_only=True, static_runner=lambda app, rules: static_result(
        [finding("filter-scan", line=6, function="notes:mine")]))
    assert [f.rule for f in result.findings if f.line == 6] == ["filter-scan"]


def test_the_baseline_hides_known_findings_even_after_lines_move_and_numbers_change(tmp_path):
    baseline = tmp_path / "baseline.json"
    write_baseline(baseline, [finding("filter-scan", line=10, message="read 2000 documents for 3")])
    accepted = read_baseline(baseline)
    moved = finding("filter-scan", line=42, message="read 2100 documents for 3")
    new = finding("filter-scan", function="notes:mine", line=42)
    kept, hidden = apply_baseline([moved, new], accepted)
    assert hidden == [moved] and kept == [new]
    assert baseline_key(moved) != baseline_key(new)
    twice = apply_baseline([moved, moved], accepted)
    assert len(twice[0]) == 1, "one baseline entry hides one finding, not every repeat"


@pytest.mark.parametrize("content, expected", [
    (None, "baseline file not found"),
    ("{not json", "is not valid JSON"),
    ('{"version": 7, "findings": []}', "not a convex-review baseline"),
])
def test_a_bad_baseline_is_bad_input_naming_the_file(tmp_path, content, expected):
    path = tmp_path / "old.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ReviewInputError, match=expected) as error:
        read_baseline(path)
    assert str(path) in str(error.value)


# Formats -----------------------------------------------------------------------------------------

def test_json_report_has_the_documented_shape():
    report = json.loads(render(review(), "json", REPO))
    assert report["version"] == 1 and report["app"] == str(APP)
    for item in report["findings"]:
        assert {"rule", "category", "severity", "file", "line", "function", "message", "evidence", "fix",
                "docs"} <= item.keys()
        assert item["severity"] in ("error", "warning", "info")
    assert report["summary"]["suppressed"] == 1
    assert report["summary"]["bySeverity"]["error"] == 2  # missing-access-control and read-limit
    assert report["summary"]["total"] == len(report["findings"])


def test_sarif_report_is_valid_sarif_2_1_0_with_rules_and_locations():
    sarif = json.loads(render(review(), "sarif", REPO))
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.validate(sarif, schema, format_checker=jsonschema.FormatChecker())
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {rule["id"] for rule in rules} == set(RULES)
    assert all(rule["helpUri"].endswith(f"reference/rules/{rule['id']}/") for rule in rules)
    located = [r for r in run["results"] if r.get("locations")]
    assert located, "findings with a file have a location"
    uri = located[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith("tests/fixtures/review_core_app/convex/"), "paths are relative to the checkout"
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_the_sarif_subset_schema_rejects_what_code_scanning_would():
    sarif = json.loads(render(review(), "sarif", REPO))
    sarif["runs"][0]["results"][0]["level"] = "warn"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text()))


def test_github_annotations_escape_and_point_at_the_file():
    lines = render(review(), "github", REPO).splitlines()
    collect = next(line for line in lines if "unbounded-collect" in line and "line=14" in line)
    assert collect.startswith("::warning file=tests/fixtures/review_core_app/convex/notes.ts,line=14,"
                              "title=convex-review unbounded-collect::")
    assert "%0AFix: fix unbounded-collect" in collect and "\n" not in collect
    assert any(line.startswith("::error ") and "read-limit" in line for line in lines)


def test_text_report_groups_by_file_with_a_code_frame_the_evidence_and_the_fix():
    text = render(review(), "text", REPO)
    assert "convex/notes.ts\n" in text
    assert "> 14 |   handler: async (ctx) => await ctx.db.query(\"notes\").collect()," in text
    assert "documentsRead:" in text and "fix: fix unbounded-collect" in text
    assert "1 suppressed by comments" in text


def test_the_er_diagram_draws_tables_fields_and_id_references():
    diagram = mermaid_er(SCHEMA)
    assert diagram.startswith("erDiagram")
    assert "id_users ownerId FK" in diagram
    assert 'users ||--o{ notes : "ownerId"' in diagram
    assert "string name" in diagram
    short = mermaid_er({"tables": {"users": {"fields": {"name": "value"}},
                                   "notes": {"fields": {"ownerId": "id:users", "body": "value"}}}})
    assert 'users ||--o{ notes : "ownerId"' in short and "value body" in short


def test_markdown_report_has_the_model_the_catalog_and_findings_by_category(tmp_path):
    text = render(review(), "markdown", REPO)
    assert "```mermaid\nerDiagram" in text
    assert "| `notes:everything` | query | public | no (anonymous call answered) | notes | - | 100 at 100, 2000 at 2000 |" in text
    assert text.index("### Query performance") < text.index("### Security")
    page = write_html(review(), tmp_path / "review")
    html = page.read_text()
    assert '<pre class="mermaid">erDiagram' in html and "<table>" in html


# Command line ------------------------------------------------------------------------------------

def test_exit_codes_follow_the_fail_level(fake_passes, capsys):
    assert run_cli(capsys, str(APP))[0] == 1, "two errors"
    code, out, _ = run_cli(capsys, str(APP), "--rules", "unbounded-collect")
    assert code == 0, "warnings only, fail level error"
    assert run_cli(capsys, str(APP), "--rules", "unbounded-collect", "--fail-level", "warning")[0] == 1
    assert fake_passes["static"] == {"unbounded-collect"}


def test_static_only_does_not_run_the_dynamic_pass(fake_passes, capsys):
    code, out, _ = run_cli(capsys, str(APP), "--static-only", "--format", "json")
    assert "dynamic" not in fake_passes
    assert json.loads(out)["summary"]["dynamic"] is False


def test_sizes_reach_the_dynamic_pass_and_progress_goes_to_stderr(fake_passes, capsys):
    code, out, err = run_cli(capsys, str(APP), "--sizes", "10,50", "--progress", "--format", "json")
    assert fake_passes["dynamic"] == (10, 50)
    assert "convex-review: seeding 2 tables" in err and "seeding" not in out
    json.loads(out)


def test_an_unknown_rule_id_is_bad_input_naming_it(fake_passes, capsys):
    code, out, err = run_cli(capsys, str(APP), "--rules", "filter-scan,no-such-thing")
    assert code == 2 and "no-such-thing" in err and "filter-scan," not in err.split("known:")[0]
    assert out == ""


def test_a_pass_rejecting_the_app_exits_2_with_its_message(monkeypatch, capsys):
    def broken(app_dir, rules):
        raise ReviewInputError("convex/notes.ts:3: syntax error: ')' expected")
    monkeypatch.setattr(review_module, "_run_static", broken)
    code, out, err = run_cli(capsys, str(APP))
    assert code == 2 and err.strip() == "convex-review: convex/notes.ts:3: syntax error: ')' expected"


def test_a_crash_inside_a_pass_exits_3_with_one_line_and_no_traceback(monkeypatch, capsys):
    def crashing(app_dir, rules):
        raise RuntimeError("the static pass failed on the app:\nError: Cannot find module 'typescript'")
    monkeypatch.setattr(review_module, "_run_static", crashing)
    code, out, err = run_cli(capsys, str(APP))
    assert code == 3 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "RuntimeError: the static pass failed on the app: / Error: Cannot find module 'typescript'" in err and "CONVEX_REVIEW_DEBUG=1" in err
    monkeypatch.setenv("CONVEX_REVIEW_DEBUG", "1")
    with pytest.raises(RuntimeError):
        cli.main([str(APP), "--quiet"])


@pytest.mark.parametrize("timeout, code, expected", [
    ("0.05", 3, "convex-review: the static pass did not finish in 0.05 s (a very large app, or a busy machine); "
                "set CONVEX_REVIEW_TIMEOUT to more seconds to allow it longer"),
    ("soon", 2, "convex-review: CONVEX_REVIEW_TIMEOUT='soon': expected a number of seconds above 0"),
])
def test_a_static_pass_out_of_time_says_how_to_allow_more(monkeypatch, capsys, tmp_path, timeout, code, expected):
    from convex_review import static_pass

    monkeypatch.setattr(static_pass, "_CACHE", tmp_path)  # no result from an earlier pass
    monkeypatch.setenv("CONVEX_REVIEW_TIMEOUT", timeout)
    result, out, err = run_cli(capsys, str(APP), "--static-only")
    assert (result, err.strip()) == (code, expected)


def test_write_baseline_then_baseline_shows_only_new_findings(fake_passes, capsys, tmp_path):
    baseline = tmp_path / "review-baseline.json"
    assert run_cli(capsys, str(APP), "--write-baseline", str(baseline))[0] == 0
    code, out, _ = run_cli(capsys, str(APP), "--baseline", str(baseline), "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["findings"] == [] and report["summary"]["baselined"] == 5


def test_output_file_and_markdown_writes_the_html_page(fake_passes, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(capsys, str(APP), "--format", "markdown", "--output", "out/review.md")
    assert out == "" and (tmp_path / "out" / "review.md").read_text().startswith("# Review of")
    assert (tmp_path / "build" / "review" / "index.html").is_file()


@pytest.mark.parametrize("app, expected", [
    ("tests/fixtures/no_such_app_here", "no_such_app_here: no such folder"),
    ("tests/fixtures/review_core_app/convex/notes.ts", "notes.ts: not a folder"),
])
def test_a_missing_app_exits_2_without_a_traceback(app, expected):
    result = subprocess.run([sys.executable, "-m", "convex_review", app], cwd=REPO, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert expected in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_without_fields_from_the_static_pass_the_diagram_loads_them_from_schema_ts(tmp_path):
    import shutil

    from convex_review.onboarding import render_markdown
    app = tmp_path / "app"
    shutil.copytree(APP, app)
    (app / "node_modules").symlink_to(REPO / "snippets" / "node_modules")
    bare = {"tables": {name: {"indexes": [], "file": "convex/schema.ts", "line": 6} for name in ("users", "notes")}}
    result = run_review(app, static_only=True, static_runner=lambda a, r: FakeStatic(
        app_root=app, functions_dir=app / "convex", schema=bare))
    text = render_markdown(result)
    assert 'users ||--o{ notes : "ownerId"' in text and "string body" in text
    (app / "convex" / "schema.ts").write_text("export default 42;\n")
    from convex_review.onboarding import exported_schema
    exported_schema.cache_clear()
    assert "Fields are not shown: schema.ts did not load: " in render_markdown(result)
