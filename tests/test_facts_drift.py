"""The facts drift check (`make links`) against docs pages served on 127.0.0.1.

A Docusaurus-like docs site is served from memory: a Limits page with
sections, and an environment-variables page. Each test changes what the
server answers and checks what the drift check reports and its exit status.
"""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from guide_tools import facts, facts_drift

LIMITS = """<!doctype html><html><head><title>Limits</title>
<script>var fake = "Documents scanned 99";</script></head><body>
<h1>Limits</h1>
<h2 class="anchor" id="transactions">Transactions<a href="#transactions" class="hash-link"></a></h2>
<table><tr><th></th><th></th></tr>
<tr><td>Documents scanned</td><td>{scanned}</td><td>Documents not returned due to a filter count as scanned</td></tr></table>
<h2 id="execution-time-and-scheduling">Execution time and scheduling</h2>
<table><tr><td>Convex runtime action execution time</td><td>30&nbsp;minutes</td></tr></table>
<h2 id="full-text-search">Full text search</h2>
<table><tr><td>Terms per search query</td><td>16</td></tr></table>
<h2 id="vector-search">Vector search</h2>
<table><tr><td>Terms per search query</td><td>{vector_terms}</td></tr></table>
</body></html>"""

ENV = """<!doctype html><html><body><h1>Environment Variables</h1>
<h2 id="setting-environment-variables">Setting environment variables</h2>
<p>You can add up to 512 environment variables, and the total size of all
environment variables (names + values) cannot exceed 512KiB.</p></body></html>"""

REGISTRY = """\
checked_against: {{convex: "1.48.0", date: 2026-11-27}}
facts:
  transactions.documents_scanned:
    {{value: 32000, unit: documents, text: "32,000", what: Documents scanned, verified: 2026-11-27,
     url: "{base}/limits#transactions", expect: "Documents scanned 32,000"}}
  execution.action_convex_runtime:
    {{value: 30, unit: minutes, text: "30 minutes", what: Action time, verified: 2026-11-27,
     url: "{base}/limits#execution-time-and-scheduling", expect: "Convex runtime action execution time 30 minutes"}}
  vector_search.terms:
    {{value: 16, unit: terms, text: "16", what: Vector terms, verified: 2026-11-27, forbid: ["16 terms"],
     url: "{base}/limits#vector-search", expect: "Terms per search query 16"}}
  env.count:
    {{value: 512, unit: variables, text: "512", what: Env vars, verified: 2026-11-27, forbid: ["512 variables"],
     url: "{base}/env#setting-environment-variables", expect: "up to 512 environment variables"}}
  versions.pinned:
    {{value: "1.48.0", unit: version, text: "1.48.0", what: no phrase, verified: 2026-11-27,
     url: "{base}/npm", expect: null}}
"""


class DocsSite:
    """What the server answers, changeable per test, and a log of requests."""

    def __init__(self) -> None:
        self.pages = {"/limits": LIMITS.format(scanned="32,000", vector_terms="16"), "/env": ENV}
        self.status: dict[str, list[int]] = {}   # path -> statuses to answer first, one per request
        self.requests: Counter[str] = Counter()


@pytest.fixture()
def site():
    docs = DocsSite()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            docs.requests[self.path] += 1
            queued = docs.status.get(self.path)
            status = queued.pop(0) if queued else (200 if self.path in docs.pages else 404)
            body = docs.pages.get(self.path, "not found").encode() if status == 200 else b"error"
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    docs.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield docs
    server.shutdown()
    server.server_close()


@pytest.fixture()
def registry(site, tmp_path) -> Path:
    path = tmp_path / "convex.yml"
    path.write_text(REGISTRY.format(base=site.base), encoding="utf-8")
    return path


def statuses(findings) -> dict[str, str]:
    return {finding.fact_id: finding.status for finding in findings}


