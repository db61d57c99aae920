#!/usr/bin/env python3
"""Benchmark: our link checker against lychee, linkchecker and markdown-link-check.

It generates a corpus -- a few hundred Markdown pages with about 2,000
distinct URLs spread over five loopback hosts, heavily duplicated and written
in every syntax (inline, reference, autolink, bare, HTML, plus URLs in code
that are *not* links) -- and serves those URLs from a local server that
injects latency and misbehaves on purpose: 404/410, flaky 503s, 429 with
Retry-After, a host that rate-limits everyone, servers that refuse HEAD,
redirects (permanent, temporary, chains, loops, to a 404), slow and hanging
answers, bot walls, big bodies, anchors present and absent, a refused port.

Every URL has a known truth. A tool's answer is *wrong* when it fails a link
that is fine (or that is only unverifiable: bot wall, timeout, refused -- the
issue says those are not breakage), or passes a link that is broken.

For each tool it prints: wall time (median of --runs), requests the server
received, peak concurrent connections to one host, and wrong outcomes.

    .venv/bin/python scripts/bench_links.py            # installs peers once; about 6 min
    .venv/bin/python scripts/bench_links.py --runs 1 --tools ours,lychee
"""

from __future__ import annotations

import argparse
import csv
import email.utils
import hashlib
import io
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench" / "links"
PEER_BIN = BENCH / ".venv" / "bin"
MLC = BENCH / "node_modules" / ".bin" / "markdown-link-check"

HOSTS = [f"127.0.0.{i}" for i in range(21, 26)]
RATE_LIMITED_HOST = 4  # index into HOSTS: answers 429 when a client goes too fast
BASE_LATENCY = [0.030, 0.050, 0.070, 0.040, 0.030]  # seconds, plus up to 40 ms jitter

# kind -> (how many distinct URLs, truth). Truth is one of: ok, redirected,
# broken, blocked, error (could not verify: not breakage), notalink.
KINDS: dict[str, tuple[int, str]] = {
    "ok": (950, "ok"),
    "head405": (90, "ok"),
    "head403": (50, "ok"),
    "missing": (110, "broken"),
    "gone": (30, "broken"),
    "r301": (80, "redirected"),
    "r308": (20, "redirected"),
    "r302": (60, "ok"),
    "chain": (20, "redirected"),
    "r404": (30, "broken"),
    "loop": (15, "broken"),
    "flaky": (60, "ok"),
    "once429": (12, "ok"),
    "once429d": (8, "ok"),
    "slow": (15, "ok"),
    "hang": (5, "error"),
    "anchor": (110, "ok"),
    "noanchor": (40, "broken"),
    "textfrag": (10, "ok"),
    "wall": (30, "blocked"),
    "wallb": (10, "blocked"),
    "big": (10, "ok"),
    "refused": (10, "error"),
    "code": (40, "notalink"),
}
FAILING_TRUTH = {"broken"}
BIG_SIZE = 5 * 1024 * 1024
CHALLENGE = b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><div id='challenge-platform'></div></body></html>"


# ---------------------------------------------------------------------------
# corpus
# ---------------------------------------------------------------------------
@dataclass
class Spec:
    url: str  # as written in the pages
    kind: str
    truth: str
    host: int


def _doc_page(ident: str) -> bytes:
    sections = "".join(f"<h2 id='sec-{i}'>Section {i}</h2><p>{'Lorem ipsum dolor sit amet. ' * 60}</p>" for i in range(1, 9))
    return f"<!doctype html><html><head><title>Doc {ident}</title></head><body><h1 id='top'>Doc</h1>{sections}</body></html>".encode()


