"""Run a Convex app folder on a local, account-free backend and talk to it from Python.

    with Playground() as pg:                      # the guide's reference app
        alice = pg.client(identity={"subject": "alice", "name": "Alice", "email": "a@example.com"})
        alice.mutation("users:store")
        print(alice.last_call.metrics.documents_written)

The clients have the method names and errors of the official `convex.ConvexClient`
(`query`, `mutation`, `action`, `subscribe`, `watch_all`, `set_auth`, `clear_auth`,
`set_admin_auth`), so code written against a playground client runs against a real
deployment too (errors.py says what each failure raises, there and here).
"""

from __future__ import annotations

import base64
import collections
import itertools
import json
import os
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from convex.values import json_to_convex

from ._process import SidecarProcess
from .app import resolve_app
from ._wire import from_wire
from ._wire import to_wire as _to_wire
from .errors import (
    ArgumentValidationError,
    CallTimeoutError,
    ConvexError,
    FunctionError,
    InternalFunctionError,
    PlaygroundError,
    UnknownFunctionError,
)
from .identity import AuthConfig, expiry_of, identity_from_token, refuse_if_expired
from .records import CallRecord, LogLine, Metrics
from .subscriptions import QuerySetSubscription, Subscription, _Waiters

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_APP = REPO_ROOT / "snippets"
# A dotenv file at an app's root that the playground reads when no `env_file` is given:
# the values its deployment variables take on a local backend (development values, not secrets).
PLAYGROUND_ENV_FILE = "playground.env"


def _cache_dir() -> Path:
    """Where app bundles and generated code are cached, outside the app's folder."""
    return Path(os.environ.get("CONVEX_PLAYGROUND_CACHE", REPO_ROOT / "build" / "playground-cache"))



def cache_dir() -> Path:
    """The folder the playground caches app bundles and generated code in (CONVEX_PLAYGROUND_CACHE, else
    build/playground-cache); tools that keep per-app copies next to those bundles put them there too."""
    return _cache_dir()


Identity = Mapping[str, Any]


def _toolchain() -> Path:
    """The folder whose node_modules holds convex, convex-test and esbuild."""
    folder = Path(os.environ.get("CONVEX_PLAYGROUND_TOOLCHAIN", DEFAULT_APP))
    for package in ("convex", "convex-test", "esbuild", "semver", "@sinonjs/fake-timers", "cron-parser"):
        if not (folder / "node_modules" / package / "package.json").is_file():
            raise PlaygroundError(
                f"{folder / 'node_modules' / package} is missing: run `make install` "
                f"(or `npm ci` in {folder}) before starting a playground"
            )
    return folder


def _app_variables(env: Mapping[str, str] | None) -> dict[str, str]:
    variables: dict[str, str] = {}
    for name, value in (env or {}).items():
        if not isinstance(value, str):
            raise PlaygroundError(f"env: the value of {name} must be a string, not {type(value).__name__}")
        variables[name] = value
    return variables


def _raise_for(error: dict) -> None:
    kind = error.get("kind")
    function = error.get("function")
    message = error.get("message", "")
    if kind == "ConvexError":
        raised = ConvexError(message, json_to_convex(error.get("data")))
        raised.function = function  # type: ignore[attr-defined]
        raise raised
    if kind == "ArgumentValidationError":
        raise ArgumentValidationError(function, message, kind=kind, stack=error.get("stack"))
    if kind == "InternalFunction":
        raise InternalFunctionError(None, message, error.get("known", []), kind=kind)
    if kind in ("UnknownFunction", "WrongKind"):
        raise UnknownFunctionError(None, message, error.get("known", []), kind=kind)
    if kind == "BadRequest":
        raise PlaygroundError(message)
    if kind == "CallTimeout":
        raise CallTimeoutError(message)
    raise FunctionError(function, message, kind=kind or "FunctionError", stack=error.get("stack"))


@dataclass(frozen=True)
class FunctionInfo:
    name: str
    kind: str  # query | mutation | action
    visibility: str  # public | internal
    args: Any
    returns: Any


