"""Run a Convex app folder on a local, account-free backend and talk to it from Python.

    with Playground() as pg:                      # the guide's reference app
        alice = pg.client(identity={"subject": "alice", "name": "Alice", "email": "a@example.com"})
        alice.mutation("users:store")
        print(alice.last_call.metrics.documents_written)

The clients have the method names and errors of the official `convex.ConvexClient`
(`query`, `mutation`, `action`, `subscribe`, `set_auth`, `clear_auth`), so code
written against a playground client runs against a real deployment too.
"""

from __future__ import annotations

import base64
import collections
import itertools
import json
import os
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from convex.values import coerce_args_to_convex, convex_to_json, json_to_convex

from ._process import SidecarProcess
from .app import resolve_app
from .errors import (
    ArgumentValidationError,
    ConvexError,
    FunctionError,
    InternalFunctionError,
    PlaygroundError,
    UnknownFunctionError,
)
from .records import CallRecord, LogLine, Metrics

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_APP = REPO_ROOT / "snippets"


def _cache_dir() -> Path:
    """Where app bundles and generated code are cached, outside the app's folder."""
    return Path(os.environ.get("CONVEX_PLAYGROUND_CACHE", REPO_ROOT / "build" / "playground-cache"))


Identity = Mapping[str, Any]
_CLAIM_NAMES = {"sub": "subject", "iss": "issuer", "given_name": "givenName", "family_name": "familyName",
                "picture": "pictureUrl", "email_verified": "emailVerified", "phone_number": "phoneNumber"}


def _toolchain() -> Path:
    """The folder whose node_modules holds convex, convex-test and esbuild."""
    folder = Path(os.environ.get("CONVEX_PLAYGROUND_TOOLCHAIN", DEFAULT_APP))
    for package in ("convex", "convex-test", "esbuild", "semver", "@sinonjs/fake-timers"):
        if not (folder / "node_modules" / package / "package.json").is_file():
            raise PlaygroundError(
                f"{folder / 'node_modules' / package} is missing: run `make install` "
                f"(or `npm ci` in {folder}) before starting a playground"
            )
    return folder


def identity_from_token(token: str | Identity) -> dict[str, Any]:
    """Claims for a playground identity from a claims dict or a JWT.

    A JWT's payload is decoded without checking its signature: the playground
    trusts the caller, as a test does. Standard JWT claim names (`sub`, `iss`,
    `given_name`, ...) become Convex's `UserIdentity` field names.
    """
    if isinstance(token, Mapping):
        claims = dict(token)
    elif isinstance(token, str):
        parts = token.split(".")
        if len(parts) != 3:
            raise ValueError("set_auth() takes a JWT (three dot-separated parts) or a dict of claims")
        payload = parts[1] + "=" * (-len(parts[1]) % 4)
        try:
            claims = json.loads(base64.urlsafe_b64decode(payload))
        except ValueError as error:
            raise ValueError(f"set_auth(): the JWT's payload is not base64url JSON ({error})") from None
    else:
        raise TypeError(f"set_auth() takes a JWT string or a dict of claims, not {type(token).__name__}")
    identity = {_CLAIM_NAMES.get(key, key): value for key, value in claims.items()}
    if not identity.get("subject") and not identity.get("tokenIdentifier"):
        raise ValueError("an identity needs at least a 'subject' (JWT 'sub') or a 'tokenIdentifier'")
    return identity