def build_specs(ports: dict[str, int], refused_port: int, seed: int) -> list[Spec]:
    rng = random.Random(seed)
    specs: list[Spec] = []
    for kind, (count, truth) in KINDS.items():
        for i in range(count):
            host = (i + rng.randrange(2)) % len(HOSTS)  # each kind spread evenly over the hosts
            base = f"http://{HOSTS[host]}:{ports[HOSTS[host]]}"
            if kind == "refused":
                url = f"http://127.0.0.1:{refused_port}/x/{i}"
            elif kind == "anchor":
                url = f"{base}/doc/{i % 40}#sec-{1 + i % 8}"
            elif kind == "noanchor":
                url = f"{base}/doc/{i % 40}#absent-{i}"
            elif kind == "textfrag":
                url = f"{base}/doc/{i}#:~:text=Lorem%20ipsum"
            else:
                url = f"{base}/{kind}/{i}"
            specs.append(Spec(url, kind, truth, host))
    unique: dict[str, Spec] = {}
    for spec in specs:
        unique.setdefault(spec.url, spec)
    return list(unique.values())


def write_corpus(root: Path, specs: list[Spec], pages: int, seed: int) -> int:
    """Pages with every URL at least once and popular URLs many times (Zipf)."""

    rng = random.Random(seed)
    docs = root / "docs"
    docs.mkdir(parents=True)
    links = [s for s in specs if s.kind != "code"]
    code = [s for s in specs if s.kind == "code"]
    bodies: list[list[str]] = [[] for _ in range(pages)]
    refs: list[list[str]] = [[] for _ in range(pages)]
    weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(links))]
    order = links[:]
    rng.shuffle(order)

    def emit(page: int, spec: Spec) -> None:
        style = rng.randrange(5)
        n = len(bodies[page])
        if style == 0:
            bodies[page].append(f"See [link {n}]({spec.url}) for details.")
        elif style == 1:
            bodies[page].append(f"Autolink <{spec.url}> here.")
        elif style == 2:
            bodies[page].append(f"Bare {spec.url} in a sentence.")
        elif style == 3:
            label = f"r{n}"
            bodies[page].append(f"Reference [link {n}][{label}].")
            refs[page].append(f"[{label}]: {spec.url}")
        else:
            bodies[page].append(f'<a href="{spec.url}">html link {n}</a>')

    for i, spec in enumerate(order):  # every URL at least once
        emit(i % pages, spec)
    total = len(order)
    for page in range(pages):  # popular URLs again and again
        for spec in rng.choices(order, weights=weights, k=30):
            emit(page, spec)
            total += 1
    for i, spec in enumerate(code):  # URLs in code: not links
        page = i % pages
        if i % 2:
            bodies[page].append(f"Run `curl {spec.url}` yourself.")
        else:
            bodies[page].append(f"```bash\ncurl -s {spec.url}\n```")
    for page in range(pages):
        text = f"# Page {page}\n\n" + "\n\n".join(bodies[page]) + "\n\n" + "\n".join(refs[page]) + "\n"
        (docs / f"page-{page:03d}.md").write_text(text, encoding="utf-8")
    return total


# ---------------------------------------------------------------------------
# the server
# ---------------------------------------------------------------------------
class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with getattr(self, "lock", threading.Lock()):
            self.requests = 0
            self.by_url: Counter[tuple[str, str]] = Counter()  # (host, path) -> count (state for flaky)
            self.open: Counter[str] = Counter()
            self.peak_open: Counter[str] = Counter()
            self.inflight: Counter[str] = Counter()
            self.peak_inflight: Counter[str] = Counter()
            self.bytes = 0
            self.tokens = 10.0
            self.tokens_at = time.monotonic()