@dataclass(frozen=True)
class ScheduledRun:
    """One run of a scheduled function or a cron, as `advance()` reports it.

    `id` is the `_scheduled_functions` document's id for a scheduled function
    and the cron's name (from crons.ts) for a cron. `scheduled_time` is when the
    run was due, in ms since the epoch; it ran with the clock set to that time.
    `error` is the message a failed run recorded (a deployment stores it in
    `_scheduled_functions` too).
    """

    id: str
    name: str
    args: Any
    state: str  # success | failed
    error: str | None
    kind: str = "scheduled"  # scheduled | cron
    scheduled_time: float = 0.0
    duration_ms: float = field(default=0.0, repr=False)
    metrics: Metrics = field(default=Metrics(), repr=False)
    logs: tuple[LogLine, ...] = field(default=(), repr=False)

    @classmethod
    def from_wire(cls, run: dict) -> "ScheduledRun":
        return cls(id=run["id"], name=run["name"], args=json_to_convex(run["args"]), state=run["state"],
                   error=run.get("error"), kind=run["kind"], scheduled_time=float(run["scheduledTime"]),
                   duration_ms=float(run.get("durationMs", 0.0)), metrics=Metrics.from_wire(run.get("metrics")),
                   logs=tuple(LogLine(**line) for line in run.get("logs", [])))

    def as_call(self) -> CallRecord:
        """The run as a `pg.calls` entry (kind "scheduled" or "cron", no identity)."""
        return CallRecord(function=self.name, kind=self.kind, args=self.args if isinstance(self.args, dict) else {},
                          identity=None, ok=self.state == "success", error=self.error, duration_ms=self.duration_ms,
                          metrics=self.metrics, logs=self.logs)