def test_every_phrase_found_when_the_docs_still_say_it(site, registry):
    findings = facts_drift.check(facts.load(registry), timeout=5)
    assert statuses(findings) == {"transactions.documents_scanned": "found", "execution.action_convex_runtime": "found",
                                  "vector_search.terms": "found", "env.count": "found"}
    assert facts_drift.exit_status(findings) == 0
    # One request per page, however many facts it holds; none for a fact without a phrase.
    assert site.requests == Counter({"/limits": 1, "/env": 1})


def test_a_changed_number_is_reported_as_drift(site, registry, tmp_path):
    site.pages["/limits"] = LIMITS.format(scanned="40,000", vector_terms="16")
    report = tmp_path / "link-report.md"
    report.write_text("# Links\n", encoding="utf-8")
    status = facts_drift.main(["--registry", str(registry), "--output", str(report), "--timeout", "5"])
    assert status == 1
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Links\n")  # appended to the link checker's report, not replacing it
    assert "**drifted** `transactions.documents_scanned`" in text and f"{site.base}/limits#transactions" in text
    assert "3 found, 1 to look at." in text


def test_a_phrase_counts_only_in_its_own_section(site, registry):
    # Full text search still says 16 terms; the vector search section no longer does.
    site.pages["/limits"] = LIMITS.format(scanned="32,000", vector_terms="32")
    assert statuses(facts_drift.check(facts.load(registry), timeout=5))["vector_search.terms"] == "drifted"


def test_text_in_scripts_does_not_count(site, registry):
    site.pages["/limits"] = LIMITS.format(scanned="99", vector_terms="16").replace(
        "Documents scanned 99", "Documents scanned 32,000")
    assert statuses(facts_drift.check(facts.load(registry), timeout=5))["transactions.documents_scanned"] == "drifted"


def test_a_section_that_disappeared_is_reported(site, registry):
    site.pages["/env"] = ENV.replace('id="setting-environment-variables"', 'id="set-variables"')
    findings = {f.fact_id: f for f in facts_drift.check(facts.load(registry), timeout=5)}
    assert findings["env.count"].status == "no-section"
    assert "setting-environment-variables" in findings["env.count"].detail


def test_a_flaky_page_is_retried_and_a_missing_one_is_unreachable_not_drift(site, registry):
    site.status["/limits"] = [503, 503]
    del site.pages["/env"]
    findings = facts_drift.check(facts.load(registry), timeout=5, retries=2)
    assert statuses(findings)["transactions.documents_scanned"] == "found"
    assert site.requests["/limits"] == 3
    assert statuses(findings)["env.count"] == "unreachable"
    assert site.requests["/env"] == 1  # a 404 is not retried
    assert facts_drift.exit_status(findings) == 0


def test_nothing_reachable_is_exit_2(site, registry):
    site.pages.clear()
    assert facts_drift.main(["--registry", str(registry), "--timeout", "5"]) == 2


def test_a_bad_registry_is_exit_2_with_the_file_named(tmp_path, capsys):
    broken = tmp_path / "convex.yml"
    broken.write_text("facts: [\n", encoding="utf-8")
    assert facts_drift.main(["--registry", str(broken)]) == 2
    assert str(broken) in capsys.readouterr().err


def test_every_registry_fact_with_a_phrase_names_a_section():
    """The drift check reads the section the anchor names: a phrase without one would search the whole page."""
    for item in facts.registry().facts.values():
        if item.expect is not None:
            assert item.anchor, f"{item.id}: {item.url} has no #section"
            if isinstance(item.value, (int, float)):  # a number's phrase must show the number; a message is its words
                assert any(ch.isdigit() for ch in item.expect), f"{item.id}: the phrase {item.expect!r} holds no number"


def test_section_text_normalises_entities_and_whitespace():
    page = '<h2 id="a">A</h2><p>30&nbsp;minutes\n  and\tmore</p><h2 id="b">B</h2><p>other</p>'
    assert facts_drift.section_text(page, "a") == "a 30 minutes and more"
    assert facts_drift.section_text(page, "missing") is None
    assert facts_drift.section_text("Plain 512KiB text", None, "text/plain") == "plain 512kib text"