STATS = Stats()
RATE = 40.0  # requests per second the rate-limited host tolerates
BURST = 10.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # clients hanging up are normal here
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        host = self.server.server_address[0]
        with STATS.lock:
            STATS.open[host] += 1
            STATS.peak_open[host] = max(STATS.peak_open[host], STATS.open[host])

    uncounted = False

    def finish(self) -> None:
        if not self.uncounted:
            with STATS.lock:
                STATS.open[self.server.server_address[0]] -= 1
        try:
            super().finish()
        except OSError:
            pass

    def do_GET(self) -> None:
        self.handle_any()

    def do_HEAD(self) -> None:
        self.handle_any()

    def send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, ctype: str = "text/html") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)
            with STATS.lock:
                STATS.bytes += len(body)

    def handle_any(self) -> None:
        host = self.server.server_address[0]
        path = urlsplit(self.path).path
        with STATS.lock:
            STATS.requests += 1
            STATS.by_url[(host, path)] += 1
            count = STATS.by_url[(host, path)]
            STATS.inflight[host] += 1
            STATS.peak_inflight[host] = max(STATS.peak_inflight[host], STATS.inflight[host])
            limited = False
            if host == HOSTS[RATE_LIMITED_HOST]:
                now = time.monotonic()
                STATS.tokens = min(BURST, STATS.tokens + (now - STATS.tokens_at) * RATE)
                STATS.tokens_at = now
                if STATS.tokens >= 1:
                    STATS.tokens -= 1
                else:
                    limited = True
        try:
            jitter = int(hashlib.md5(path.encode()).hexdigest()[:4], 16) % 40 / 1000
            time.sleep(BASE_LATENCY[HOSTS.index(host)] + jitter)
            if limited:
                self.send(429, b"rate limited", {"Retry-After": "1"})
                return
            self.route(path, count)
        except OSError:
            self.close_connection = True
        finally:
            if not self.uncounted:
                with STATS.lock:
                    STATS.inflight[host] -= 1

    def route(self, path: str, count: int) -> None:
        parts = path.strip("/").split("/")
        kind, ident = (parts + ["", ""])[:2]
        ok_page = f"<html><body><h1 id='top'>{kind} {ident}</h1></body></html>".encode()
        head = self.command == "HEAD"
        if kind in ("ok", "target"):
            self.send(200, ok_page)
        elif kind == "head405":
            self.send(405, b"", {"Allow": "GET"}) if head else self.send(200, ok_page)
        elif kind == "head403":
            self.send(403, b"") if head else self.send(200, ok_page)
        elif kind in ("missing", "code"):
            self.send(404, b"<h1>Not found</h1>")
        elif kind == "gone":
            self.send(410, b"gone")
        elif kind in ("r301", "r308", "r302"):
            self.send(int(kind[1:]), b"", {"Location": f"/target/{kind}-{ident}"})
        elif kind == "chain":
            self.send(301, b"", {"Location": f"/chainb/{ident}"})
        elif kind == "chainb":
            self.send(302, b"", {"Location": f"/target/chain-{ident}"})
        elif kind == "r404":
            self.send(301, b"", {"Location": f"/missing/r404-{ident}"})
        elif kind == "loop":
            self.send(302, b"", {"Location": f"/loopb/{ident}"})
        elif kind == "loopb":
            self.send(302, b"", {"Location": f"/loop/{ident}"})
        elif kind == "flaky":
            self.send(503, b"busy") if count == 1 else self.send(200, ok_page)
        elif kind == "once429":
            self.send(429, b"slow down", {"Retry-After": "1"}) if count == 1 else self.send(200, ok_page)
        elif kind == "once429d":
            if count == 1:
                self.send(429, b"slow down", {"Retry-After": email.utils.formatdate(time.time() + 1, usegmt=True)})
            else:
                self.send(200, ok_page)
        elif kind == "slow":
            time.sleep(1.5)
            self.send(200, ok_page)
        elif kind == "hang":
            # Every client gives up long before this answers; stop counting
            # the request as in flight (the server cannot see the client leave).
            host = self.server.server_address[0]
            with STATS.lock:
                STATS.inflight[host] -= 1
                STATS.open[host] -= 1
            self.uncounted = True
            time.sleep(12)
            self.send(200, ok_page)
        elif kind == "doc":
            self.send(200, _doc_page(ident))
        elif kind == "wall":
            self.send(403, CHALLENGE, {"cf-mitigated": "challenge", "Server": "cloudflare"})
        elif kind == "wallb":
            self.send(503, CHALLENGE, {"Server": "cloudflare"})
        elif kind == "big":
            if head:
                self.send(405, b"")
                return
            # a small send buffer: bytes counted are bytes the client accepted
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(BIG_SIZE))
            self.end_headers()
            chunk = b"0" * 65536
            for _ in range(BIG_SIZE // len(chunk)):
                self.wfile.write(chunk)
                with STATS.lock:
                    STATS.bytes += len(chunk)
        else:
            self.send(404, b"no such route")


def start_servers() -> tuple[list[_Server], dict[str, int]]:
    servers, ports = [], {}
    for address in HOSTS:
        server = _Server((address, 0), Handler)
        ports[address] = server.server_address[1]
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        servers.append(server)
    return servers, ports


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------------------
# the tools
# ---------------------------------------------------------------------------
@dataclass
class ToolRun:
    wall: float
    failing: set[str]  # URLs (as written) the tool reports as failures
    checked: set[str] | None  # URLs it reported on at all; None: all of them (it finished)
    requests: int
    peak_open: int
    peak_inflight: int
    bytes: int
    note: str = ""
    redirected: set[str] = field(default_factory=set)


def _norm(url: str) -> str:
    return url.strip().rstrip("/")


def run_ours(corpus: Path, out: Path, timeout: float) -> tuple[list[str], Path]:
    cmd = [str(REPO / ".venv" / "bin" / "python"), str(REPO / "scripts" / "check_links.py"), str(corpus / "docs"),
           "--root", str(corpus), "--include-loopback", "--format", "json", "--output", str(out / "ours.json"),
           "--timeout", str(timeout), "--no-progress"]
    return cmd, out / "ours.json"


def parse_ours(path: Path) -> tuple[set[str], set[str]]:
    data = json.loads(path.read_text())
    failing = {_norm(r["url"]) for r in data["results"] if r["status"] == "broken"}
    moved = {_norm(r["url"]) for r in data["results"] if r["status"] == "redirected"}
    return failing, moved


def run_lychee(corpus: Path, out: Path, timeout: float, extra: list[str]) -> tuple[list[str], Path]:
    cmd = [str(PEER_BIN / "lychee"), "--no-progress", "--format", "json", "--output", str(out / "lychee.json"),
           "--timeout", str(int(timeout)), "--include-fragments", "--cache-exclude-status", "100..=599",
           *extra, "--", str(corpus / "docs")]
    return cmd, out / "lychee.json"


def parse_lychee(path: Path) -> tuple[set[str], set[str]]:
    data = json.loads(path.read_text())
    failing: set[str] = set()
    for key in ("error_map", "fail_map", "timeout_map"):  # all three fail a lychee run
        for entries in (data.get(key) or {}).values():
            for entry in entries:
                failing.add(_norm(entry.get("url", "")))
    moved: set[str] = set()
    for entries in (data.get("redirect_map") or {}).values():
        for entry in entries:
            moved.add(_norm(entry.get("url", "")))
    return failing, moved


def run_linkchecker(corpus: Path, out: Path, timeout: float) -> tuple[list[str], Path]:
    config = out / "linkcheckerrc"
    config.write_text(
        "[checking]\n"
        f"timeout={int(timeout)}\n"
        "threads=10\n"
        "[filtering]\n"
        "checkextern=1\n"
        "[output]\n"
        "status=0\n"
        "[MarkdownCheck]\n"
        "filename_re=.*\\.(markdown|md(own)?|mkdn?)$\n"
        "[AnchorCheck]\n",
        encoding="utf-8",
    )
    files = sorted(str(p) for p in (corpus / "docs").glob("*.md"))
    csv_path = out / "linkchecker.csv"
    cmd = [str(PEER_BIN / "linkchecker"), "-f", str(config), "--check-extern", "--no-status", "--timeout", str(int(timeout)),
           "--verbose", "-o", "none", "-F", f"csv/utf-8/{csv_path}", *files]
    return cmd, csv_path


def parse_linkchecker(path: Path) -> tuple[set[str], set[str], set[str]]:
    failing: set[str] = set()
    checked: set[str] = set()
    text = path.read_text(encoding="utf-8", errors="replace")
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(rows)), delimiter=";")
    for row in reader:
        url = _norm(row.get("urlname") or row.get("url") or "")
        checked.add(url)
        # a missing anchor is a warning on a valid row: still a reported failure
        if (row.get("valid") or "").strip() == "False" or "Anchor `" in (row.get("warningstring") or ""):
            failing.add(url)
    return failing, set(), checked


