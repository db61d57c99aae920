"""Tests for the link checker (scripts/check_links.py, src/linkcheck).

Nothing here reaches the internet: web links point at a threaded server on
loopback addresses (127.0.0.2, .3, .4 act as three hosts, see
tests/linkcheck/lc_testserver.py), with short timeouts and backoff caps so the
whole file runs in well under a minute.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent / "linkcheck"))

from lc_testserver import BIG_SIZE, LinkTestServer  # noqa: E402

from linkcheck import cli  # noqa: E402
from linkcheck.checker import LinkChecker, Report  # noqa: E402
from linkcheck.classify import detect_bot_wall, parse_retry_after  # noqa: E402
from linkcheck.comments import comment_urls  # noqa: E402
from linkcheck.config import Settings, load_mkdocs  # noqa: E402
from linkcheck.engine import Engine  # noqa: E402
from linkcheck.fetch import Exchange  # noqa: E402
from linkcheck.model import Result, Status  # noqa: E402

SCRIPT = REPO / "scripts" / "check_links.py"


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
def fast_settings(**overrides: object) -> Settings:
    """Short timeouts and backoff caps: a test must never sleep for long."""

    settings = Settings(
        timeout=1.0,
        retries=2,
        timeout_retries=1,
        backoff=0.05,
        max_backoff=0.2,
        max_retry_after=2.0,
        include_loopback=True,
        per_host=8,
        concurrency=32,
    )
    for key, value in overrides.items():
        setattr(settings, key, value)
    return settings


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def run_checker(root: Path, paths: list[Path] | None = None, **overrides: object) -> Report:
    settings = fast_settings(**overrides)
    project = load_mkdocs(root)
    return LinkChecker(root, settings, project).run(paths or [root])


def by_url(report: Report) -> dict[str, Result]:
    return {r.url: r for r in report.results}


def run_cli(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=cwd, env=full_env, capture_output=True, text=True, timeout=60,
    )


@pytest.fixture(scope="module")
def server() -> LinkTestServer:
    srv = LinkTestServer(hosts=3).start()
    yield srv
    srv.stop()


# ---------------------------------------------------------------------------
# the web, one behaviour per URL, checked in one run
# ---------------------------------------------------------------------------
HTTP_CASES: dict[str, tuple[Status, int | None]] = {
    "/ok": (Status.OK, 200),
    "/nowhere": (Status.BROKEN, 404),
    "/gone": (Status.BROKEN, 410),
    "/error500": (Status.ERROR, 500),
    "/flaky503": (Status.OK, 200),
    "/ratelimit-seconds": (Status.OK, 200),
    "/ratelimit-date": (Status.OK, 200),
    "/ratelimit-forever": (Status.ERROR, 429),
    "/always503": (Status.ERROR, 503),
    "/head405": (Status.OK, 200),
    "/head403": (Status.OK, 200),
    "/r301": (Status.REDIRECTED, 200),
    "/r302": (Status.OK, 200),
    "/r307": (Status.OK, 200),
    "/r308": (Status.REDIRECTED, 200),
    "/chain-perm": (Status.REDIRECTED, 200),
    "/chain-mixed": (Status.REDIRECTED, 200),
    "/loop-a": (Status.BROKEN, 302),
    "/r-to-404": (Status.BROKEN, 404),
    "/slow": (Status.OK, 200),
    "/very-slow": (Status.ERROR, None),
    "/big": (Status.OK, 200),
    "/botwall": (Status.BLOCKED, 403),
    "/botwall-body": (Status.BLOCKED, 503),
    "/forbidden": (Status.BROKEN, 403),
    "/auth": (Status.BLOCKED, 401),
    "/anchors#intro": (Status.OK, 200),
    "/anchors#missing-anchor": (Status.BROKEN, 200),
    "/anchors#Z%C3%BCrich": (Status.OK, 200),
    "/anchors#Zu\u0308rich": (Status.OK, 200),
    "/anchors#legacy": (Status.OK, 200),
    "/anchors#with%20space": (Status.OK, 200),
    "/anchors#readme-heading": (Status.OK, 200),
    "/anchors#:~:text=Intro": (Status.OK, 200),
    "/big#early": (Status.OK, 200),
    "/pdf#page=2": (Status.OK, 200),
}


@pytest.fixture(scope="module")
def web_run(server: LinkTestServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Result], float]:
    """One check over every case: realistic (all in parallel) and fast."""

    server.reset()
    root = tmp_path_factory.mktemp("web")
    cases = "\n".join(f"- [case]({server.url(0, path)})" for path in HTTP_CASES)
    write(root, "docs/cases.md", "# Cases\n\n" + cases + "\n")
    # the same URL in three files, five times, written three ways
    dup = server.url(1, "/dup")
    write(root, "docs/a.md", f"[one]({dup}) and <{dup}> and {dup}.\n")
    write(root, "docs/b.md", f"[two]({dup})\n\n[ref]: {dup}\n")
    write(root, "notebooks/c.ipynb", json.dumps({
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": [f"See [dup]({dup})\n"]}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1))
    # a permanent redirect to another host
    server.routes["/xhost"] = lambda h, m: h.redirect(301, server.url(2, "/ok"))
    write(root, "docs/cross.md", f"[x]({server.url(0, '/xhost')})\n")
    started = time.monotonic()
    report = run_checker(root)
    elapsed = time.monotonic() - started
    return by_url(report), elapsed


@pytest.mark.parametrize("path", list(HTTP_CASES))
def test_http_outcome(path: str, web_run: tuple[dict[str, Result], float], server: LinkTestServer) -> None:
    results, _ = web_run
    expected_status, expected_code = HTTP_CASES[path]
    result = results[server.url(0, path)]
    assert result.status is expected_status, result.message
    assert result.http_status == expected_code, result.message
    assert result.sources and result.sources[0].path == "docs/cases.md"


def test_redirect_details(web_run: tuple[dict[str, Result], float], server: LinkTestServer) -> None:
    results, _ = web_run
    ok = server.url(0, "/ok")
    assert results[server.url(0, "/r301")].final_url == ok
    assert results[server.url(0, "/r308")].final_url == ok
    assert results[server.url(0, "/chain-perm")].final_url == ok
    # 301 then 302: the link should move to the 301's target, not the temporary one
    assert results[server.url(0, "/chain-mixed")].final_url == server.url(0, "/chain-mixed-2")
    assert results[server.url(0, "/r302")].final_url == ok  # informative, status stays ok
    assert "loop" in results[server.url(0, "/loop-a")].message
    assert "redirects to" in results[server.url(0, "/r-to-404")].message
    cross = results[server.url(0, "/xhost")]
    assert cross.status is Status.REDIRECTED and cross.final_url == server.url(2, "/ok")


def test_requests_are_economical(web_run: tuple[dict[str, Result], float], server: LinkTestServer) -> None:
    # duplicates across files and forms: one request in total
    assert server.requests_for("/dup") == 1
    assert server.requests_for("/dup", "HEAD") == 1
    # nine fragments of one page: a single GET, no HEAD
    assert server.requests_for("/anchors") == 1
    assert server.requests_for("/anchors", "GET") == 1
    # plain pages: HEAD only
    assert server.requests_for("/ok", "GET") == 0
    # HEAD refused: exactly one fallback GET
    assert server.requests_for("/head405", "HEAD") == 1
    assert server.requests_for("/head405", "GET") == 1
    # flaky: fails once, succeeds on the retry
    assert server.requests_for("/flaky503") == 2
    # Retry-After far beyond the cap: give up at once instead of hammering
    assert server.requests_for("/ratelimit-forever") == 1
    # a bot wall proven by headers needs no second request
    assert server.requests_for("/botwall") == 1


def test_big_body_is_not_downloaded(web_run: tuple[dict[str, Result], float], server: LinkTestServer) -> None:
    results, _ = web_run
    assert results[server.url(0, "/big#early")].status is Status.OK
    # the 20 MB page was fetched (HEAD refused, anchor wanted) but read only
    # until the anchor showed up: a tiny fraction crossed the wire
    assert server.bytes_sent["/big"] < BIG_SIZE // 10, server.bytes_sent["/big"]


def test_messages_explain(web_run: tuple[dict[str, Result], float], server: LinkTestServer) -> None:
    results, _ = web_run
    assert "timed out" in results[server.url(0, "/very-slow")].message or "no response" in results[server.url(0, "/very-slow")].message
    assert "Cloudflare" in results[server.url(0, "/botwall")].message
    assert "not found on the page" in results[server.url(0, "/anchors#missing-anchor")].message
    assert "not checked" in results[server.url(0, "/anchors#:~:text=Intro")].message
    assert "not HTML" in results[server.url(0, "/pdf#page=2")].message
    assert "3600" in results[server.url(0, "/ratelimit-forever")].message


def test_duplicate_sources_are_all_listed(web_run: tuple[dict[str, Result], float], server: LinkTestServer) -> None:
    results, _ = web_run
    dup = results[server.url(1, "/dup")]
    places = {(s.path, s.line, s.cell) for s in dup.sources}
    assert ("docs/a.md", 1, None) in places
    assert ("docs/b.md", 1, None) in places and ("docs/b.md", 3, None) in places
    assert any(p == "notebooks/c.ipynb" and cell == 1 for p, _, cell in places)


def test_whole_web_run_is_fast(web_run: tuple[dict[str, Result], float]) -> None:
    # retries, Retry-After (1 s) and timeouts overlap instead of adding up
    _, elapsed = web_run
    assert elapsed < 8, elapsed


# ---------------------------------------------------------------------------
# politeness and scheduling
# ---------------------------------------------------------------------------
def test_per_host_limit_and_parallel_hosts(tmp_path: Path) -> None:
    server = LinkTestServer(hosts=3)  # fresh hosts: no connections left over from other tests
    server.addresses = ["127.0.0.5", "127.0.0.6", "127.0.0.7"]
    server.start()
    try:
        _check_per_host_limit(server, tmp_path)
    finally:
        server.stop()


def _check_per_host_limit(server: LinkTestServer, tmp_path: Path) -> None:
    lines = [f"- {server.url(h, f'/slow?n={i}')}" for h in range(3) for i in range(12)]
    write(tmp_path, "page.md", "\n".join(lines) + "\n")
    started = time.monotonic()
    report = run_checker(tmp_path, per_host=4, concurrency=32)
    elapsed = time.monotonic() - started
    assert report.counts["ok"] == 36
    for address in server.addresses:
        assert server.peak[address] <= 4, dict(server.peak)
    # 12 URLs x 0.4 s / 4 per host = 1.2 s; hosts run side by side, not one after another
    assert elapsed < 3.0, elapsed


def test_retry_after_pauses_only_that_host(server: LinkTestServer, tmp_path: Path) -> None:
    server.reset()
    urls = [server.url(0, "/ratelimit-seconds"), server.url(0, "/ok?after=1")]
    urls += [server.url(1, f"/ok?other={i}") for i in range(6)]
    write(tmp_path, "page.md", "\n".join(f"- <{u}>" for u in urls) + "\n")
    report = run_checker(tmp_path, per_host=1)
    assert report.counts["ok"] == 8
    host0, host1 = server.addresses[0], server.addresses[1]
    first_429 = min(t for t, h, _, p in server.timeline if h == host0 and p.startswith("/ratelimit"))
    queued_same_host = min(t for t, h, _, p in server.timeline if h == host0 and p.startswith("/ok?after"))
    other_host_done = max(t for t, h, _, _ in server.timeline if h == host1)
    assert queued_same_host - first_429 >= 0.9  # waited for Retry-After
    assert other_host_done - first_429 < 0.9  # the other host did not wait


def test_rate_limited_host_is_paced_not_hammered(server: LinkTestServer, tmp_path: Path) -> None:
    """A host that allows 20 requests/s (token bucket, 429 + Retry-After: 1
    beyond that): every link still ends ok, few 429s are provoked, and the
    run stays close to what the limit allows."""

    bucket = {"tokens": 5.0, "at": time.monotonic(), "throttled": 0}
    lock = threading.Lock()

    def limited(handler, method):  # type: ignore[no-untyped-def]
        with lock:
            now = time.monotonic()
            bucket["tokens"] = min(5.0, bucket["tokens"] + (now - bucket["at"]) * 20)
            bucket["at"] = now
            allowed = bucket["tokens"] >= 1
            if allowed:
                bucket["tokens"] -= 1
            else:
                bucket["throttled"] += 1
        if allowed:
            handler.send(200, b"<html><body>fine</body></html>")
        else:
            handler.send(429, b"slow down", {"Retry-After": "1"})

    server.routes["/bucket"] = limited
    write(tmp_path, "page.md", "\n".join(f"- <{server.url(2, f'/bucket?n={i}')}>" for i in range(60)) + "\n")
    started = time.monotonic()
    report = run_checker(tmp_path, per_host=8, retries=4)
    elapsed = time.monotonic() - started
    assert report.counts["ok"] == 60, [r.message for r in report.results if r.status is not Status.OK]
    assert bucket["throttled"] < 30, bucket  # it slowed down instead of retrying blindly
    # 60 URLs at 20/s is 3 s and pauses for Retry-After add a little; a checker that backed off
    # blindly (1, 2, 4, 8 s) would take far longer. The bound leaves room for a busy machine,
    # where the same run has been seen to take 9 s.
    assert elapsed < 15, elapsed


class ScriptedFetcher:
    """Stands in for the network: answers from a script, records the calls."""

    def __init__(self, script: dict[tuple[str, str], list[dict[str, object]]]) -> None:
        self.script = script
        self.calls: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def fetch(self, method: str, url: str, wanted: set[str] | None, jar: object = None) -> Exchange:
        with self.lock:
            self.calls.append((method, url))
            answers = self.script[(method, url)]
            spec = answers.pop(0) if len(answers) > 1 else answers[0]
        return Exchange(method=method, url=url, **spec)  # type: ignore[arg-type]

    def close(self) -> None:
        pass


def test_engine_policy_without_network() -> None:
    """The retry / fallback / redirect policy, on scripted answers."""

    long_ago = time.monotonic() - 30  # a request that took 30 s to answer
    script = {
        ("HEAD", "http://a.test/x"): [{"status": 405}],
        ("GET", "http://a.test/x"): [{"status": 503}, {"status": 200, "started": long_ago}],
        ("HEAD", "http://a.test/moved"): [{"status": 308, "headers": {"location": "/new"}}],
        ("HEAD", "http://a.test/new"): [{"status": 200}],
        ("HEAD", "http://b.test/rl"): [{"status": 429, "headers": {"retry-after": "0"}}, {"status": 200}],
        ("HEAD", "http://c.test/gone"): [{"error": "dns", "detail": "DNS lookup failed"}],
    }
    fetcher = ScriptedFetcher(script)
    engine = Engine(fast_settings(), fetcher=fetcher)  # type: ignore[arg-type]
    out = engine.run({"http://a.test/x": set(), "http://a.test/moved": set(), "http://b.test/rl": set(),
                      "http://c.test/gone": set()})
    assert out["http://a.test/x"].status is Status.OK
    assert fetcher.calls.count(("GET", "http://a.test/x")) == 2  # 503, then 200 after a backoff
    assert out["http://a.test/moved"].status is Status.REDIRECTED
    assert out["http://a.test/moved"].final_url == "http://a.test/new"
    assert out["http://b.test/rl"].status is Status.OK
    assert out["http://c.test/gone"].status is Status.ERROR
    assert fetcher.calls.count(("HEAD", "http://c.test/gone")) == 2  # one retry for DNS, then give up


def test_retry_after_parsing() -> None:
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10, abs=1)
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_bot_wall_detection() -> None:
    assert detect_bot_wall(403, {"cf-mitigated": "challenge"}) == "Cloudflare challenge"
    assert detect_bot_wall(503, {"server": "cloudflare"}, b"<title>Just a moment...</title>")
    assert detect_bot_wall(403, {}, b"please verify you are human")
    assert detect_bot_wall(999, {})
    assert detect_bot_wall(403, {}, b"<h1>Forbidden</h1>") is None
    assert detect_bot_wall(404, {}, b"captcha") is None


def test_network_failures_are_errors_not_broken(server: LinkTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:  # a port with nobody listening
        sock.bind(("127.0.0.2", 0))
        closed_port = sock.getsockname()[1]
    refused = f"http://127.0.0.2:{closed_port}/x"
    tls = server.url(1, "/ok").replace("http://", "https://")  # TLS to a plain-HTTP port
    real_getaddrinfo = socket.getaddrinfo

    def fake_getaddrinfo(host: str, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if host == "no-such-host.internal":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    dns = "http://no-such-host.internal/page"
    write(tmp_path, "page.md", f"<{refused}> <{tls}> <{dns}>\n")
    results = by_url(run_checker(tmp_path))
    assert results[refused].status is Status.ERROR and "refused" in results[refused].message
    assert results[tls].status is Status.ERROR and "TLS" in results[tls].message
    assert results[dns].status is Status.ERROR and "DNS" in results[dns].message


def test_loopback_mailto_tel_and_examples_skipped(tmp_path: Path) -> None:
    write(tmp_path, "page.md", """
        Open http://localhost:3000 or [the dashboard](http://127.0.0.1:6790/).
        Mail [us](mailto:team@convex.dev), call [us](tel:+15555550100).
        Replace https://example.com/your-app and https://{deployment}.convex.cloud.
        """)
    report = run_checker(tmp_path, include_loopback=False)
    statuses = {r.url: r.status for r in report.results}
    assert set(statuses.values()) == {Status.SKIPPED}
    assert "http://localhost:3000" in statuses and "mailto:team@convex.dev" in statuses
    assert "loopback" in by_url(report)["http://localhost:3000"].message


def test_exclude_and_no_external(server: LinkTestServer, tmp_path: Path) -> None:
    server.reset()
    write(tmp_path, "page.md", f"<{server.url(0, '/nowhere')}> <{server.url(0, '/gone')}>\n")
    report = run_checker(tmp_path, exclude=[r"/nowhere$"])
    results = by_url(report)
    assert results[server.url(0, "/nowhere")].status is Status.SKIPPED
    assert "excluded" in results[server.url(0, "/nowhere")].message
    assert results[server.url(0, "/gone")].status is Status.BROKEN
    assert server.requests_for("/nowhere") == 0
    server.reset()
    report = run_checker(tmp_path, check_external=False)
    assert {r.status for r in report.results} == {Status.SKIPPED}
    assert server.log == []


def test_cache_skips_good_links_and_never_keeps_failures(server: LinkTestServer, tmp_path: Path) -> None:
    server.reset()
    cache = tmp_path / "cache" / "links.json"
    write(tmp_path, "page.md", f"<{server.url(2, '/ok')}> <{server.url(2, '/always503')}> <{server.url(2, '/anchors#intro')}>\n")
    first = by_url(run_checker(tmp_path, cache=str(cache), retries=0))
    assert first[server.url(2, "/ok")].status is Status.OK
    assert first[server.url(2, "/always503")].status is Status.ERROR
    entries = json.loads(cache.read_text())["entries"]
    assert server.url(2, "/ok") in entries and server.url(2, "/always503") not in entries
    server.reset()
    second = by_url(run_checker(tmp_path, cache=str(cache), retries=0))
    assert second[server.url(2, "/ok")].status is Status.OK
    assert second[server.url(2, "/anchors#intro")].status is Status.OK
    assert server.requests_for("/ok") == 0 and server.requests_for("/anchors") == 0
    assert server.requests_for("/always503") >= 1  # errors are checked again
    server.reset()
    run_checker(tmp_path, cache=str(cache), cache_max_age=0.0)  # expired: everything again
    assert server.requests_for("/ok") == 1


# ---------------------------------------------------------------------------
# internal links on a small MkDocs site
# ---------------------------------------------------------------------------
@pytest.fixture()
def mini_site(tmp_path: Path) -> Path:
    write(tmp_path, "mkdocs.yml", """
        site_name: Mini
        site_url: https://mini.example.org/
        docs_dir: docs
        nav:
          - Home: index.md
          - Guide: guide/page.md
          - Gone: guide/vanished.md
        plugins:
          - mkdocs-jupyter
        markdown_extensions:
          - attr_list
          - admonition
          - footnotes
          - toc:
              permalink: true
        """)
    write(tmp_path, "docs/index.md", """
        # Home

        ## Local heading

        - [page](guide/page.md) and [missing](guide/missing.md)
        - [good anchor](guide/page.md#second-section), [bad anchor](guide/page.md#secnd-section)
        - [explicit id](guide/page.md#custom-id), [duplicate](guide/page.md#setup_1)
        - [code heading](guide/page.md#the-api-object)
        - [same page](#local-heading), [same page missing](#nowhere)
        - [directory](guide/), [site url](guide/page/)
        - [notebook](nb/demo.ipynb#notebook-heading), [notebook bad](nb/demo.ipynb#nope)
        - [image](img/logo.png), [missing image](img/nope.png)
        - [outside docs](../snippets/app.ts#L2), [too far](../snippets/app.ts#L99)
        - [footnote](guide/page.md#fn:note)

        !!! warning "Indented body"

            A link inside an admonition: [hidden](not-there.md).

        ```md
        [in a fence](fence-missing.md)
        ```

        And `[inline code](code-missing.md)` too.
        """)
    write(tmp_path, "docs/guide/index.md", "# Guide index\n\nBack [home](../index.md) and [other](../other/).\n")
    write(tmp_path, "docs/guide/page.md", """
        # Page

        ## Second section

        ## Custom {#custom-id}

        ## Setup

        ## Setup

        ## The `api` *object*

        Footnote here[^note].

        [^note]: The note.
        """)
    write(tmp_path, "docs/other.md", "# Other\n")
    write(tmp_path, "docs/img/logo.png", "png")
    write(tmp_path, "snippets/app.ts", "// line 1\nexport const x = 1;\n")
    write(tmp_path, "docs/nb/demo.ipynb", json.dumps({
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Notebook heading\n", "\n", "[home](../index.md)\n"]},
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": ["x = 1  # https://localhost:1/skip\n"]},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1))
    return tmp_path


def test_internal_links(mini_site: Path) -> None:
    results = by_url(run_checker(mini_site, [mini_site / "docs", mini_site / "mkdocs.yml"]))
    expect = {
        "guide/page.md": Status.OK,
        "guide/missing.md": Status.BROKEN,
        "guide/page.md#second-section": Status.OK,
        "guide/page.md#secnd-section": Status.BROKEN,
        "guide/page.md#custom-id": Status.OK,
        "guide/page.md#setup_1": Status.OK,
        "guide/page.md#the-api-object": Status.OK,
        "#local-heading": Status.OK,
        "#nowhere": Status.BROKEN,
        "guide/": Status.OK,
        "guide/page/": Status.OK,
        "../other/": Status.OK,
        "nb/demo.ipynb#notebook-heading": Status.OK,
        "nb/demo.ipynb#nope": Status.BROKEN,
        "img/logo.png": Status.OK,
        "img/nope.png": Status.BROKEN,
        "../snippets/app.ts#L2": Status.OK,
        "../snippets/app.ts#L99": Status.BROKEN,
        "guide/page.md#fn:note": Status.OK,
        "not-there.md": Status.BROKEN,
        "../index.md": Status.OK,
        "guide/vanished.md": Status.BROKEN,
    }
    for url, status in expect.items():
        assert url in results, url
        assert results[url].status is status, (url, results[url].message)
    assert "fence-missing.md" not in results and "code-missing.md" not in results
    assert "did you mean #second-section" in results["guide/page.md#secnd-section"].message
    assert results["guide/vanished.md"].sources[0].path == "mkdocs.yml"
    assert "not part of the built site" in results["../snippets/app.ts#L2"].message
    assert "https://mini.example.org/" not in results  # site_url is the site itself


def test_heading_ids_match_python_markdown(tmp_path: Path) -> None:
    """Our ids must be the ids MkDocs' toc extension really generates."""

    markdown = pytest.importorskip("markdown")
    import re as _re

    source = textwrap.dedent("""
        # Getting started: the `ctx.db` API!

        ## Déjà vu -- & more

        ## Setup

        ## Setup

        ## Setup_1

        ## Custom {#mine}

        ### Emphasis *and* [a link](x.md) here
        """).lstrip()
    write(tmp_path, "mkdocs.yml", "site_name: t\nmarkdown_extensions:\n  - attr_list\n  - toc\n")
    page = write(tmp_path, "docs/p.md", source)
    project = load_mkdocs(tmp_path)
    checker = LinkChecker(tmp_path, fast_settings(), project)
    ours = checker.sources.anchors_for(page)
    html = markdown.markdown(source, extensions=["attr_list", "toc"])
    theirs = set(_re.findall(r'id="([^"]+)"', html))
    assert ours == theirs


def test_pymdownx_slugs_configured(tmp_path: Path) -> None:
    write(tmp_path, "mkdocs.yml", """
        site_name: t
        markdown_extensions:
          - toc:
              slugify: !!python/object/apply:pymdownx.slugs.slugify
                kwds:
                  case: lower
        """)
    write(tmp_path, "docs/p.md", "# Zürich Straße\n\n[self](#zürich-straße) [ascii](#zurich-strae)\n")
    results = by_url(run_checker(tmp_path))
    assert results["#zürich-straße"].status is Status.OK
    assert results["#zurich-strae"].status is Status.BROKEN


def test_notebooks_mounted_into_the_site(tmp_path: Path) -> None:
    """A hook publishes notebooks/ (outside docs_dir) under notebooks/ in the site;
    mkdocs.yml ``watch:`` names it, so links both ways resolve."""

    write(tmp_path, "mkdocs.yml", """
        site_name: t
        nav:
          - Home: index.md
          - NB: notebooks/one.ipynb
        plugins:
          - mkdocs-jupyter
        watch:
          - notebooks
        """)
    write(tmp_path, "docs/index.md", "# Home\n\n[nb](notebooks/one.ipynb#part-two) [bad](notebooks/one.ipynb#part-3)\n")
    write(tmp_path, "notebooks/one.ipynb", json.dumps({
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": [
            "# One\n", "## Part two\n", "Back [home](../../) and [broken](../../nope/)\n"]}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1))
    results = by_url(run_checker(tmp_path))
    assert results["notebooks/one.ipynb#part-two"].status is Status.OK
    assert results["notebooks/one.ipynb#part-3"].status is Status.BROKEN
    assert results["notebooks/one.ipynb"].status is Status.OK  # the nav entry
    assert results["../../"].status is Status.OK
    assert results["../../nope/"].status is Status.BROKEN
    assert results["../../nope/"].sources[0].cell == 1


def test_snippet_includes(tmp_path: Path) -> None:
    write(tmp_path, "mkdocs.yml", "site_name: t\nmarkdown_extensions:\n  - pymdownx.snippets:\n      base_path: ['.']\n")
    write(tmp_path, "snippets/a.ts", "// --8<-- [start:part]\nconst a = 1;\n// --8<-- [end:part]\n")
    write(tmp_path, "docs/p.md", """
        ```ts
        --8<-- "snippets/a.ts:part"
        ```

        ```ts
        --8<-- "snippets/a.ts:other"
        ```

        ```ts
        --8<-- "snippets/missing.ts"
        ```
        """)
    results = by_url(run_checker(tmp_path))
    assert results["snippets/a.ts:part"].status is Status.OK
    assert results["snippets/a.ts:other"].status is Status.BROKEN
    assert results["snippets/missing.ts"].status is Status.BROKEN


# ---------------------------------------------------------------------------
# extraction
# ---------------------------------------------------------------------------
def test_markdown_extraction(tmp_path: Path) -> None:
    write(tmp_path, "p.md", """
        # Title

        Inline [a](https://a.test.invalid/1) and ![img](https://img.example.net/x.png)
        and <https://auto.test/x> and bare https://bare.test/path_(x), then text.
        Reference [b][ref] twice [b again][ref].

        [ref]: https://ref.test/def "Title"

        `https://inline-code.test/` is code.

            https://indented-code.test/

        ```bash
        curl https://fenced.test/
        ```

        <a href="https://html.test/a">x</a> <img src="https://html.test/i.png">

        <!-- https://commented.test/ -->

        [^1]: A footnote with [link](https://footnote.test/).
        """)
    project = load_mkdocs(tmp_path)
    checker = LinkChecker(tmp_path, fast_settings(check_external=False), project)
    links, errors, _ = checker.collect([tmp_path / "p.md"])
    assert not errors
    found = {(link.target, link.location.line) for link in links}
    assert ("https://a.test.invalid/1", 3) in found
    assert ("https://img.example.net/x.png", 3) in found
    assert ("https://auto.test/x", 4) in found
    assert ("https://bare.test/path_(x)", 4) in found
    assert ("https://ref.test/def", 7) in found  # the definition line, once
    assert sum(1 for t, _ in found if t == "https://ref.test/def") == 1
    assert ("https://html.test/a", 17) in found and ("https://html.test/i.png", 17) in found
    assert ("https://footnote.test/", 21) in found
    targets = {t for t, _ in found}
    for ignored in ("inline-code", "indented-code", "fenced", "commented"):
        assert not any(ignored in t for t in targets), ignored


def test_notebook_extraction_maps_cells_and_lines(tmp_path: Path) -> None:
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# T\n", "\n", "See [docs](https://docs.test/a).\n"]},
            {"cell_type": "code", "metadata": {}, "execution_count": 1,
             "source": ["url = 'https://string.test/'  # https://comment.test/\n"],
             "outputs": [
                 {"output_type": "stream", "name": "stdout", "text": ["open https://stream.test/x\n"]},
                 {"output_type": "display_data", "metadata": {},
                  "data": {"text/html": ["<a href=\"https://html-out.test/\">x</a>"], "text/plain": ["x"]}},
             ]},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    text = json.dumps(nb, indent=1)
    path = write(tmp_path, "n.ipynb", text)
    checker = LinkChecker(tmp_path, fast_settings(), load_mkdocs(tmp_path))
    links, errors, _ = checker.collect([path])
    assert not errors
    places = {link.target: link.location for link in links}
    file_lines = text.split("\n")
    docs = places["https://docs.test/a"]
    assert docs.cell == 1 and "https://docs.test/a" in file_lines[docs.line - 1]
    assert places["https://comment.test/"].cell == 2
    assert "https://string.test/" not in places
    assert places["https://stream.test/x"].cell == 2
    assert "https://html-out.test/" in places


def test_snippet_comments_only() -> None:
    source = textwrap.dedent("""
        // Docs: https://docs.convex.dev/functions
        const url = "https://api.example.test/not-a-reference";
        /**
         * See {@link https://docs.convex.dev/database}.
         */
        const t = `https://template.test/${x}`; // https://trailing.test/
        """)
    found = [u for u, _ in comment_urls(source, ".ts")]
    assert found == ["https://docs.convex.dev/functions", "https://docs.convex.dev/database", "https://trailing.test/"]


# ---------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------
def test_cli_exit_codes_and_json_shape(server: LinkTestServer, tmp_path: Path) -> None:
    write(tmp_path, "good.md", f"[ok]({server.url(0, '/ok')}) [local](bad.md#x)\n")
    write(tmp_path, "bad.md", f"# X\n\n[gone]({server.url(0, '/gone')})\n")
    ok = run_cli(["good.md", "--format", "json", "--include-loopback", "--timeout", "2"], tmp_path)
    assert ok.returncode == 0, ok.stderr
    data = json.loads(ok.stdout)
    assert set(data) == {"summary", "results"}
    assert set(data["summary"]) == {"total", "ok", "redirected", "broken", "blocked", "error", "skipped"}
    assert data["summary"]["total"] == 2 and data["summary"]["ok"] == 2
    for item in data["results"]:
        assert set(item) == {"url", "status", "http_status", "final_url", "message", "sources"}
        assert all(set(s) == {"path", "line"} for s in item["sources"])
    web = next(i for i in data["results"] if i["url"].endswith("/ok"))
    assert web["http_status"] == 200 and web["sources"] == [{"path": "good.md", "line": 1}]

    broken = run_cli([".", "--format", "json", "--include-loopback"], tmp_path)
    assert broken.returncode == 1
    assert json.loads(broken.stdout)["summary"]["broken"] == 1
    assert "\r" not in broken.stderr  # no progress bar when not on a terminal


def test_cli_usage_errors(tmp_path: Path) -> None:
    missing = run_cli(["no/such/dir"], tmp_path)
    assert missing.returncode == 2 and "no/such/dir" in missing.stderr
    bad_option = run_cli(["--format", "xml"], tmp_path)
    assert bad_option.returncode == 2 and "xml" in bad_option.stderr
    bad_regex = run_cli([".", "--exclude", "("], tmp_path)
    assert bad_regex.returncode == 2 and "regular expression" in bad_regex.stderr
    bad_timeout = run_cli([".", "--timeout", "-1"], tmp_path)
    assert bad_timeout.returncode == 2


def test_cli_bad_input_files_name_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "broken.ipynb", '{\n "cells": [\n  {"cell_type": "markdown",\n   "source": [oops]\n')
    result = run_cli(["broken.ipynb"], tmp_path)
    assert result.returncode == 2
    assert "broken.ipynb:4" in result.stderr
    write(tmp_path, "mkdocs.yml", "site_name: x\nnav: [\n")
    result = run_cli(["broken.ipynb"], tmp_path)
    assert result.returncode == 2 and "mkdocs.yml:" in result.stderr


def test_config_section_in_mkdocs_yml(server: LinkTestServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    write(tmp_path, "mkdocs.yml", """
        site_name: t
        extra:
          linkcheck:
            exclude: ['/gone$']
            include-loopback: true
            timeout: 2
        """)
    write(tmp_path, "docs/p.md", f"<{server.url(0, '/gone')}> <{server.url(0, '/ok')}>\n")
    code = cli.main(["--root", str(tmp_path), str(tmp_path / "docs"), "--format", "json", "--no-progress"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["summary"] == {"total": 2, "ok": 1, "redirected": 0, "broken": 0, "blocked": 0, "error": 0, "skipped": 1}
    write(tmp_path, "mkdocs.yml", "site_name: t\nextra:\n  linkcheck:\n    timeuot: 2\n")
    assert cli.main(["--root", str(tmp_path), str(tmp_path / "docs")]) == 2
    assert "timeuot" in capsys.readouterr().err


def test_github_annotations_and_markdown_report(server: LinkTestServer, tmp_path: Path) -> None:
    write(tmp_path, "docs/p.md", f"# P\n\nA [moved]({server.url(0, '/r301')}).\n\n[gone]({server.url(0, '/nowhere')})\n")
    result = run_cli(["docs", "--include-loopback", "--format", "markdown", "--output", "build/report.md"],
                     tmp_path, env={"GITHUB_ACTIONS": "true", "CI": "true"})
    assert result.returncode == 1
    assert f"::error file=docs/p.md,line=5,title=Broken link::{server.url(0, '/nowhere')}" in result.stdout
    assert "::warning file=docs/p.md,line=3" in result.stdout
    report = (tmp_path / "build" / "report.md").read_text()
    assert report.startswith("# Link check report")
    assert "| broken | 1 |" in report and "`docs/p.md:5`" in report
    assert server.url(0, "/ok") in report  # the new address of the moved link


def test_text_report_groups_by_outcome(server: LinkTestServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    write(tmp_path, "p.md", f"<{server.url(0, '/nowhere')}> <{server.url(0, '/botwall')}> <{server.url(0, '/ok')}>\n")
    code = cli.main(["--root", str(tmp_path), str(tmp_path / "p.md"), "--include-loopback", "--no-progress"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.index("Broken (1)") < out.index("Blocked")
    assert "at p.md:1" in out
    assert "3 links in 1 files" in out


def test_progress_bar_only_on_an_interactive_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from linkcheck.report import ProgressBar

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    tty = Tty()
    bar = ProgressBar(stream=tty)
    bar(5, 10)
    bar(10, 10)
    bar.finish()
    assert "10/10" in tty.getvalue() and "\r" in tty.getvalue()
    piped = io.StringIO()
    ProgressBar(stream=piped)(10, 10)
    assert piped.getvalue() == ""
    monkeypatch.setenv("CI", "true")
    under_ci = Tty()
    ProgressBar(stream=under_ci)(10, 10)
    assert under_ci.getvalue() == ""


def test_fix_rewrites_permanent_redirects(server: LinkTestServer, tmp_path: Path) -> None:
    moved = server.url(0, "/r301")
    longer = server.url(0, "/r301x")
    page = write(tmp_path, "p.md", f"See [moved]({moved}#top-heading) and {moved}. Not {longer}.\n\n[ref]: {moved}\n")
    nb = write(tmp_path, "n.ipynb", json.dumps({
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": [f"[m]({moved})\n"]}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1))
    result = run_cli([".", "--include-loopback", "--fix"], tmp_path)
    assert "rewrote 4 link(s) in 2 file(s)" in result.stderr, result.stderr
    new = server.url(0, "/ok")
    text = page.read_text()
    assert f"[moved]({new}#top-heading)" in text and f"and {new}." in text and f"[ref]: {new}" in text
    assert longer in text  # a longer URL that merely starts the same is untouched
    assert json.loads(nb.read_text())["cells"][0]["source"] == [f"[m]({new})\n"]


# ---------------------------------------------------------------------------
# the guide itself
# ---------------------------------------------------------------------------
def test_the_guide_has_no_broken_internal_links() -> None:
    targets = [p for p in ("docs", "notebooks") if (REPO / p).exists()]
    if not targets:
        pytest.skip("the guide has no docs/ or notebooks/ yet")
    result = run_cli([*targets, "--no-external", "--format", "json"], REPO)
    data = json.loads(result.stdout)
    broken = [f"{r['url']} ({r['message']}) at {r['sources']}" for r in data["results"] if r["status"] == "broken"]
    assert result.returncode == 0, "\n".join(broken) or result.stderr
    assert data["summary"]["total"] > 0


# ---------------------------------------------------------------------------
# real MkDocs sites: bad input, MkDocs' own link rules, anchors it generates
# ---------------------------------------------------------------------------
FIXTURE_SITE = REPO / "tests" / "fixtures" / "linkcheck_site"


def _built_page_url(rel: str) -> str:
    stem = rel[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def _ground_truth(site: Path, docs: Path) -> dict[tuple[str, str], bool]:
    """Whether each labelled link (``[L07](...)``) works in the built site:
    its href, as MkDocs rewrote it, resolved from the page's URL to a file, and
    its fragment to an id or ``<a name>`` in that file. Written independently
    of the checker (regular expressions, no linkcheck code)."""

    import html
    import re as _re
    from urllib.parse import unquote, urljoin, urlsplit

    truth: dict[tuple[str, str], bool] = {}
    ids: dict[Path, set[str]] = {}
    for page in sorted(docs.rglob("*.md")):
        url = _built_page_url(page.relative_to(docs).as_posix())
        built = (site / url / "index.html").read_text(encoding="utf-8")
        for href, label in _re.findall(r'<a\b[^>]*?href="([^"]*)"[^>]*>(L\d{2,3})</a>', built):
            parts = urlsplit(urljoin("http://site.test/" + url, html.unescape(href)))
            target = site / unquote(parts.path).lstrip("/")
            if target.is_dir():
                target = target / "index.html"
            works = target.is_file()
            if works and parts.fragment:
                if target not in ids:
                    found = _re.findall(r'\b(?:id|name)="([^"]*)"', target.read_text(encoding="utf-8"))
                    ids[target] = {html.unescape(i) for i in found}
                works = unquote(parts.fragment) in ids[target]
            truth[(page.relative_to(docs.parent).as_posix(), label)] = works
    return truth


def _verdicts_by_label(root: Path, report: Report) -> dict[tuple[str, str], Result]:
    import re as _re

    lines: dict[str, list[str]] = {}
    found: dict[tuple[str, str], Result] = {}
    for result in report.results:
        for place in result.sources:
            if place.path not in lines:
                lines[place.path] = (root / place.path).read_text(encoding="utf-8").split("\n")
            for label in _re.findall(r"L\d{2,3}", lines[place.path][place.line - 1]):
                found[(place.path, label)] = result
    return found


def _build(root: Path, site: Path) -> None:
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)],
                           cwd=root, capture_output=True, text=True, timeout=300,
                           env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert build.returncode == 0, build.stderr


def test_random_site_matches_its_build(tmp_path: Path) -> None:
    """A generated site (random headings, ids, tabs, and about 170 links to
    random pages and fragments, most of them missing): the checker's verdict
    on every link equals the built site's."""

    from random_site import write_random_site

    root, site = tmp_path / "src", tmp_path / "built"
    count = write_random_site(root, seed=2)
    _build(root, site)
    truth = _ground_truth(site, root / "docs")
    report = LinkChecker(root, fast_settings(check_external=False), load_mkdocs(root)).run([root / "docs"])
    ours = _verdicts_by_label(root, report)
    assert len(truth) == count and set(truth) <= set(ours)
    assert 0.3 < sum(not ok for ok in truth.values()) / count < 0.8  # both outcomes well represented
    wrong = {key: (works, ours[key].url, ours[key].message) for key, works in truth.items()
             if (ours[key].status is Status.OK) != works}
    assert not wrong


def test_every_link_matches_the_built_site(tmp_path: Path) -> None:
    """Build the fixture site with the pinned MkDocs and compare the checker's
    verdict on every labelled link with the built HTML (the ground truth).
    Covers attr_list ids in both forms, fenced-code ids, tab slugs with
    combine_header_slug, md_in_html, raw HTML anchors, footnotes, pymdownx
    slugs, ``page.md/#a``, queries, directory URLs, absolute ``/x.md`` and raw
    HTML links (which MkDocs does not rewrite)."""

    root = tmp_path / "site_src"
    import shutil

    shutil.copytree(FIXTURE_SITE, root, symlinks=True)  # docs/changelog.md is a symlink, as on real sites
    site = tmp_path / "built"
    _build(root, site)
    truth = _ground_truth(site, root / "docs")
    report = LinkChecker(root, fast_settings(check_external=False), load_mkdocs(root)).run([root / "docs"])
    ours = _verdicts_by_label(root, report)
    assert not report.input_errors
    import re as _re

    written = {(page.relative_to(root).as_posix(), label) for page in (root / "docs").rglob("*.md")
               for label in _re.findall(r"L\d\d", page.read_text(encoding="utf-8"))}
    assert set(truth) == written and len(written) >= 40  # every labelled link is in the built HTML
    # Markdown link syntax the built page does not turn into a link (inside raw
    # HTML, which Python-Markdown leaves alone): the checker must not report it
    built_text = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    assert "[N01](not-a-link.md)" in built_text
    assert not [r.url for r in report.results if "not-a-link" in r.url]
    assert 0 < sum(not ok for ok in truth.values()) < len(truth)
    wrong = {key: (works, ours[key].url, ours[key].status.value, ours[key].message)
             for key, works in truth.items() if key in ours and (ours[key].status is Status.OK) != works}
    assert not wrong
    assert set(truth) <= set(ours), sorted(set(truth) - set(ours))
    # the built site as a second opinion must not turn a broken link into a good one
    with_site = LinkChecker(root, fast_settings(check_external=False, site_dir=str(site)), load_mkdocs(root)).run([root / "docs"])
    again = _verdicts_by_label(root, with_site)
    assert {key: again[key].status for key in truth} == {key: ours[key].status for key in truth}


def test_theme_overrides_and_template_placeholders_are_not_links(tmp_path: Path) -> None:
    root = tmp_path / "site_src"
    import shutil

    shutil.copytree(FIXTURE_SITE, root, symlinks=True)  # docs/changelog.md is a symlink, as on real sites
    write(root, "docs/sponsors.md", """
        # Sponsors

        <a href="{{ sponsor.url }}">sponsor</a> and [release](https://example.org/{{ version }}/notes)
        {% for s in sponsors %}[x]({{s.url}}){% endfor %}
        """)
    results = by_url(run_checker(root, [root], check_external=False))
    assert not any("not-a-page.md" in url or "config.extra" in url for url in results)  # overrides/ is not read
    for url in ("{{ sponsor.url }}", "{{s.url}}"):
        assert results[url].status is Status.SKIPPED and "template" in results[url].message


@pytest.mark.parametrize("case", ["symlink_loop", "inherit_self", "inherit_cycle", "inherit_missing", "yaml_error",
                                  "docs_dir_missing", "not_utf8", "bad_notebook", "huge_file", "docs_dir_not_text",
                                  "slugify_rejects_options", "output_is_a_folder"])
def test_bad_input_exits_2_naming_the_file(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Every kind of bad input: exit 2, a message naming the file, no traceback."""

    write(tmp_path, "mkdocs.yml", "site_name: t\n")
    write(tmp_path, "docs/index.md", "# Home\n\n[a](a.md)\n")
    expect = "docs/index.md"
    if case == "symlink_loop":
        (tmp_path / "docs" / "a.md").symlink_to("b.md")
        (tmp_path / "docs" / "b.md").symlink_to("a.md")
        expect = "docs/a.md"
    elif case == "inherit_self":
        write(tmp_path, "mkdocs.yml", "INHERIT: mkdocs.yml\nsite_name: t\n")
        expect = "INHERIT loop: mkdocs.yml -> mkdocs.yml"
    elif case == "inherit_cycle":
        write(tmp_path, "mkdocs.yml", "INHERIT: base/one.yml\nsite_name: t\n")
        write(tmp_path, "base/one.yml", "INHERIT: ../mkdocs.yml\n")
        expect = "INHERIT loop: mkdocs.yml -> base/one.yml -> mkdocs.yml"
    elif case == "inherit_missing":
        write(tmp_path, "mkdocs.yml", "INHERIT: nowhere.yml\nsite_name: t\n")
        expect = "nowhere.yml"
    elif case == "yaml_error":
        write(tmp_path, "mkdocs.yml", "site_name: t\nnav:\n  - [unclosed\n")
        expect = "mkdocs.yml:"
    elif case == "docs_dir_missing":
        write(tmp_path, "mkdocs.yml", "site_name: t\ndocs_dir: documentation\n")
        expect = "mkdocs.yml: docs_dir 'documentation' is not a folder"
    elif case == "docs_dir_not_text":
        write(tmp_path, "mkdocs.yml", "site_name: t\ndocs_dir: [a, b]\n")
        expect = "mkdocs.yml: docs_dir must be a folder name"
    elif case == "not_utf8":
        (tmp_path / "docs" / "index.md").write_bytes(b"# Home\n\ncaf\xe9\n")
        expect = "docs/index.md:3: not UTF-8"
    elif case == "bad_notebook":
        write(tmp_path, "docs/n.ipynb", '{"cells": [}\n')
        expect = "docs/n.ipynb:1"
    elif case == "huge_file":
        from linkcheck import sources

        monkeypatch.setattr(sources, "MAX_SOURCE_BYTES", 10)
        expect = "docs/index.md: too large to check"
    elif case == "slugify_rejects_options":
        write(tmp_path, "mkdocs.yml", """
            site_name: t
            markdown_extensions:
              - toc:
                  slugify: !!python/object/apply:pymdownx.slugs.slugify [1, 2]
            """)
        expect = "mkdocs.yml: toc slugify option"
    elif case == "output_is_a_folder":
        (tmp_path / "report").mkdir()
        expect = "--output: cannot write report"
    monkeypatch.chdir(tmp_path)
    extra = ["--output", "report"] if case == "output_is_a_folder" else []
    code = cli.main(["docs", "--no-external", "--no-progress", *extra])
    err = capsys.readouterr().err
    assert code == 2, err
    assert expect in err
    assert "Traceback" not in err


def test_odd_notebook_metadata_is_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path, "mkdocs.yml", "site_name: t\n")
    cells = [{"cell_type": "markdown", "source": ["# H\n", "[gone](nowhere.md)\n"]}]
    write(tmp_path, "docs/a.ipynb", json.dumps({"cells": cells, "metadata": ["not", "a", "mapping"]}))
    write(tmp_path, "docs/b.ipynb", json.dumps({"cells": cells, "metadata": {"kernelspec": "python"}}))
    report = run_checker(tmp_path, [tmp_path / "docs"], check_external=False)
    assert not report.input_errors
    assert by_url(report)["nowhere.md"].status is Status.BROKEN and len(by_url(report)["nowhere.md"].sources) == 2


def test_unusable_link_targets_are_broken_not_crashes(tmp_path: Path) -> None:
    write(tmp_path, "mkdocs.yml", "site_name: t\n")
    too_long = "a/" * 3000 + "x.md"
    write(tmp_path, "docs/index.md", f"# H\n\n[long]({too_long}) [pct](%zz.md) [ipv6](http://[::1) [nul](a%00b.md)\n")
    results = by_url(run_checker(tmp_path, [tmp_path / "docs"], check_external=False))
    assert results[too_long].status is Status.BROKEN
    assert results["%zz.md"].status is Status.BROKEN and results["a%00b.md"].status is Status.BROKEN
    assert results["http://[::1"].status is Status.BROKEN and "invalid URL" in results["http://[::1"].message


def test_env_and_relative_tags_in_mkdocs_yml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``!ENV`` and ``!relative`` are read, not executed or rejected: snippets
    resolve from the config's folder (``!relative $config_dir``) and next to
    the page (``!relative``)."""

    monkeypatch.setenv("LC_TEST_DOCS", "pages")
    write(tmp_path, "mkdocs.yml", """
        site_name: !ENV [LC_TEST_SITE_NAME, t]
        docs_dir: !ENV [LC_TEST_DOCS, docs]
        markdown_extensions:
          - pymdownx.snippets:
              base_path:
                - !relative $config_dir
                - !relative
        """)
    write(tmp_path, "shared/top.txt", "top\n")
    write(tmp_path, "pages/sub/near.txt", "near\n")
    write(tmp_path, "pages/sub/p.md", '# P\n\n--8<-- "shared/top.txt"\n\n--8<-- "near.txt"\n\n--8<-- "gone.txt"\n')
    results = by_url(run_checker(tmp_path, [tmp_path / "pages"], check_external=False))
    assert results["shared/top.txt"].status is Status.OK
    assert results["near.txt"].status is Status.OK
    assert results["gone.txt"].status is Status.BROKEN


def test_a_bug_exits_3_not_1(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """An unexpected error inside the checker is not "broken links" (1) nor the
    user's mistake (2): exit 3, with the file it was reading."""

    from linkcheck import mdscan

    def explode(self: object, text: str) -> object:
        raise ValueError("simulated bug")

    write(tmp_path, "docs/index.md", "# Home\n")
    monkeypatch.setattr(mdscan.MarkdownScanner, "scan", explode)
    monkeypatch.chdir(tmp_path)
    code = cli.main(["docs", "--no-external", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 3
    assert "internal error while reading docs/index.md: ValueError: simulated bug" in err
    assert "Traceback" not in err


def test_github_links_to_this_repository_resolve_from_the_git_root(tmp_path: Path) -> None:
    """The site lives in a subfolder of the repository: a GitHub link names a
    path from the top of the repository, not from --root."""

    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/feature-x\n")
    site = tmp_path / "website"
    write(site, "mkdocs.yml", "site_name: t\nrepo_url: https://github.com/acme/tool\n")
    write(tmp_path, "tools/run.py", "print('hi')\n")
    write(site, "docs/index.md", """
        # Home

        [from the top](https://github.com/acme/tool/blob/main/tools/run.py)
        [on this branch](https://github.com/acme/tool/tree/feature-x/tools)
        [lines](https://github.com/acme/tool/blob/main/tools/run.py#L1)
        [missing](https://github.com/acme/tool/blob/main/website/tools/run.py)
        """)
    results = by_url(run_checker(site, [site / "docs"], check_external=False))
    assert results["https://github.com/acme/tool/blob/main/tools/run.py"].status is Status.OK
    assert results["https://github.com/acme/tool/tree/feature-x/tools"].status is Status.OK
    assert results["https://github.com/acme/tool/blob/main/tools/run.py#L1"].status is Status.OK
    assert results["https://github.com/acme/tool/blob/main/website/tools/run.py"].status is Status.BROKEN


def test_generated_anchors_from_a_built_site_or_ignored(tmp_path: Path) -> None:
    """mkdocstrings-style anchors exist only in the built HTML: --site-dir
    reads them there; --ignore-anchors leaves matching fragments unchecked."""

    write(tmp_path, "mkdocs.yml", "site_name: t\n")
    write(tmp_path, "docs/index.md", "# Home\n\n[func](api.md#mypkg.run) [typo](api.md#mypkg.rnu) [bad](api.md#nope)\n")
    write(tmp_path, "docs/api.md", "# API\n\n::: mypkg\n")
    plain = by_url(run_checker(tmp_path, [tmp_path / "docs"], check_external=False))
    assert plain["api.md#mypkg.run"].status is Status.BROKEN

    write(tmp_path, "built/api/index.html", '<h2 id="mypkg.run">run</h2><h2 id="api">API</h2>')
    built = by_url(run_checker(tmp_path, [tmp_path / "docs"], check_external=False, site_dir=str(tmp_path / "built")))
    assert built["api.md#mypkg.run"].status is Status.OK and "built site" in built["api.md#mypkg.run"].message
    assert built["api.md#mypkg.rnu"].status is Status.BROKEN

    ignored = by_url(run_checker(tmp_path, [tmp_path / "docs"], check_external=False, ignore_anchors=[r"^mypkg\."]))
    assert ignored["api.md#mypkg.rnu"].status is Status.OK and "ignore-anchors" in ignored["api.md#mypkg.rnu"].message
    assert ignored["api.md#nope"].status is Status.BROKEN

    cli_run = run_cli(["docs", "--no-external", "--site-dir", "built", "--ignore-anchors", "^nope$", "--format", "json"],
                      tmp_path)
    assert cli_run.returncode == 1  # the typo is still broken
    statuses = {r["url"]: r["status"] for r in json.loads(cli_run.stdout)["results"]}
    assert statuses == {"api.md#mypkg.run": "ok", "api.md#mypkg.rnu": "broken", "api.md#nope": "ok"}
    missing_dir = run_cli(["docs", "--site-dir", "no-such-site"], tmp_path)
    assert missing_dir.returncode == 2 and "no-such-site" in missing_dir.stderr


def test_numbered_tab_ids_without_a_tab_slugify(tmp_path: Path) -> None:
    write(tmp_path, "mkdocs.yml", "site_name: t\nmarkdown_extensions:\n  - pymdownx.tabbed:\n      alternate_style: true\n")
    write(tmp_path, "docs/p.md", """
        # P

        === "One"

            a

        === "Two"

            b

        Between.

        === "Three"

            c

        [t](#__tabbed_1_2) [u](#__tabbed_2_1) [v](#__tabbed_1_3)
        """)
    results = by_url(run_checker(tmp_path, [tmp_path / "docs"], check_external=False))
    assert results["#__tabbed_1_2"].status is Status.OK
    assert results["#__tabbed_2_1"].status is Status.OK
    assert results["#__tabbed_1_3"].status is Status.BROKEN


def test_each_distinct_link_is_resolved_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page that repeats a link thousands of times costs one resolution per
    distinct target (speed is measured in make bench-links, not here)."""

    from linkcheck.internal import InternalResolver

    calls: list[str] = []
    original = InternalResolver._resolve

    def counting(self: InternalResolver, link: object) -> object:
        calls.append(link.target)  # type: ignore[attr-defined]
        return original(self, link)  # type: ignore[arg-type]

    monkeypatch.setattr(InternalResolver, "_resolve", counting)
    write(tmp_path, "mkdocs.yml", "site_name: t\n")
    write(tmp_path, "docs/other.md", "# Other\n\n## Part\n")
    lines = [f"- [x{n}](other.md#part) [y{n}](other.md#gone) [z{n}](#top-heading)" for n in range(2000)]
    write(tmp_path, "docs/index.md", "# Top heading\n\n" + "\n".join(lines) + "\n")
    results = by_url(run_checker(tmp_path, [tmp_path / "docs"], check_external=False))
    assert sorted(calls) == ["#top-heading", "other.md#gone", "other.md#part"]
    assert len(results["other.md#gone"].sources) == 2000 and results["other.md#gone"].status is Status.BROKEN


def test_pages_that_only_exist_in_the_built_site(tmp_path: Path) -> None:
    """mkdocs-gen-files and similar plugins add pages with no source file: with
    --site-dir, links to them (and their anchors) are checked in the built site."""

    write(tmp_path, "mkdocs.yml", "site_name: t\n")
    write(tmp_path, "docs/index.md", """
        # Home

        [generated](reference/api.md#run) [url](reference/api/) [typo](reference/api.md#rnu) [nothing](reference/none.md)
        """)
    write(tmp_path, "built/reference/api/index.html", '<h2 id="run">run</h2>')
    without = by_url(run_checker(tmp_path, [tmp_path / "docs"], check_external=False))
    assert without["reference/api.md#run"].status is Status.BROKEN
    results = by_url(run_checker(tmp_path, [tmp_path / "docs"], check_external=False, site_dir=str(tmp_path / "built")))
    assert results["reference/api.md#run"].status is Status.OK
    assert results["reference/api/"].status is Status.OK
    assert results["reference/api.md#rnu"].status is Status.BROKEN
    assert results["reference/none.md"].status is Status.BROKEN


@pytest.mark.parametrize("slugify_yaml, slugify_python", [
    ("!!python/name:markdown.extensions.toc.slugify_unicode", "markdown.extensions.toc:slugify_unicode"),
    ("!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}", "pymdownx.slugs:slugify(case='lower')"),
    ("!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: fold, percent_encode: true}}",
     "pymdownx.slugs:slugify(case='fold', percent_encode=True)"),
    ("!!python/object/apply:pymdownx.slugs.slugify {kwds: {}}", "pymdownx.slugs:slugify()"),
])
def test_configured_slugify_matches_python_markdown(slugify_yaml: str, slugify_python: str, tmp_path: Path) -> None:
    """Heading, attribute-list, fenced-code and tab ids, for several toc and
    tabbed slugify options, equal the ids Python-Markdown really renders."""

    import importlib
    import re as _re
    from urllib.parse import unquote

    markdown = pytest.importorskip("markdown")
    module, _, call = slugify_python.partition(":")
    name, _, args = call.partition("(")
    function = getattr(importlib.import_module(module), name)
    slugify = eval(f"function({args}", {"function": function}) if args else function  # noqa: S307 - test table
    source = textwrap.dedent("""
        # Zürich Straße & Ärger

        ## Setup { id="explicit-one" }

        ## Setup

        ## Setup

        ## The `ctx.db` API { #api .wide }

        ```py { .py #code-sample }
        x = 1
        ```

        ## Install

        === "pip install"

            a

        === "Ünïcode tab"

            b
        """).lstrip()
    write(tmp_path, "mkdocs.yml", f"""
        site_name: t
        markdown_extensions:
          - attr_list
          - pymdownx.superfences
          - pymdownx.tabbed:
              alternate_style: true
              combine_header_slug: true
              slugify: {slugify_yaml}
          - toc:
              slugify: {slugify_yaml}
        """)
    page = write(tmp_path, "docs/p.md", source)
    checker = LinkChecker(tmp_path, fast_settings(), load_mkdocs(tmp_path))
    ours = checker.sources.anchors_for(page)
    rendered = markdown.markdown(source, extensions=["attr_list", "pymdownx.superfences", "pymdownx.tabbed", "toc"],
                                 extension_configs={"toc": {"slugify": slugify},
                                                    "pymdownx.tabbed": {"alternate_style": True, "slugify": slugify,
                                                                        "combine_header_slug": True}})
    theirs = {unquote(i) for i in _re.findall(r'\bid="([^"]+)"', rendered)}
    assert ours == theirs


def test_raw_html_blocks_are_held_to_their_closing_tag() -> None:
    """Python-Markdown's rule: a block-level element stays raw up to its own
    closing tag (nesting counted), blank lines included; an element closed on
    its own line or never closed does not hold anything."""

    from linkcheck.mdscan import hold_raw_html_blocks

    lines = ["<div>", "", "<div>x</div>", "", "</div>", "", "<div markdown>", "", "</div>", "<section>never closed", "",
             "```", "<div>", "", "```", ""]
    held = hold_raw_html_blocks(lines, md_in_html=True)
    assert [n for n, (a, b) in enumerate(zip(lines, held)) if a != b] == [1, 3]
    assert hold_raw_html_blocks(lines, md_in_html=False)[7] != ""  # without md_in_html the attribute means nothing


def test_without_attr_list_braces_are_heading_text(tmp_path: Path) -> None:
    """A site without attr_list renders ``{#id}`` as text: it is part of the
    heading's slug and sets no id (compared with Python-Markdown itself)."""

    import re as _re

    markdown = pytest.importorskip("markdown")
    source = "# Page\n\n## Setup {#install}\n\nA paragraph.\n{: #para }\n"
    write(tmp_path, "mkdocs.yml", "site_name: t\nmarkdown_extensions:\n  - toc\n")
    page = write(tmp_path, "docs/p.md", source)
    ours = LinkChecker(tmp_path, fast_settings(), load_mkdocs(tmp_path)).sources.anchors_for(page)
    theirs = set(_re.findall(r'id="([^"]+)"', markdown.markdown(source, extensions=["toc"])))
    assert ours == theirs == {"page", "setup-install"}


def test_old_urls_kept_by_mkdocs_redirects(tmp_path: Path) -> None:
    write(tmp_path, "mkdocs.yml", """
        site_name: t
        plugins:
          - redirects:
              redirect_maps:
                old/place.md: guide.md
                gone.md: https://elsewhere.example.org/
        """)
    write(tmp_path, "docs/guide.md", "# Guide\n\n## Part\n")
    write(tmp_path, "docs/index.md", "# Home\n\n[old url](old/place/#part) [old bad](old/place/#nope) [old file](old/place.md)\n")
    results = by_url(run_checker(tmp_path, [tmp_path / "docs"], check_external=False))
    assert results["old/place/#part"].status is Status.OK
    assert results["old/place/#nope"].status is Status.BROKEN
    assert results["old/place.md"].status is Status.BROKEN  # MkDocs does not rewrite it: /old/place.md is a 404
