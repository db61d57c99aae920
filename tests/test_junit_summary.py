"""scripts/junit_summary.py: what the weekly newest-Convex run reports."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO

SCRIPT = REPO / "scripts" / "junit_summary.py"

REPORT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="4" failures="1" errors="1" skipped="1">
<testcase classname="tests.test_facts" name="test_the_registry_names_the_pinned_packages">
  <failure message="AssertionError: assert '1.48.0' == '1.49.0'">long traceback</failure></testcase>
<testcase classname="tests.test_lint" name="test_each_anti_pattern_shows_exactly_its_flaws[filterScan.ts]"/>
<testcase classname="tests.test_reference_app" name="test_npm_script[codegen:check]">
  <error message="codegen: _generated/server.d.ts: out of date"/></testcase>
<testcase classname="tests.test_browser" name="test_search"><skipped message="no chromium"/></testcase>
</testsuite></testsuites>
"""


def run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60)


def test_failures_and_errors_are_listed_with_their_messages(tmp_path):
    report = tmp_path / "report.xml"
    report.write_text(REPORT, encoding="utf-8")
    result = run(str(report))
    assert result.returncode == 1
    assert "4 tests: 1 passed, 2 failed, 1 skipped." in result.stdout
    assert "- **failure** `tests.test_facts::test_the_registry_names_the_pinned_packages`" in result.stdout
    assert "> AssertionError: assert '1.48.0' == '1.49.0'" in result.stdout
    assert "- **error** `tests.test_reference_app::test_npm_script[codegen:check]`" in result.stdout


def test_a_green_report_exits_0(tmp_path):
    report = tmp_path / "report.xml"
    report.write_text('<testsuite tests="1"><testcase classname="a" name="b"/></testsuite>', encoding="utf-8")
    result = run(str(report))
    assert result.returncode == 0 and "1 tests: 1 passed, 0 failed, 0 skipped." in result.stdout


def test_a_missing_or_broken_report_is_exit_2_with_the_file_named(tmp_path):
    missing = run(str(tmp_path / "none.xml"))
    assert missing.returncode == 2 and "none.xml does not exist" in missing.stderr
    broken = tmp_path / "broken.xml"
    broken.write_text("<testsuite", encoding="utf-8")
    result = run(str(broken))
    assert result.returncode == 2 and "broken.xml is not JUnit XML" in result.stderr