def run_mlc(corpus: Path, out: Path, timeout: float) -> tuple[list[str], Path]:
    config = out / "mlc.json"
    config.write_text(json.dumps({
        "timeout": f"{int(timeout)}s",
        "retryOn429": True,
        "retryCount": 2,
        "fallbackRetryDelay": "1s",
        "aliveStatusCodes": [200, 206],
    }), encoding="utf-8")
    files = sorted(str(p) for p in (corpus / "docs").glob("*.md"))
    return [str(MLC), "-c", str(config), *files], out / "mlc.txt"


def parse_mlc(text: str) -> tuple[set[str], set[str], set[str]]:
    failing = {_norm(m.group(1)) for m in re.finditer(r"\[✖\]\s+(\S+)", text)}
    checked = {_norm(m.group(1)) for m in re.finditer(r"\[[✓✖]\]\s+(\S+)", text)}
    return failing, set(), checked


def run_tool(name: str, corpus: Path, out: Path, timeout: float, tool_timeout: float) -> ToolRun:
    STATS.reset()
    if name == "ours":
        cmd, result = run_ours(corpus, out, timeout)
    elif name == "lychee":
        cmd, result = run_lychee(corpus, out, timeout, [])
    elif name == "lychee-fast":
        cmd, result = run_lychee(corpus, out, timeout, ["--host-request-interval", "0ms", "--host-concurrency", "8"])
    elif name == "linkchecker":
        cmd, result = run_linkchecker(corpus, out, timeout)
    elif name == "markdown-link-check":
        cmd, result = run_mlc(corpus, out, timeout)
    else:
        raise SystemExit(f"unknown tool {name}")
    result.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI")}
    started = time.monotonic()
    note = ""
    proc = subprocess.Popen(cmd, cwd=corpus, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = proc.communicate(timeout=tool_timeout)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGINT)  # let it write what it has
        try:
            output, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
        note = f"stopped after {tool_timeout:.0f}s: partial result"
    wall = time.monotonic() - started
    time.sleep(0.3)  # let the server finish in-flight requests before reading stats
    checked: set[str] | None = None
    if name == "markdown-link-check":
        failing, moved, seen = parse_mlc(output)
        checked = seen if note else None
    elif not result.exists():
        failing, moved = set(), set()
        checked = set()
        note = note or f"no report ({output.strip().splitlines()[-1][:80] if output.strip() else 'no output'})"
    elif name == "linkchecker":
        failing, moved, seen = parse_linkchecker(result)
        checked = seen if note else None
    else:
        failing, moved = (parse_ours if name == "ours" else parse_lychee)(result)
    with STATS.lock:
        return ToolRun(wall, failing, checked, STATS.requests, max(STATS.peak_open.values() or [0]),
                       max(STATS.peak_inflight.values() or [0]), STATS.bytes, note, moved)


