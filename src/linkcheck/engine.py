"""Checking many URLs at once: fast for the run, polite to each host.

Every distinct URL (fragment stripped) becomes one *job*: a generator that
yields what it wants next -- "fetch this", "wait this long" -- and receives the
answer. A small scheduler feeds jobs to a pool of worker threads:

* per-host queues with a concurrency limit, served round-robin, so many hosts
  progress in parallel and none gets more than ``per_host`` requests at once;
* a job that backs off (5xx, timeout) sleeps in a heap, holding neither a
  thread nor a host slot -- backoff costs that URL time, not the run;
* a ``Retry-After`` pauses only that host; the other hosts keep going. When
  429s are a real share of its answers (the host is rate limiting, not
  complaining about one URL), the host is *paced* below the rate it accepted,
  and the rate creeps back up while answers stay good (AIMD, as TCP does):
  checked near its limit instead of in bursts followed by penalties;
* a host that cannot be reached at all (DNS, refused) is marked dead after
  two failures, and its remaining URLs are answered without more requests;
* redirect hops shared by many URLs are fetched once (single-flight), and
  duplicates wait for the request already in flight.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Generator
from concurrent.futures import Future
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

from requests.cookies import RequestsCookieJar

from .classify import RETRYABLE, backoff_delay, detect_bot_wall, parse_retry_after
from .config import Settings
from .fetch import Exchange, Fetcher
from .model import Status

PERMANENT = {301, 308}


@dataclass
class Fetch:
    method: str
    url: str
    shareable: bool = False  # a redirect hop another job may also need


@dataclass
class Sleep:
    seconds: float
    host_wide: bool = False  # Retry-After: the whole host waits


Action = Fetch | Sleep
CheckGen = Generator[Action, Exchange | None, "UrlOutcome"]


@dataclass
class UrlOutcome:
    """Verdict on a URL without fragment; fragments are judged from ``anchors``."""

    status: Status
    message: str
    http_status: int | None = None
    final_url: str | None = None  # where --fix should point (redirected) or where we ended up
    anchors: dict[str, bool] | None = None  # fragment -> seen on the page
    anchors_complete: bool = True  # False: page too big / slow to search entirely
    anchor_note: str = ""  # why anchors were not checked
    hops: list[tuple[int, str]] = field(default_factory=list)
    requests: int = 0
    from_cache: bool = False


@dataclass
class _Host:
    """Scheduling state of one host: its queue and concurrency slots, its
    Retry-After pauses, its pace once it has rate-limited us, and the
    circuit breaker for a host that cannot be reached at all."""

    name: str
    limit: int
    active: int = 0
    paused_until: float = 0.0
    pauses: deque = field(default_factory=lambda: deque(maxlen=16))  # (start, end) of Retry-After pauses
    first_start: float = float("-inf")
    queue: deque = field(default_factory=deque)
    failures: int = 0
    successes: int = 0
    dead: str | None = None
    pace: float | None = None  # requests per second allowed, once rate limited
    next_start: float = 0.0  # earliest time the next request may start (pacing)
    starts: deque = field(default_factory=deque)  # request start times, last 2 s
    answered: deque = field(default_factory=deque)  # send times of requests not answered 429, last 2 s
    recent: deque = field(default_factory=deque)  # (time, was it a 429) for answers, last 2 s
    last_cut: float = float("-inf")
    last_429: float = float("-inf")
    last_growth: float = float("-inf")
    cuts: int = 0


@dataclass
class _Job:
    key: str
    wanted: set[str]
    gen: CheckGen
    jar: RequestsCookieJar = field(default_factory=RequestsCookieJar)
    action: Fetch | None = None
    outcome: UrlOutcome | None = None
    requests: int = 0


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def strip_fragment(url: str) -> str:
    return urldefrag(url)[0]


class Engine:
    """Run with :meth:`run`; ``fetcher`` can be replaced for tests."""

    def __init__(
        self,
        settings: Settings,
        fetcher: Fetcher | None = None,
        progress: Callable[[int, int], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.fetcher = fetcher or Fetcher(settings)
        self.progress = progress
        self.clock = clock
        self._cond = threading.Condition()
        self._hosts: dict[str, _Host] = {}
        self._host_order: list[str] = []
        self._cursor = 0
        self._sleepers: list[tuple[float, int, _Job]] = []
        self._seq = itertools.count()
        self._remaining = 0
        self._total = 0
        self._memo: dict[tuple[str, str], Future[Exchange]] = {}
        self._memo_lock = threading.Lock()
        self.peak_per_host: dict[str, int] = {}

    # -- public -----------------------------------------------------------------
    def run(self, targets: dict[str, set[str]]) -> dict[str, UrlOutcome]:
        """``targets`` maps URL (no fragment) -> normalised fragments wanted."""

        jobs = [_Job(key=url, wanted=set(frags), gen=self._check(url, set(frags))) for url, frags in targets.items()]
        self._remaining = self._total = len(jobs)
        with self._cond:
            for job in jobs:
                self._step(job, None)
        workers = [
            threading.Thread(target=self._worker, name=f"linkcheck-{i}", daemon=True)
            for i in range(max(1, min(self.settings.concurrency, len(jobs))))
        ]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        return {job.key: job.outcome or UrlOutcome(Status.ERROR, "not checked (internal error)") for job in jobs}

    # -- scheduling ---------------------------------------------------------------
    def _host(self, url: str) -> _Host:
        name = host_of(url)
        host = self._hosts.get(name)
        if host is None:
            host = self._hosts[name] = _Host(name, max(1, self.settings.per_host))
            self._host_order.append(name)
        return host

    def _step(self, job: _Job, answer: Exchange | None) -> None:
        """Resume the job's generator (``answer`` is None at the start and after
        a sleep) and file the job where its next action belongs. Called with
        the condition held: a generator step is a few microseconds of CPU."""

        try:
            action = job.gen.send(answer)
        except StopIteration as stop:
            job.outcome = stop.value
            job.outcome.requests = job.requests
            self._finish()
            return
        except Exception as exc:  # a bug must not hang the run
            job.outcome = UrlOutcome(Status.ERROR, f"internal error: {exc!r}")
            self._finish()
            return
        if isinstance(action, Sleep):
            wake = self.clock() + max(0.0, action.seconds)
            if action.host_wide and job.action is not None:
                host = self._host(job.action.url)
                now = self.clock()
                if host.paused_until > now:  # extend the current pause
                    host.pauses[-1] = (host.pauses[-1][0], max(host.paused_until, wake))
                else:
                    host.pauses.append((now, wake))
                host.paused_until = max(host.paused_until, wake)
            heapq.heappush(self._sleepers, (wake, next(self._seq), job))
        else:
            job.action = action
            self._host(action.url).queue.append(job)
        self._cond.notify_all()

    def _finish(self) -> None:
        self._remaining -= 1
        if self.progress is not None:
            self.progress(self._total - self._remaining, self._total)
        self._cond.notify_all()

    def _wake_sleepers(self, now: float) -> None:
        while self._sleepers and self._sleepers[0][0] <= now:
            _, _, job = heapq.heappop(self._sleepers)
            self._step(job, None)

    def _pick(self, now: float) -> tuple[_Job, _Host] | None:
        count = len(self._host_order)
        for step in range(count):
            name = self._host_order[(self._cursor + step) % count]
            host = self._hosts[name]
            if host.queue and host.active < host.limit and host.paused_until <= now and host.next_start <= now:
                self._cursor = (self._cursor + step + 1) % count
                if not host.starts and host.first_start == float("-inf"):
                    host.first_start = now
                host.starts.append(now)
                while host.starts[0] < now - 2.0:
                    host.starts.popleft()
                if host.pace:
                    host.next_start = max(now, host.next_start) + 1.0 / host.pace
                return host.queue.popleft(), host
        return None

    def _next_event(self, now: float) -> float | None:
        times = [self._sleepers[0][0]] if self._sleepers else []
        times += [max(h.paused_until, h.next_start) for h in self._hosts.values()
                  if h.queue and max(h.paused_until, h.next_start) > now]
        return max(0.0, min(times) - now) if times else None

    def _worker(self) -> None:
        while True:
            with self._cond:
                while True:
                    now = self.clock()
                    self._wake_sleepers(now)
                    picked = self._pick(now)
                    if picked is not None:
                        break
                    if self._remaining <= 0:
                        self._cond.notify_all()
                        return
                    self._cond.wait(self._next_event(now))
                job, host = picked
                host.active += 1
                self.peak_per_host[host.name] = max(self.peak_per_host.get(host.name, 0), host.active)
                dead = host.dead
            action = job.action
            assert action is not None
            if dead is not None:
                answer = Exchange(action.method, action.url, error="dead-host", detail=dead, synthetic=True)
            else:
                try:
                    answer = self._fetch(job, action)
                except Exception as exc:  # never lose a job to an unexpected error
                    answer = Exchange(action.method, action.url, error="other", detail=f"unexpected error: {exc!r}")
            with self._cond:
                host.active -= 1
                try:
                    self._note_host_health(host, answer)
                except Exception:  # bookkeeping must never cost a job its answer
                    pass
                self._step(job, answer)

    def _note_host_health(self, host: _Host, answer: Exchange) -> None:
        """Circuit breaker for unreachable hosts, and pacing after a 429."""

        if answer.synthetic:
            return
        now = self.clock()
        if answer.status == 429:
            host.last_429 = now
        if answer.status is not None:
            host.recent.append((now, answer.status == 429))
            while host.recent[0][0] < now - 2.0:
                host.recent.popleft()
        if answer.status == 429 and answer.started >= host.last_cut:
            # One 429 may be about one URL (it gets its Retry-After pause and
            # nothing more). When 429s are a real share of recent answers the
            # host is limiting our rate: cut it -- once per episode, since
            # 429s for requests sent before the cut say nothing about the new
            # rate (else one burst of them would cut it to nothing).
            throttled = sum(1 for _, hit in host.recent if hit)
            if throttled >= 2 and throttled >= 0.05 * len(host.recent):
                # Rates over the last 2 s of *active* time (pauses left out,
                # or they would make the host look slower than it is): what we
                # sent, and what the host accepted (by send time). Cut to 85%
                # of the first and at most 90% of the second -- against a fast
                # server with a strict limit the second gets there in a step
                # or two, not ten.
                sending = _active_rate(host.starts, host, now)
                accepted = _active_rate(host.answered, host, now)
                current = min(host.pace, sending) if host.pace else sending
                target = min(current * 0.85, accepted * 0.9) if accepted > 0 else current * 0.85
                host.pace = max(0.5, target)
                host.last_cut = now
                host.cuts += 1
        if answer.status is not None and answer.status != 429:
            host.answered.append(answer.started)  # by send time: comparable with ``starts``
            while host.answered and host.answered[0] < now - 2.0:
                host.answered.popleft()
            if host.pace is not None:
                host.pace += 0.05  # additive increase: about +1.5 req/s per second at 30 req/s
                if host.cuts < 2 and now - max(host.last_429, host.last_growth) > 2.0:
                    # two clean seconds after a single cut: the 429s were probably
                    # about a few URLs, not the host; grow faster, stop pacing soon
                    host.pace *= 1.25
                    host.last_growth = now
                    if host.pace > 40.0 * self.settings.per_host:
                        host.pace = None
        if answer.status is not None:
            host.successes += 1
            host.failures = 0
        elif answer.error in ("dns", "refused") and host.successes == 0:
            host.failures += 1
            if host.failures >= 2 and host.dead is None:
                host.dead = f"{answer.detail} (host given up after {host.failures} failed connections)"

    def _fetch(self, job: _Job, action: Fetch) -> Exchange:
        wanted = job.wanted if action.method == "GET" else None
        if not action.shareable or wanted:
            job.requests += 1
            return self.fetcher.fetch(action.method, action.url, wanted, job.jar)
        key = (action.method, action.url)
        with self._memo_lock:
            future = self._memo.get(key)
            owner = future is None
            if owner:
                future = self._memo[key] = Future()
        assert future is not None
        if not owner:
            return future.result()
        job.requests += 1
        try:
            answer = self.fetcher.fetch(action.method, action.url, None, job.jar)
        except Exception as exc:
            answer = Exchange(action.method, action.url, error="other", detail=f"unexpected error: {exc!r}")
        future.set_result(answer)
        if answer.status is None or answer.status in RETRYABLE:
            with self._memo_lock:  # transient: a later attempt must really retry
                self._memo.pop(key, None)
        return answer

    # -- the check of one URL -------------------------------------------------------
    def _check(self, url: str, wanted: set[str]) -> CheckGen:
        s = self.settings
        method = "GET" if wanted else "HEAD"
        current = url
        visited = {strip_fragment(url)}
        hops: list[tuple[int, str]] = []
        attempts = timeouts = connects = 0
        answer: Exchange | None = None
        while True:
            answer = yield Fetch(method, current, shareable=bool(hops))
            assert answer is not None
            if answer.error is not None:
                kind = answer.error
                if kind == "invalid":
                    return UrlOutcome(Status.BROKEN, answer.detail, hops=hops)
                if kind in ("tls", "dead-host", "other"):
                    return UrlOutcome(Status.ERROR, answer.detail, hops=hops)
                if kind in ("timeout", "connect-timeout"):
                    timeouts += 1
                    if method == "HEAD" and kind == "timeout":
                        method = "GET"  # some servers never answer HEAD
                    if timeouts > s.timeout_retries:
                        return UrlOutcome(Status.ERROR, f"{answer.detail} ({timeouts} attempts)", hops=hops)
                    yield Sleep(backoff_delay(timeouts, s.backoff, s.max_backoff))
                    continue
                connects += 1  # dns, refused, reset
                if kind == "reset" and method == "HEAD":
                    method = "GET"
                if connects > s.connect_retries:
                    return UrlOutcome(Status.ERROR, f"{answer.detail} ({connects} attempts)", hops=hops)
                yield Sleep(backoff_delay(connects, s.backoff, s.max_backoff))
                continue

            status = answer.status
            assert status is not None
            wall = detect_bot_wall(status, answer.headers, answer.sniff)
            if wall is not None:
                return UrlOutcome(Status.BLOCKED, f"{wall} (HTTP {status}); a browser may well see the page", status, hops=hops)
            if status in s.accept_status:
                break
            if method == "HEAD" and not 200 <= status < 400 and status != 429:
                # HEAD refused, mis-implemented, or hiding a challenge page:
                # a GET (body sniffed for walls) decides. A 429 is about the
                # rate, not the method, so it is retried as it is.
                method = "GET"
                continue
            if status in RETRYABLE:
                attempts += 1
                wait = parse_retry_after(answer.headers.get("retry-after"))
                if attempts > s.retries:
                    what = "rate limited" if status == 429 else "server error" if status >= 500 else "request timeout"
                    return UrlOutcome(Status.ERROR, f"{what} (HTTP {status}) after {attempts} attempts", status, hops=hops)
                if wait is not None and wait > s.max_retry_after:
                    return UrlOutcome(
                        Status.ERROR,
                        f"HTTP {status}: asked to retry after {wait:.0f}s, more than the {s.max_retry_after:g}s cap",
                        status,
                        hops=hops,
                    )
                if wait is not None:
                    yield Sleep(wait, host_wide=True)
                else:
                    yield Sleep(backoff_delay(attempts, s.backoff, s.max_backoff))
                continue
            location = answer.location
            if 300 <= status < 400 and location:
                target = urljoin(current, location.strip())
                hops.append((status, current))
                bare = strip_fragment(target)
                if bare in visited:
                    chain = " -> ".join([h[1] for h in hops] + [target])
                    return UrlOutcome(Status.BROKEN, f"redirect loop: {chain}", status, hops=hops)
                if len(hops) > s.max_redirects:
                    return UrlOutcome(Status.BROKEN, f"more than {s.max_redirects} redirects", status, hops=hops)
                if urlsplit(target).scheme not in ("http", "https"):
                    return UrlOutcome(Status.OK, f"redirects to {target}", status, final_url=target, hops=hops)
                visited.add(bare)
                current = target
                attempts = timeouts = connects = 0
                continue
            break
        return self._verdict(url, current, answer, hops, wanted)

    def _verdict(self, url: str, current: str, answer: Exchange, hops: list[tuple[int, str]], wanted: set[str]) -> UrlOutcome:
        status = answer.status or 0
        via = ""
        if hops:
            via = " via " + " -> ".join(f"{u} ({code})" for code, u in hops)
        if 200 <= status < 400 or status in self.settings.accept_status:
            outcome = UrlOutcome(Status.OK, f"HTTP {status}", status, hops=hops)
            if wanted:
                self._judge_anchors(outcome, answer, wanted)
            if hops:
                leading = 0
                while leading < len(hops) and hops[leading][0] in PERMANENT:
                    leading += 1
                if leading:
                    new_home = hops[leading][1] if leading < len(hops) else current
                    outcome.status = Status.REDIRECTED
                    outcome.final_url = new_home
                    outcome.message = f"moved permanently (HTTP {hops[0][0]}) to {new_home}"
                    if new_home != current:
                        outcome.message += f" (which then redirects temporarily to {current})"
                else:
                    outcome.final_url = current
                    outcome.message = f"temporary redirect (HTTP {hops[0][0]}) to {current}: fine"
            return outcome
        if hops:
            prefix = f"redirects to {current}, which answers "
        else:
            prefix = ""
        if status in (401, 407):
            return UrlOutcome(Status.BLOCKED, f"{prefix}HTTP {status}: needs a log-in", status, final_url=current if hops else None, hops=hops)
        if status == 451:
            return UrlOutcome(Status.BLOCKED, f"{prefix}HTTP 451: unavailable for legal reasons here", status, hops=hops)
        if status in (404, 410):
            word = "not found" if status == 404 else "gone"
            return UrlOutcome(Status.BROKEN, f"{prefix}HTTP {status} ({word}){via if hops else ''}", status, final_url=current if hops else None, hops=hops)
        if 400 <= status < 500:
            return UrlOutcome(Status.BROKEN, f"{prefix}HTTP {status}", status, final_url=current if hops else None, hops=hops)
        return UrlOutcome(Status.ERROR, f"{prefix}HTTP {status}", status, final_url=current if hops else None, hops=hops)

    @staticmethod
    def _judge_anchors(outcome: UrlOutcome, answer: Exchange, wanted: set[str]) -> None:
        if answer.anchors_found is None:
            kind = answer.content_type or "unknown type"
            outcome.anchor_note = f"anchors not checked: the page is {kind}, not HTML"
            return
        outcome.anchors = {frag: frag in answer.anchors_found for frag in wanted}
        outcome.anchors_complete = answer.anchors_complete


def _active_rate(times: deque, host: _Host, now: float, window: float = 2.0) -> float:
    """Events per second over the last ``window`` seconds, counting only time
    the host was active: not before its first request, not while paused."""

    begin = max(now - window, host.first_start)
    active = now - begin
    for start, end in host.pauses:
        active -= max(0.0, min(end, now) - max(start, begin))
    count = sum(1 for t in times if t >= begin)
    return count / max(active, 0.1)
