"""A misbehaving web, on loopback, for the link checker's tests.

One threaded HTTP/1.1 server per address (127.0.0.2, 127.0.0.3, ... act as
separate hosts). Each path reproduces one situation a link checker meets in
the wild -- 404s, flaky 503s, 429 with Retry-After, servers that refuse HEAD,
redirect chains and loops, slow and very slow answers, a 20 MB body, anchors,
bot walls -- and every request is logged so tests can assert how many the
checker made, with which method, and how many bytes a response really sent.
"""

from __future__ import annotations

import email.utils
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

BIG_SIZE = 20 * 1024 * 1024

ANCHOR_PAGE = """<!doctype html><html><head><title>Anchors</title></head><body>
<h1 id="intro">Intro</h1>
<h2 id="Z&#252;rich">Zürich</h2>
<a name="legacy"></a>
<h2 id="with space">x</h2>
<div id="user-content-readme-heading"></div>
<p>End.</p>
</body></html>"""

CHALLENGE_PAGE = b"""<!DOCTYPE html><html><head><title>Just a moment...</title></head>
<body><div id="challenge-platform">Checking your browser before accessing the site.</div></body></html>"""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True


class LinkTestServer:
    """Start with :meth:`start`; ``url(host_index, path)`` builds links."""

    def __init__(self, hosts: int = 3) -> None:
        self.addresses = [f"127.0.0.{i + 2}" for i in range(hosts)]
        self.servers: list[_Server] = []
        self.threads: list[threading.Thread] = []
        self.lock = threading.Lock()
        self.log: list[tuple[str, str, str]] = []  # (host, method, path)
        self.timeline: list[tuple[float, str, str, str]] = []  # (time, host, method, path?query)
        self.bytes_sent: Counter[str] = Counter()
        self.state: Counter[tuple[str, str]] = Counter()  # (host, path) -> GET/HEAD count
        self.active: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.routes: dict[str, Callable[[BaseHTTPRequestHandler, str], None]] = {}
        self.ports: dict[str, int] = {}

    # -- lifecycle ---------------------------------------------------------------
    def start(self) -> "LinkTestServer":
        owner = self
        for address in self.addresses:
            class Handler(_Handler):
                server_owner = owner

            server = _Server((address, 0), Handler)
            self.ports[address] = server.server_address[1]
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            thread.start()
            self.servers.append(server)
            self.threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def url(self, host: int, path: str) -> str:
        address = self.addresses[host]
        return f"http://{address}:{self.ports[address]}{path}"

    def reset(self) -> None:
        with self.lock:
            self.log.clear()
            self.timeline.clear()
            self.bytes_sent.clear()
            self.state.clear()
            self.peak.clear()

    def requests_for(self, path: str, method: str | None = None) -> int:
        with self.lock:
            return sum(1 for _, m, p in self.log if p == path and (method is None or m == method))

    # -- bookkeeping used by the handler --------------------------------------------
    def record(self, host: str, method: str, path: str, full: str) -> int:
        with self.lock:
            self.log.append((host, method, path))
            self.timeline.append((time.monotonic(), host, method, full))
            self.state[(host, path)] += 1
            return self.state[(host, path)]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_owner: LinkTestServer

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass

    def setup(self) -> None:
        super().setup()
        owner = self.server_owner
        host = self.server.server_address[0]
        with owner.lock:
            owner.active[host] += 1
            owner.peak[host] = max(owner.peak[host], owner.active[host])

    def finish(self) -> None:
        owner = self.server_owner
        with owner.lock:
            owner.active[self.server.server_address[0]] -= 1
        try:
            super().finish()
        except OSError:
            pass

    # -- helpers ----------------------------------------------------------------------
    def send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
             content_type: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
            with self.server_owner.lock:
                self.server_owner.bytes_sent[urlsplit(self.path).path] += len(body)

    def redirect(self, status: int, location: str) -> None:
        self.send(status, b"moved", {"Location": location})

    def do_HEAD(self) -> None:
        self.route()

    def do_GET(self) -> None:
        self.route()

    def route(self) -> None:
        path = urlsplit(self.path).path
        host = self.server.server_address[0]
        count = self.server_owner.record(host, self.command, path, self.path)
        custom = self.server_owner.routes.get(path)
        if custom is not None:
            custom(self, self.command)
            return
        handler = getattr(self, "r_" + path.strip("/").replace("-", "_").replace("/", "__"), None)
        if handler is None:
            self.send(404, b"<h1>Not found</h1>")
            return
        handler(count)

    # -- the behaviours ------------------------------------------------------------------
    def r_ok(self, count: int) -> None:
        self.send(200, b"<html><body><h1 id='top-heading'>OK</h1></body></html>")

    def r_dup(self, count: int) -> None:
        self.r_ok(count)

    def r_gone(self, count: int) -> None:
        self.send(410, b"gone")

    def r_error500(self, count: int) -> None:
        self.send(500, b"boom")

    def r_flaky503(self, count: int) -> None:
        if count == 1:
            self.send(503, b"try later")
        else:
            self.r_ok(count)

    def r_ratelimit_seconds(self, count: int) -> None:
        if count == 1:
            self.send(429, b"slow down", {"Retry-After": "1"})
        else:
            self.r_ok(count)

    def r_ratelimit_date(self, count: int) -> None:
        if count == 1:
            when = email.utils.formatdate(time.time() + 1, usegmt=True)
            self.send(429, b"slow down", {"Retry-After": when})
        else:
            self.r_ok(count)

    def r_ratelimit_forever(self, count: int) -> None:
        self.send(429, b"go away", {"Retry-After": "3600"})

    def r_always503(self, count: int) -> None:
        self.send(503, b"down")

    def r_head405(self, count: int) -> None:
        self.send(405, b"", {"Allow": "GET"}) if self.command == "HEAD" else self.r_ok(count)

    def r_head403(self, count: int) -> None:
        self.send(403, b"") if self.command == "HEAD" else self.r_ok(count)

    def r_r301(self, count: int) -> None:
        self.redirect(301, "/ok")

    def r_r302(self, count: int) -> None:
        self.redirect(302, "/ok")

    def r_r307(self, count: int) -> None:
        self.redirect(307, "/ok")

    def r_r308(self, count: int) -> None:
        self.redirect(308, "/ok")

    def r_chain_perm(self, count: int) -> None:
        self.redirect(301, "/chain-perm-2")

    def r_chain_perm_2(self, count: int) -> None:
        self.redirect(308, "/ok")

    def r_chain_mixed(self, count: int) -> None:
        self.redirect(301, "/chain-mixed-2")

    def r_chain_mixed_2(self, count: int) -> None:
        self.redirect(302, "/ok")

    def r_loop_a(self, count: int) -> None:
        self.redirect(302, "/loop-b")

    def r_loop_b(self, count: int) -> None:
        self.redirect(302, "/loop-a")

    def r_r_to_404(self, count: int) -> None:
        self.redirect(301, "/nowhere")

    def r_slow(self, count: int) -> None:
        time.sleep(0.4)
        self.r_ok(count)

    def r_very_slow(self, count: int) -> None:
        time.sleep(3.0)
        try:
            self.r_ok(count)
        except OSError:
            pass

    def r_big(self, count: int) -> None:
        """20 MB of HTML; HEAD is refused so that the checker must GET it."""

        if self.command == "HEAD":
            self.send(405, b"")
            return
        self._stream_big(b"<html><body><h1 id='early'>Big</h1>")

    def _stream_big(self, head: bytes) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 32 * 1024)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(BIG_SIZE))
        self.end_headers()
        chunk = b"x" * 65536
        sent = 0
        key = urlsplit(self.path).path
        try:
            self.wfile.write(head)
            sent += len(head)
            while sent < BIG_SIZE:
                piece = chunk[: min(len(chunk), BIG_SIZE - sent)]
                self.wfile.write(piece)
                sent += len(piece)
                with self.server_owner.lock:
                    self.server_owner.bytes_sent[key] += len(piece)
        except OSError:
            self.close_connection = True

    def r_anchors(self, count: int) -> None:
        self.send(200, ANCHOR_PAGE.encode("utf-8"))

    def r_pdf(self, count: int) -> None:
        self.send(200, b"%PDF-1.4", content_type="application/pdf")

    def r_botwall(self, count: int) -> None:
        self.send(403, CHALLENGE_PAGE, {"cf-mitigated": "challenge", "Server": "cloudflare"})

    def r_botwall_body(self, count: int) -> None:
        self.send(503, CHALLENGE_PAGE, {"Server": "cloudflare"})

    def r_forbidden(self, count: int) -> None:
        self.send(403, b"<h1>Forbidden</h1>")

    def r_auth(self, count: int) -> None:
        self.send(401, b"log in", {"WWW-Authenticate": 'Basic realm="x"'})