def wrong_outcomes(specs: list[Spec], run: ToolRun) -> tuple[int, Counter[str], int]:
    """Wrong answers among the URLs the tool got to (all of them if it
    finished), and how many it never got to. URLs in code count as checked."""

    wrong = unchecked = 0
    why: Counter[str] = Counter()
    for spec in specs:
        if run.checked is not None and spec.kind != "code" and _norm(spec.url) not in run.checked:
            unchecked += 1
            continue
        reported = _norm(spec.url) in run.failing
        should = spec.truth in FAILING_TRUTH
        if reported != should:
            wrong += 1
            why[f"{spec.kind}:{'false alarm' if reported else 'missed'}"] += 1
    return wrong, why, unchecked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per tool; the median wall time is shown (default 3)")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="no further runs of a tool once its runs took this long in total (default 60 s): "
                             "slow tools get one run, so the benchmark stays within minutes")
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--tools", default="ours,lychee,linkchecker,markdown-link-check",
                        help="comma-separated, from: ours, lychee, lychee-fast (lychee without its 50 ms per-host "
                             "request interval), linkchecker, markdown-link-check")
    parser.add_argument("--timeout", type=float, default=3.0, help="per-request timeout given to every tool")
    parser.add_argument("--tool-timeout", type=float, default=90.0,
                        help="stop a tool run after this many seconds and score what it reported (default 90)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-install", action="store_true", help="do not run bench/links/ensure.sh")
    parser.add_argument("--keep", action="store_true", help="keep the corpus directory and print its path")
    parser.add_argument("--json", metavar="FILE", help="also write the numbers as JSON")
    args = parser.parse_args()

    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    if not args.skip_install and any(t != "ours" for t in tools):
        subprocess.run(["bash", str(BENCH / "ensure.sh")], check=True)

    servers, ports = start_servers()
    specs = build_specs(ports, closed_port(), args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="linkbench-"))
    os.chmod(workdir, 0o755)  # linkchecker drops root privileges to 'nobody'
    corpus = workdir / "corpus"
    out = workdir / "out"
    out.mkdir()
    os.chmod(out, 0o777)
    occurrences = write_corpus(corpus, specs, args.pages, args.seed)
    for p in [corpus, corpus / "docs", *(corpus / "docs").iterdir()]:
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    distinct = len({s.url for s in specs})
    print(f"corpus: {args.pages} pages, {occurrences} link occurrences, {distinct} distinct URLs "
          f"({sum(1 for s in specs if s.kind != 'code')} links + {KINDS['code'][0]} URLs in code), "
          f"{len(HOSTS)} hosts + 1 refused port; latency {int(min(BASE_LATENCY) * 1000)}-{int(max(BASE_LATENCY) * 1000) + 40} ms; "
          f"host {HOSTS[RATE_LIMITED_HOST]} allows {RATE:.0f} req/s; timeout {args.timeout:g}s; {args.runs} run(s) per tool")
    sys.stdout.flush()

    rows = []
    for tool in tools:
        runs: list[ToolRun] = []
        while len(runs) < args.runs and (not runs or sum(r.wall for r in runs) < args.budget):
            run = run_tool(tool, corpus, out, args.timeout, args.tool_timeout)
            runs.append(run)
            print(f"  {tool}: {run.wall:.1f}s, {run.requests} requests{' (' + run.note + ')' if run.note else ''}", flush=True)
        median_wall = statistics.median(r.wall for r in runs)
        last = runs[-1]
        wrong, why, unchecked = wrong_outcomes(specs, last)
        rows.append({
            "tool": tool,
            "runs": len(runs),
            "wall_s": round(median_wall, 1),
            "requests": last.requests,
            "peak_conn_per_host": last.peak_open,
            "peak_inflight_per_host": last.peak_inflight,
            "mb_downloaded": round(last.bytes / 1e6, 1),
            "wrong": wrong,
            "checked": len(specs) - unchecked,
            "wrong_detail": dict(why.most_common()),
            "moved_flagged": len(last.redirected),
            "note": last.note,
        })

    print()
    header = (f"{'tool':<21}{'runs':>5}{'wall s (median)':>16}{'requests':>10}{'peak conn/host':>16}"
              f"{'peak in-flight/host':>21}{'MB served':>11}{'URLs judged':>13}{'wrong':>7}")
    print(header)
    print("-" * len(header))
    for r in rows:
        mark = "*" if r["note"] else ""
        judged = f"{r['checked']}/{len(specs)}"
        print(f"{r['tool']:<21}{r['runs']:>5}{r['wall_s']:>15.1f}{mark:1}{r['requests']:>10}{r['peak_conn_per_host']:>16}"
              f"{r['peak_inflight_per_host']:>21}{r['mb_downloaded']:>11.1f}{judged:>13}{r['wrong']:>7}")
    if any(r["note"] for r in rows):
        print("* stopped at --tool-timeout; 'wrong' counts only the URLs it had reported on by then")
    print()
    for r in rows:
        detail = ", ".join(f"{k} {v}" for k, v in r["wrong_detail"].items()) or "none"
        extra = f"; permanent redirects flagged: {r['moved_flagged']}" if r["moved_flagged"] else ""
        print(f"{r['tool']}: wrong = {detail}{extra}{'; ' + r['note'] if r['note'] else ''}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2), encoding="utf-8")
    for server in servers:
        server.shutdown()
        server.server_close()
    if args.keep:
        print(f"corpus kept in {corpus}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