@dataclass(frozen=True)
class HttpResponse:
    """What an HTTP action answered: status, headers (lower-case names) and the body as bytes."""

    status: int
    headers: dict[str, str]
    content: bytes

    @property
    def text(self) -> str:
        """The body decoded with the charset of its content type (UTF-8 when it names none)."""
        content_type = self.headers.get("content-type", "")
        charset = next((part.split("=", 1)[1].strip().strip('"') for part in content_type.split(";")
                        if part.strip().lower().startswith("charset=")), "utf-8")
        return self.content.decode(charset, errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


class PlaygroundClient:
    """A client as a browser or server would hold one: public functions only."""

    _admin = False

    def __init__(self, playground: "Playground", identity: Identity | None = None):
        self._playground = playground
        self._identity = None
        self._expires_at: float | None = None
        if identity:
            self.set_auth(identity)
        self.last_call: CallRecord | None = None
        self._subscriptions: weakref.WeakValueDictionary[str, Subscription] = weakref.WeakValueDictionary()
        # watch_all(): a counter of changes to this client's live results, and who waits for the next one.
        self._changed = threading.Condition()
        self._changes = 0
        self._change_waiters = _Waiters()

    # -- auth, as convex.ConvexClient
    def set_auth(self, token: str | Identity | None) -> None:
        """Acts as the user a JWT (or a dict of claims) describes, checked against the app's
        auth.config.ts as a deployment checks it (see convex_playground.identity); `None` signs out.

        Live subscriptions of this client run again as the new identity and
        yield if their result changed, as on a deployment.
        """
        if token is None:
            return self.clear_auth()
        self._identity = identity_from_token(token, self._playground.auth)
        self._expires_at = expiry_of(token)
        self._reauthenticate()

    def clear_auth(self) -> None:
        self._identity = None
        self._expires_at = None
        self._reauthenticate()

    def set_admin_auth(self, admin_key: str) -> None:
        """Acts with a deployment's admin key: internal functions become callable, with no user identity.

        The playground has no keys to check: any non-empty string is accepted.
        """
        if not isinstance(admin_key, str) or not admin_key:
            raise ValueError("set_admin_auth() takes an admin key: a non-empty string")
        self._admin = True
        self._identity = None
        self._expires_at = None
        self._reauthenticate()

    @property
    def identity(self) -> dict[str, Any] | None:
        return dict(self._identity) if self._identity else None

    # -- functions, as convex.ConvexClient
    def query(self, name: str, args: Mapping[str, Any] | None = None) -> Any:
        return self._call("query", name, args)

    def mutation(self, name: str, args: Mapping[str, Any] | None = None) -> Any:
        return self._call("mutation", name, args)

    def action(self, name: str, args: Mapping[str, Any] | None = None) -> Any:
        return self._call("action", name, args)

    def subscribe(self, name: str, args: Mapping[str, Any] | None = None) -> Subscription:
        """A live query: `next()` gives its first result, then blocks until the result changes."""
        subscription = self._playground._subscribe(self, name, args)
        self._subscriptions[subscription._id] = subscription
        self._note_change()
        return subscription

    def watch_all(self) -> QuerySetSubscription:
        """Each item maps every live subscription's id to its latest result; one arrives per change."""
        return QuerySetSubscription(self)

    # -- live queries (internal)
    def _live_subscriptions(self) -> list[Subscription]:
        return sorted((sub for sub in list(self._subscriptions.values()) if sub.active), key=lambda sub: int(sub._id[1:]))

    def _note_change(self) -> None:
        with self._changed:
            self._changes += 1
            self._changed.notify_all()
            self._change_waiters.wake()

    def _forget(self, subscription: Subscription) -> None:
        self._subscriptions.pop(subscription._id, None)
        self._playground._unsubscribe(subscription)
        self._note_change()

    def _reauthenticate(self) -> None:
        if "_subscriptions" not in self.__dict__:  # signing in from __init__: no subscription exists yet
            return
        live = [sub._id for sub in self._live_subscriptions()]
        if live:
            self._playground._dispatch(self._playground._result(self._playground._request(
                "reauth", subIds=live, identity=self._identity))["updates"])

    def _call(self, kind: str, name: str, args: Mapping[str, Any] | None) -> Any:
        if self._identity is not None:
            refuse_if_expired(self._expires_at)
        answer = self._playground._request(
            "call", kind=kind, name=name, args=_to_wire(args), identity=self._identity, admin=self._admin)
        if not answer["ok"]:  # the request itself was refused: unknown or internal function
            _raise_for(answer["error"])
        result = answer["result"]
        error = result.get("error")
        record = CallRecord(
            function=result["function"], kind=kind, args=dict(args or {}),
            identity=(self._identity or {}).get("subject") or (self._identity or {}).get("tokenIdentifier"),
            ok=error is None, error=None if error is None else error.get("message"),
            duration_ms=float(result.get("durationMs", 0.0)), metrics=Metrics.from_wire(result.get("metrics")),
            logs=tuple(LogLine(**line) for line in result.get("logs", [])),
        )
        self.last_call = record
        self._playground._record(record, result.get("updates", []))
        if error is not None:
            _raise_for(error)
        return result["value"] if answer.get("plain") else from_wire(result["value"])


class AdminClient(PlaygroundClient):
    """What a deployment's admin key (or the dashboard) can do: call internal
    functions and read and write tables directly, e.g. to seed data.

    Table access is a seeding and inspection tool, not a function: it is not
    held to the per-function limits (documents and bytes read or written), so
    one `insert` seeds tens of thousands of rows in one transaction and
    `count`/`table` read whole tables. Every document still obeys the schema and
    the deployment's document limits (1 MiB, 16 levels of nesting, ...) unless the
    playground was started with `enforce_limits=False`."""

    _admin = True

    def insert(self, table: str, document: Mapping[str, Any] | list[Mapping[str, Any]]) -> Any:
        """Inserts one document (returns its id) or a list (returns their ids, all in one transaction),
        unvalidated by functions but checked against the schema and the document limits."""
        many = isinstance(document, list)
        documents = document if many else [document]
        ids = self._table("insert", table=table, documents=[_to_wire(d) for d in documents])
        return ids if many else ids[0]

    def table(self, table: str, limit: int | None = None) -> list[dict[str, Any]]:
        """The documents of a table, in creation order."""
        return self._table("list", table=table, limit=limit)

    def count(self, table: str) -> int:
        return int(self._table("count", table=table))

    def get(self, document_id: str) -> dict[str, Any] | None:
        return self._table("get", id=document_id)

    def patch(self, document_id: str, fields: Mapping[str, Any]) -> None:
        self._table("patch", id=document_id, fields=_to_wire(fields))

    def replace(self, document_id: str, document: Mapping[str, Any]) -> None:
        self._table("replace", id=document_id, document=_to_wire(document))

    def delete(self, document_id: str) -> None:
        self._table("delete", id=document_id)

    def _table(self, op: str, **fields: Any) -> Any:
        answer = self._playground._request("table", action=op, **fields)
        if not answer["ok"]:
            _raise_for(answer["error"])
        self._playground._dispatch(answer["result"].get("updates", []))
        return json_to_convex(answer["result"]["value"])


class Playground:
    """A local Convex backend for one app: its root folder (with `convex/`, or
    `convex.json` naming the functions folder) or the functions folder itself.

    It runs the app's own functions on convex-test, Convex's mock backend, in a
    Node process, bundled as the Convex CLI bundles them for a deployment. The
    database is in memory and starts empty. Use it as a context manager, or
    call `close()`.

    An app without `_generated/` gets one generated into a cache folder (the
    app's folder is left alone; `write_generated=True` writes it there instead).
    An app that cannot load raises `AppLoadError`, whose message starts with
    `file:line:column:`.

    `call_timeout` (seconds, None for no limit): a call, or an `advance()`, that
    runs longer raises `CallTimeoutError`; the database is kept. Only if the Node
    process stops answering altogether (a function stuck in a loop) is it stopped,
    and the error then says the data is lost.

    `start_timeout` (seconds): how long starting may take. The first start of a
    large app bundles it and its packages (later starts reuse the bundle), which
    on a busy machine can take a minute or more.

    With `enforce_limits=True` (the default) functions meet the deployment's
    limits, with its error messages: per transaction (documents and bytes read
    and written, ...) and on values (a document over 1 MiB or nested deeper than
    16 levels, arrays over 8192 elements, objects over 1024 fields, top-level
    fields starting with `_`, arguments or return values over 16 MiB).

    Functions see only the app's environment variables: `env` (over those of
    `env_file`, a dotenv file such as `npx convex env list` prints; without one,
    the app root's `playground.env` if it has one), changed
    later with `set_env()`, plus CONVEX_SITE_URL and CONVEX_CLOUD_URL, which are
    `site_url` (the app's HTTP actions) and `cloud_url` (file uploads and
    downloads), both served on 127.0.0.1.
    """

    def __init__(self, app_dir: str | os.PathLike[str] | None = None, *, enforce_limits: bool = True,
                 node: str = "node", call_timeout: float | None = 300.0, history: int = 10_000,
                 env: Mapping[str, str] | None = None, env_file: str | os.PathLike[str] | None = None,
                 write_generated: bool = False, start_timeout: float = 120.0):
        self.app = resolve_app(app_dir if app_dir is not None else DEFAULT_APP)
        self.app_dir = self.app.root
        self._write_generated = write_generated
        self._enforce_limits = enforce_limits
        # The app's variables: a dotenv file (e.g. saved with `npx convex env list > .env.convex`), `env` over it.
        self._app_env = _app_variables(env)
        if env_file is None and (self.app.root / PLAYGROUND_ENV_FILE).is_file():
            env_file = self.app.root / PLAYGROUND_ENV_FILE  # the app's own values for a local backend
        self._env_file = Path(env_file).resolve() if env_file is not None else None
        if self._env_file is not None and not self._env_file.is_file():
            raise PlaygroundError(f"env_file {self._env_file} does not exist")
        self._node = node
        self._call_timeout = call_timeout
        self._start_timeout = start_timeout
        self.calls: collections.deque[CallRecord] = collections.deque(maxlen=history)
        self._subscriptions: dict[str, weakref.ReferenceType[Subscription]] = {}
        self._sub_ids = itertools.count(1)
        self._abandoned: list[str] = []  # subscriptions the garbage collector freed, not yet dropped by the sidecar
        self._process: SidecarProcess | None = None
        self._finalizer: weakref.finalize | None = None
        self.start()

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        if self._process is not None and self._process.alive:
            return
        process = SidecarProcess(self.app, _toolchain(), node=self._node, enforce_limits=self._enforce_limits,
                                 cache_dir=_cache_dir(), write_generated=self._write_generated,
                                 app_env=self._app_env, env_file=self._env_file, on_event=self._on_event,
                                 start_timeout=self._start_timeout)
        self._process = process
        # Stop the sidecar when this object is collected or Python exits.
        self._finalizer = weakref.finalize(self, process.terminate)
        hello = self._result(self._request("hello"))
        self.functions = [FunctionInfo(**fn) for fn in hello["functions"]]
        self.tables: list[str] = hello["tables"]
        self.startup_ms = process.spawn_ms
        self.node_version = hello["node"]
        self.site_url: str = hello["siteUrl"]
        self.cloud_url: str = hello["cloudUrl"]
        self.auth = AuthConfig.from_wire(hello["auth"])

    def close(self) -> None:
        """Stops the Node sidecar. Safe to call twice."""
        if self._finalizer is not None:
            self._finalizer()
        for ref in list(self._subscriptions.values()):
            sub = ref()
            if sub is not None:
                sub._drop()
        self._subscriptions.clear()

    def restart(self) -> None:
        """Stops the sidecar if it still runs and starts a new one, with an empty database."""
        self.close()
        self._process = None
        self.start()

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.alive

    @property
    def url(self) -> str:
        """The deployment URL for Convex's own clients, which connect as to a deployment:
        `convex.ConvexClient(pg.url)` in Python, `new ConvexClient(url)` or
        `new ConvexHttpClient(url)` from the `convex` npm package. It is `cloud_url`."""
        return self.cloud_url

    @property
    def pid(self) -> int | None:
        return self._process.process.pid if self._process else None

    def __enter__(self) -> "Playground":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ clients
    def client(self, identity: str | Identity | None = None) -> PlaygroundClient:
        """A client that can call public functions, optionally already signed in."""
        return PlaygroundClient(self, identity)

    def admin(self, identity: str | Identity | None = None) -> AdminClient:
        """A handle that can also call internal functions and read/write tables."""
        return AdminClient(self, identity)

    # ------------------------------------------------------------------ time
    # The clock: what Date.now() returns in the app's functions. It follows the
    # wall clock (so timestamps look real) plus the time advance() has added,
    # unless freeze_clock() stopped it; it never goes backwards. In a query or
    # mutation, Date.now() stays at the time the function began, as in Convex.
    #
    # Scheduled functions (runAfter / runAt) and crons (convex/crons.ts) never
    # run by themselves: they run when advance() or run_scheduled() is called,
    # each with the clock set to its own due time, in due-time order.

    def advance(self, ms: float) -> list[ScheduledRun]:
        """Moves the clock `ms` milliseconds on, running what falls due on the way.

        Every scheduled function and cron due between now and now + `ms` runs,
        one at a time, in due-time order (ties in the order they were
        scheduled), each seeing `Date.now()` equal to its due time. A function
        scheduled by one of them runs too if it falls due inside the window; so
        does each cron occurrence. Returns the runs; they also go to `calls`
        (kind "scheduled" or "cron") with their logs and metrics. A failed run
        does not raise: its `state` is "failed" and `error` has the message.
        """
        result = self._result(self._request("advance", ms=ms))
        runs = [ScheduledRun.from_wire(run) for run in result["ran"]]
        self.calls.extend(run.as_call() for run in runs)
        self._dispatch(result.get("updates", []))
        return runs

    def run_scheduled(self) -> list[ScheduledRun]:
        """Runs every scheduled function and cron already due on the clock (`advance(0)`).

        Due means its time is at or before `now()`. The clock follows the wall
        clock, so a `runAfter(1000)` is due once a second has passed; call
        `freeze_clock()` first for results that do not depend on how long
        your code took.
        """
        return self.advance(0)

    def now(self) -> int:
        """The playground clock, in ms since the epoch (what `Date.now()` returns in a function now)."""
        return int(self._result(self._request("clock", action="read"))["now"])

    def freeze_clock(self) -> int:
        """Stops the clock where it is: from now on only `advance()` moves it. Returns the time.

        Frozen means frozen everywhere: `Date.now()` does not move inside an action
        either (its setTimeout still waits in real time).
        """
        return int(self._result(self._request("clock", action="freeze"))["now"])

    def unfreeze_clock(self) -> int:
        """Lets the clock follow the wall clock again, from the time it shows now. Returns the time."""
        return int(self._result(self._request("clock", action="unfreeze"))["now"])

    def scheduled(self) -> list[dict[str, Any]]:
        """Every scheduled function the app has created, with its state (and `error` when it failed)."""
        return json_to_convex(self._result(self._request("scheduled"))["jobs"])

    def crons(self) -> list[dict[str, Any]]:
        """The app's cron jobs (convex/crons.ts): name, function, args, schedule and `nextRun` (ms since the epoch).

        They are deployed when the playground starts (and at `reset()`): an
        interval cron first runs then, the others at their next time in UTC.
        A deployment spreads runs by a random delay; the playground runs each
        exactly on its schedule (minute 0 when `minuteUTC` is left out).
        """
        crons = self._result(self._request("crons"))["crons"]
        return [{**cron, "args": json_to_convex(cron["args"])} for cron in crons]

    # ------------------------------------------------------------------ HTTP actions
    def fetch(self, path: str, *, method: str = "GET", headers: Mapping[str, str] | None = None,
              body: str | bytes | None = None) -> HttpResponse:
        """Calls the app's HTTP router (convex/http.ts) as an outside service would.

        The answer is a deployment's: a handler that throws gives a 500 with a JSON body,
        an unknown route a 404. `Authorization: Bearer <JWT>` signs the request in. The
        same routes are served at `site_url` for any HTTP client (`requests.get(pg.site_url + path)`).
        """
        raw = body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")
        result = self._result(self._request("http", method=method.upper(), path=path, headers=dict(headers or {}),
                                            body=base64.b64encode(raw).decode("ascii")))
        self._record_http(result["record"], result.get("updates", []))
        # Repeated headers (several Set-Cookie) arrive as a list; join them as HTTP clients do.
        headers = {name: ", ".join(value) if isinstance(value, list) else value for name, value in result["headers"].items()}
        return HttpResponse(status=int(result["status"]), headers=headers, content=base64.b64decode(result["body"]))

    def _record_http(self, record: Mapping[str, Any], updates: list[dict]) -> None:
        self._record(CallRecord(
            function=record["function"], kind=record["kind"], args={}, identity=record.get("identity"),
            ok=bool(record["ok"]), error=record.get("error"), duration_ms=float(record.get("durationMs") or 0.0),
            metrics=Metrics.from_wire(record.get("metrics")),
            logs=tuple(LogLine(**line) for line in record.get("logs") or []),
        ), updates)

    def _on_event(self, event: Mapping[str, Any]) -> None:
        """A notice from the sidecar that Python did not ask for: a request to the loopback server."""
        if event.get("event") == "call":
            self._record_http(event["record"], event.get("updates", []))

    # ------------------------------------------------------------------ environment
    @property
    def env(self) -> dict[str, str]:
        """The environment variables functions see (`process.env`), CONVEX_SITE_URL and CONVEX_CLOUD_URL included."""
        return dict(self._result(self._request("env"))["env"])

    def set_env(self, name: str, value: str | None) -> None:
        """Sets (or, with None, removes) one of the app's environment variables, like
        `npx convex env set`; functions see it from their next call. auth.config.ts is
        evaluated again (a deployment does that on the next push)."""
        result = self._result(self._request("setEnv", name=name, value=value))
        self.auth = AuthConfig.from_wire(result["auth"])
        if value is None:
            self._app_env.pop(name, None)
        else:
            self._app_env[name] = value  # kept across restart()

    # ------------------------------------------------------------------ data
    def reset(self) -> None:
        """Empties the database, drops every subscription and pending scheduled function, puts the
        clock back on the wall clock (unfrozen) and deploys the crons again; the sidecar keeps running."""
        self._result(self._request("reset"))
        for ref in list(self._subscriptions.values()):
            sub = ref()
            if sub is not None:
                sub._drop()
        self._subscriptions.clear()
        self.calls.clear()

    def live_queries(self) -> list[dict[str, Any]]:
        """Every live subscription with how many times its query has run (once to start, then once
        per re-run). A deployment re-runs a query only when a write touches what it read; so does
        the playground, so this shows what a subscription costs."""
        queries = self._result(self._request("liveQueries"))["queries"]
        return [{"id": q["id"], "name": q["name"], "runs": int(q["runs"])} for q in queries]

    def bench_in_node(self, kind: str, name: str, args: Mapping[str, Any] | None = None, count: int = 100,
                      identity: Identity | None = None) -> list[float]:
        """Milliseconds per call for `count` calls made inside Node, straight on convex-test (for benchmarks),
        as `identity` (a client's `.identity`) if given."""
        result = self._result(self._request("bench", kind=kind, name=name, args=_to_wire(args), count=count,
                                            identity=dict(identity) if identity else None))
        return [float(ms) for ms in result["timings"]]

    def call_rows(self) -> list[dict[str, Any]]:
        """Every recorded call as a flat dict, ready for `pandas.DataFrame`."""
        return [record.as_row() for record in self.calls]

    # ------------------------------------------------------------------ the reviewer's probes (sidecar/review_probes.mjs)
    def exported_schema(self) -> dict[str, Any] | None:
        """The app schema's own `export()` as a dict (tables, their indexes, document validators as JSON),
        or None when the app has no schema."""
        return self._result(self._request("reviewSchema"))["schema"]

    def block_outbound_network(self) -> None:
        """From now on `fetch` from the app's functions to anything but the loopback interface fails
        (with a TypeError naming the refused origin), for the rest of this sidecar's life."""
        self._result(self._request("reviewBlockNetwork"))

    def take_access_log(self) -> dict[str, Any]:
        """What calls read and wrote since the last take, then forgets it (the first take starts recording):
        `{"sources": {"table.index" | "table" (a scan) | "table.search:name": ranges}, "filtered": the same
        for queries narrowed with .filter(), "writes": [{"table", "id", "existed", "deleted"}]}`."""
        return self._result(self._request("reviewTake"))

    def store_files(self, count: int) -> list[str]:
        """Stores `count` small text files in file storage and returns their `_storage` ids."""
        return list(self._result(self._request("reviewStoreFiles", count=count))["ids"])

    # ------------------------------------------------------------------ internals
    def _request(self, op: str, **fields: Any) -> dict:
        if self._process is None:
            raise PlaygroundError("this playground is closed; call start() or restart()")
        while self._abandoned:
            self._process.request("unsubscribe", timeout=self._call_timeout, subId=self._abandoned.pop())
        answer = self._process.request(op, timeout=self._call_timeout, **fields)
        # Live results a request changed but did not report in its own `updates` (see subscriptions.mjs).
        if answer.get("ok") and isinstance(answer.get("result"), dict) and "liveUpdates" in answer["result"]:
            self._dispatch(answer["result"].pop("liveUpdates"))
        return answer

    @staticmethod
    def _result(answer: dict) -> dict:
        if not answer["ok"]:
            _raise_for(answer["error"])
        return answer["result"]

    def _record(self, record: CallRecord, updates: list[dict]) -> None:
        self.calls.append(record)
        self._dispatch(updates)

    def _dispatch(self, updates: list[dict]) -> None:
        for update in updates:
            ref = self._subscriptions.get(update["id"])
            sub = ref() if ref else None
            if sub is not None and sub.active:
                sub._deliver(update)

    def _subscribe(self, client: PlaygroundClient, name: str, args: Mapping[str, Any] | None) -> Subscription:
        sub_id = f"s{next(self._sub_ids)}"
        result = self._result(self._request("subscribe", subId=sub_id, name=name, args=_to_wire(args),
                                            identity=client._identity))
        subscription = Subscription(client, sub_id, name, dict(args or {}), _raise_for)
        self._subscriptions[sub_id] = weakref.ref(subscription, lambda _ref, sid=sub_id: self._abandon(sid))
        subscription._deliver(result)
        return subscription

    def _forget(self, sub_id: str) -> None:
        self._subscriptions.pop(sub_id, None)
        if self.alive:
            try:
                self._request("unsubscribe", subId=sub_id)
            except PlaygroundError:
                pass

    def _abandon(self, sub_id: str) -> None:
        # The garbage collector can free a subscription in the middle of a request on
        # this very thread, so only note it here: the next request tells the sidecar.
        self._subscriptions.pop(sub_id, None)
        self._abandoned.append(sub_id)

    def _unsubscribe(self, subscription: Subscription) -> None:
        self._forget(subscription._id)

    def __repr__(self) -> str:
        state = "running" if self.alive else "stopped"
        return f"<Playground {self.app_dir.name}: {state}, {len(self.functions)} functions>"
