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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from convex.values import coerce_args_to_convex, convex_to_json, json_to_convex

from ._process import SidecarProcess
from ._wire import from_wire
from .errors import (
    ArgumentValidationError,
    ConvexError,
    FunctionError,
    InternalFunctionError,
    PlaygroundError,
    UnknownFunctionError,
)
from .records import CallRecord, LogLine, Metrics
from .subscriptions import QuerySetSubscription, Subscription, _Waiters

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_APP = REPO_ROOT / "snippets"

Identity = Mapping[str, Any]
_CLAIM_NAMES = {"sub": "subject", "iss": "issuer", "given_name": "givenName", "family_name": "familyName",
                "picture": "pictureUrl", "email_verified": "emailVerified", "phone_number": "phoneNumber"}


def _toolchain() -> Path:
    """The folder whose node_modules holds convex, convex-test and tsx."""
    folder = Path(os.environ.get("CONVEX_PLAYGROUND_TOOLCHAIN", DEFAULT_APP))
    for package in ("convex", "convex-test", "tsx", "@sinonjs/fake-timers"):
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


class PlaygroundClient:
    """A client as a browser or server would hold one: public functions only."""

    _admin = False

    def __init__(self, playground: "Playground", identity: Identity | None = None):
        self._playground = playground
        self._identity = identity_from_token(identity) if identity else None
        self.last_call: CallRecord | None = None
        self._subscriptions: weakref.WeakValueDictionary[str, Subscription] = weakref.WeakValueDictionary()
        # watch_all(): a counter of changes to this client's live results, and who waits for the next one.
        self._changed = threading.Condition()
        self._changes = 0
        self._change_waiters = _Waiters()

    # -- auth, as convex.ConvexClient
    def set_auth(self, token: str | Identity | None) -> None:
        """Acts as the user a JWT (or a dict of claims) describes; `None` signs out.

        Live subscriptions of this client run again as the new identity and
        yield if their result changed, as on a deployment.
        """
        if token is None:
            return self.clear_auth()
        self._identity = identity_from_token(token)
        self._reauthenticate()

    def clear_auth(self) -> None:
        self._identity = None
        self._reauthenticate()

    def set_admin_auth(self, admin_key: str) -> None:
        """Acts with a deployment's admin key: internal functions become callable, with no user identity.

        The playground has no keys to check: any non-empty string is accepted.
        """
        if not isinstance(admin_key, str) or not admin_key:
            raise ValueError("set_admin_auth() takes an admin key: a non-empty string")
        self._admin = True
        self._identity = None
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
        return from_wire(result["value"])


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
    """A local Convex backend for one app folder (a folder holding `convex/`).

    It runs the app's own functions on convex-test, Convex's mock backend, in a
    Node process. The database is in memory and starts empty. Use it as a
    context manager, or call `close()`.
    """

    def __init__(self, app_dir: str | os.PathLike[str] | None = None, *, enforce_limits: bool = True,
                 node: str = "node", call_timeout: float | None = 300.0, history: int = 10_000):
        self.app_dir = Path(app_dir).resolve() if app_dir is not None else DEFAULT_APP
        if not (self.app_dir / "convex").is_dir():
            raise PlaygroundError(f"{self.app_dir} is not a Convex app folder: it has no convex/ subfolder")
        self._enforce_limits = enforce_limits
        self._node = node
        self._call_timeout = call_timeout
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
        process = SidecarProcess(self.app_dir, _toolchain(), node=self._node, enforce_limits=self._enforce_limits)
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