def _to_wire(args: Mapping[str, Any] | None) -> Any:
    return convex_to_json(coerce_args_to_convex(dict(args) if args else {}))


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
    id: str
    name: str
    args: Any
    state: str  # success | failed | canceled
    error: str | None


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class Subscription:
    """A live query. Iterating yields each new result as it arrives.

    The first item is the current result. After that, an item arrives when a
    committed write (a mutation, an action's mutations, a scheduled function, an
    admin write) changes the query's result; a write that leaves it unchanged
    yields nothing. Because a notebook is single-threaded, iteration does not
    block: `for value in sub` yields what has arrived so far and stops. Use
    `next_value(timeout=...)` to wait for one from another thread.
    """

    def __init__(self, playground: "Playground", sub_id: str, name: str, args: Any):
        self._playground = playground
        self.id = sub_id
        self.name = name
        self.args = args
        self._pending: collections.deque[tuple[str, Any]] = collections.deque()
        self._ready = threading.Condition()
        self.current: Any = None
        self.updates = 0
        self.active = True

    def _deliver(self, update: dict) -> None:
        with self._ready:
            if "error" in update:
                self._pending.append(("error", update["error"]))
            else:
                value = json_to_convex(update["value"])
                self.current = value
                self._pending.append(("value", value))
            self.updates += 1
            self._ready.notify_all()

    def _pop(self) -> Any:
        kind, payload = self._pending.popleft()
        if kind == "error":
            _raise_for(payload)
        return payload

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        with self._ready:
            if not self._pending:
                raise StopIteration
            return self._pop()

    def pending(self) -> int:
        """How many results have arrived and not been taken yet."""
        return len(self._pending)

    def next_value(self, timeout: float | None = None) -> Any:
        """Waits for the next result, up to `timeout` seconds (TimeoutError after)."""
        with self._ready:
            if not self._ready.wait_for(lambda: bool(self._pending), timeout=timeout):
                raise TimeoutError(f"no new result for {self.name} within {timeout} s")
            return self._pop()

    def unsubscribe(self) -> None:
        if self.active:
            self.active = False
            self._playground._unsubscribe(self)

    def __repr__(self) -> str:
        return f"<Subscription {self.name} {self.args!r}: {self.pending()} pending, {self.updates} updates>"


class PlaygroundClient:
    """A client as a browser or server would hold one: public functions only."""

    _admin = False

    def __init__(self, playground: "Playground", identity: Identity | None = None):
        self._playground = playground
        self._identity = identity_from_token(identity) if identity else None
        self.last_call: CallRecord | None = None

    # -- auth, as convex.ConvexClient
    def set_auth(self, token: str | Identity) -> None:
        """Acts as the user a JWT (or a dict of claims) describes."""
        self._identity = identity_from_token(token)

    def clear_auth(self) -> None:
        self._identity = None

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
        return self._playground._subscribe(name, args, self._identity)

    def _call(self, kind: str, name: str, args: Mapping[str, Any] | None) -> Any:
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
        return json_to_convex(result["value"])


