"""One HTTP exchange, with no retries and no redirect following.

Policy (retries, redirects, HEAD-to-GET fallback) lives in :mod:`engine`; this
module only turns one request into a plain :class:`Exchange`, so that policy
can be tested with fake exchanges. Bodies are streamed and read only as far as
needed: not at all for a plain existence check, the first 64 KiB to recognise
a bot wall, and for an anchor check only until every wanted id has been seen.
"""

from __future__ import annotations

import codecs
import ipaddress
import re
import time
from dataclasses import dataclass, field
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.cookies import RequestsCookieJar, extract_cookies_to_jar

from .classify import WALL_STATUSES
from .config import Settings
from .htmlscan import AnchorFinder

SNIFF_BYTES = 64 * 1024
CHUNK = 16 * 1024


@dataclass
class Exchange:
    """What came back. ``error`` is set instead of ``status`` when no HTTP
    answer arrived: ``timeout``, ``connect-timeout``, ``dns``, ``refused``,
    ``reset``, ``tls``, ``invalid`` or ``other``."""

    method: str
    url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    detail: str = ""
    sniff: bytes = b""
    anchors_found: set[str] | None = None  # None: the body was not searched
    anchors_complete: bool = False  # the whole page was searched
    content_type: str = ""
    bytes_read: int = 0
    synthetic: bool = False  # made up without a request (host known dead)
    started: float = 0.0  # time.monotonic() when the request was sent

    @property
    def location(self) -> str | None:
        return self.headers.get("location")


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Fetcher:
    """Shares one connection pool; safe to call from many threads."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.session = requests.Session()
        # Cookies are kept per check (see ``jar``), never across checks.
        self.session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        adapter = HTTPAdapter(
            pool_connections=256,
            pool_maxsize=max(settings.per_host, 1),
            max_retries=0,
            pool_block=False,
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update(
            {
                "User-Agent": settings.user_agent,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                "Accept-Language": "en-US,en;q=0.8",
            }
        )

    def close(self) -> None:
        self.session.close()

    def fetch(self, method: str, url: str, wanted: set[str] | None, jar: RequestsCookieJar | None = None) -> Exchange:
        ex = Exchange(method=method, url=url, started=time.monotonic())
        timeout = self.settings.timeout
        deadline = time.monotonic() + timeout
        kwargs: dict[str, Any] = {
            "allow_redirects": False,
            "stream": True,
            "timeout": (min(timeout, 10.0), timeout),
            "cookies": jar,
        }
        host = urlsplit(url).hostname or ""
        if is_loopback_host(host):
            kwargs["proxies"] = {"http": None, "https": None}  # never proxy loopback
        try:
            response = self.session.request(method, url, **kwargs)
        except requests.exceptions.ConnectTimeout as exc:
            return _failed(ex, "connect-timeout", f"connection timed out after {timeout:g}s", exc)
        except requests.exceptions.ReadTimeout as exc:
            return _failed(ex, "timeout", f"no response within {timeout:g}s", exc)
        except requests.exceptions.SSLError as exc:
            return _failed(ex, "tls", "TLS error: " + _root_cause(exc), exc)
        except requests.exceptions.ConnectionError as exc:
            kind, text = _connection_kind(exc)
            return _failed(ex, kind, text, exc)
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema, UnicodeError, ValueError) as exc:
            return _failed(ex, "invalid", f"invalid URL: {exc}", exc)
        except requests.exceptions.RequestException as exc:
            return _failed(ex, "other", _root_cause(exc), exc)

        with response:
            ex.status = response.status_code
            ex.headers = {k.lower(): v for k, v in response.headers.items()}
            ex.content_type = ex.headers.get("content-type", "").split(";")[0].strip().lower()
            if jar is not None:
                extract_cookies_to_jar(jar, response.request, response.raw)
            if method == "HEAD":
                _ = response.content  # zero bytes; marks the response done so the connection is reused
                return ex
            try:
                self._read_body(response, ex, wanted, deadline)
            except (requests.exceptions.RequestException, OSError) as exc:
                ex.detail = f"body read interrupted: {_root_cause(exc)}"
        return ex

    def _read_body(self, response: requests.Response, ex: Exchange, wanted: set[str] | None, deadline: float) -> None:
        status = ex.status or 0
        is_html = ex.content_type in ("text/html", "application/xhtml+xml", "")
        if 200 <= status < 300 and wanted and is_html:
            self._find_anchors(response, ex, wanted, deadline)
        elif status in WALL_STATUSES:
            ex.sniff = self._read_some(response, SNIFF_BYTES, deadline)
        else:
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) <= SNIFF_BYTES:
                # small enough: drain it so the connection can be reused
                ex.sniff = self._read_some(response, SNIFF_BYTES, deadline)
        # anything else is left unread; closing the response drops the socket

    def _read_some(self, response: requests.Response, limit: int, deadline: float) -> bytes:
        parts: list[bytes] = []
        total = 0
        for chunk in response.iter_content(CHUNK):
            parts.append(chunk)
            total += len(chunk)
            if total >= limit or time.monotonic() > deadline:
                break
        return b"".join(parts)[:limit]

    def _find_anchors(self, response: requests.Response, ex: Exchange, wanted: set[str], deadline: float) -> None:
        finder = AnchorFinder(wanted)
        decoder = codecs.getincrementaldecoder(_charset(response))(errors="replace")
        sniff: list[bytes] = []
        complete = True
        for chunk in response.iter_content(CHUNK):
            ex.bytes_read += len(chunk)
            if len(sniff) < 4:
                sniff.append(chunk)
            finder.feed(decoder.decode(chunk))
            if finder.satisfied:
                break
            if ex.bytes_read >= self.settings.max_body or time.monotonic() > deadline:
                complete = False
                break
        else:
            finder.feed(decoder.decode(b"", final=True))
            finder.close()
        ex.sniff = b"".join(sniff)[:SNIFF_BYTES]
        ex.anchors_found = finder.found
        ex.anchors_complete = complete or finder.satisfied


def _charset(response: requests.Response) -> str:
    match = re.search(r"charset=([\w.:-]+)", response.headers.get("content-type", ""), re.I)
    if match:
        try:
            codecs.lookup(match.group(1))
            return match.group(1)
        except LookupError:
            pass
    return "utf-8"


def _failed(ex: Exchange, kind: str, text: str, exc: BaseException) -> Exchange:
    del exc
    ex.error = kind
    ex.detail = text
    return ex


def _root_cause(exc: BaseException) -> str:
    seen = exc
    while seen.__cause__ is not None or seen.__context__ is not None:
        nxt = seen.__cause__ or seen.__context__
        if nxt is None or nxt is seen:
            break
        seen = nxt
    text = str(seen) or seen.__class__.__name__
    return text if len(text) < 200 else text[:197] + "..."


def _connection_kind(exc: BaseException) -> tuple[str, str]:
    text = ""
    seen: BaseException | None = exc
    while seen is not None:
        text += " " + repr(seen) + " " + str(seen)
        seen = seen.__cause__ or seen.__context__
    lowered = text.lower()
    if any(s in lowered for s in ("nameresolutionerror", "name or service not known", "failed to resolve",
                                  "nodename nor servname", "getaddrinfo failed", "no address associated",
                                  "temporary failure in name resolution")):
        return "dns", "DNS lookup failed (no such host?)"
    if "refused" in lowered:
        return "refused", "connection refused"
    if "timed out" in lowered or "timeout" in lowered:
        return "timeout", "timed out"
    if any(s in lowered for s in ("reset", "remotedisconnected", "aborted", "broken pipe", "protocolerror")):
        return "reset", "connection closed by the server"
    return "other", "connection failed: " + _root_cause(exc)