class AdminClient(PlaygroundClient):
    """What a deployment's admin key (or the dashboard) can do: call internal
    functions and read and write tables directly, e.g. to seed data."""

    _admin = True

    def insert(self, table: str, document: Mapping[str, Any] | list[Mapping[str, Any]]) -> Any:
        """Inserts one document (returns its id) or a list (returns their ids), unvalidated by functions
        but checked against the schema."""
        many = isinstance(document, list)
        documents = document if many else [document]
        ids = self._table("insert", table=table, documents=[convex_to_json(coerce_args_to_convex(dict(d))) for d in documents])
        return ids if many else ids[0]

    def table(self, table: str, limit: int | None = None) -> list[dict[str, Any]]:
        """The documents of a table, in creation order."""
        return self._table("list", table=table, limit=limit)

    def count(self, table: str) -> int:
        return int(self._table("count", table=table))

    def get(self, document_id: str) -> dict[str, Any] | None:
        return self._table("get", id=document_id)

    def patch(self, document_id: str, fields: Mapping[str, Any]) -> None:
        self._table("patch", id=document_id, fields=convex_to_json(coerce_args_to_convex(dict(fields))))

    def replace(self, document_id: str, document: Mapping[str, Any]) -> None:
        self._table("replace", id=document_id, document=convex_to_json(coerce_args_to_convex(dict(document))))

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
    """

    def __init__(self, app_dir: str | os.PathLike[str] | None = None, *, enforce_limits: bool = True,
                 node: str = "node", call_timeout: float | None = 300.0, history: int = 10_000,
                 write_generated: bool = False):
        self.app = resolve_app(app_dir if app_dir is not None else DEFAULT_APP)
        self.app_dir = self.app.root
        self._write_generated = write_generated
        self._enforce_limits = enforce_limits
        self._node = node
        self._call_timeout = call_timeout
        self.calls: collections.deque[CallRecord] = collections.deque(maxlen=history)
        self._subscriptions: dict[str, weakref.ReferenceType[Subscription]] = {}
        self._sub_ids = itertools.count(1)
        self._process: SidecarProcess | None = None
        self._finalizer: weakref.finalize | None = None
        self.start()

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        if self._process is not None and self._process.alive:
            return
        process = SidecarProcess(self.app, _toolchain(), node=self._node, enforce_limits=self._enforce_limits,
                                 cache_dir=_cache_dir(), write_generated=self._write_generated)
        self._process = process
        # Stop the sidecar when this object is collected or Python exits.
        self._finalizer = weakref.finalize(self, process.terminate)
        hello = self._result(self._request("hello"))
        self.functions = [FunctionInfo(**fn) for fn in hello["functions"]]
        self.tables: list[str] = hello["tables"]
        self.startup_ms = process.spawn_ms
        self.node_version = hello["node"]

    def close(self) -> None:
        """Stops the Node sidecar. Safe to call twice."""
        if self._finalizer is not None:
            self._finalizer()
        for ref in list(self._subscriptions.values()):
            sub = ref()
            if sub is not None:
                sub.active = False
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
    def advance(self, ms: float) -> list[ScheduledRun]:
        """Moves the clock `ms` milliseconds on and runs every scheduled function that falls due."""
        result = self._result(self._request("advance", ms=ms))
        self._dispatch(result.get("updates", []))
        return [ScheduledRun(id=r["id"], name=r["name"], args=json_to_convex(r["args"]), state=r["state"],
                             error=r.get("error")) for r in result["ran"]]

    def run_scheduled(self) -> list[ScheduledRun]:
        """Runs the scheduled functions that are already due (e.g. `runAfter(0, ...)`)."""
        return self.advance(0)

    def scheduled(self) -> list[dict[str, Any]]:
        """Every scheduled function the app has created, with its state."""
        return json_to_convex(self._result(self._request("scheduled"))["jobs"])

    # ------------------------------------------------------------------ HTTP actions
    def fetch(self, path: str, *, method: str = "GET", headers: Mapping[str, str] | None = None,
              body: str | bytes | None = None) -> HttpResponse:
        """Calls the app's HTTP router (convex/http.ts) as an outside service would."""
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        result = self._result(self._request("http", method=method.upper(), path=path, headers=dict(headers or {}), body=body))
        if "error" in result:
            _raise_for(result["error"])
        self._dispatch(result.get("updates", []))
        return HttpResponse(status=int(result["status"]), headers=result["headers"], text=result["body"])

    # ------------------------------------------------------------------ data
    def reset(self) -> None:
        """Empties the database and drops every subscription; the sidecar keeps running."""
        self._result(self._request("reset"))
        for ref in self._subscriptions.values():
            sub = ref()
            if sub is not None:
                sub.active = False
        self._subscriptions.clear()
        self.calls.clear()

    def bench_in_node(self, kind: str, name: str, args: Mapping[str, Any] | None = None, count: int = 100) -> list[float]:
        """Milliseconds per call for `count` calls made inside Node, straight on convex-test (for benchmarks)."""
        result = self._result(self._request("bench", kind=kind, name=name, args=_to_wire(args), count=count))
        return [float(ms) for ms in result["timings"]]

    def call_rows(self) -> list[dict[str, Any]]:
        """Every recorded call as a flat dict, ready for `pandas.DataFrame`."""
        return [record.as_row() for record in self.calls]

    # ------------------------------------------------------------------ internals
    def _request(self, op: str, **fields: Any) -> dict:
        if self._process is None:
            raise PlaygroundError("this playground is closed; call start() or restart()")
        return self._process.request(op, timeout=self._call_timeout, **fields)

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

    def _subscribe(self, name: str, args: Mapping[str, Any] | None, identity: Identity | None) -> Subscription:
        sub_id = f"s{next(self._sub_ids)}"
        result = self._result(self._request("subscribe", subId=sub_id, name=name, args=_to_wire(args), identity=identity))
        subscription = Subscription(self, sub_id, name, dict(args or {}))
        self._subscriptions[sub_id] = weakref.ref(subscription, lambda _ref, sid=sub_id: self._forget(sid))
        subscription._deliver(result)
        return subscription

    def _forget(self, sub_id: str) -> None:
        self._subscriptions.pop(sub_id, None)
        if self.alive:
            try:
                self._request("unsubscribe", subId=sub_id)
            except PlaygroundError:
                pass

    def _unsubscribe(self, subscription: Subscription) -> None:
        self._forget(subscription.id)

    def __repr__(self) -> str:
        state = "running" if self.alive else "stopped"
        return f"<Playground {self.app_dir.name}: {state}, {len(self.functions)} functions>"
