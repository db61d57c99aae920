"""Live queries on the Python side, shaped like the official client's.

`client.subscribe()` returns a `Subscription` and `client.watch_all()` a
`QuerySetSubscription`, with the behaviour of `convex.ConvexClient` (0.8.1):

* `next(sub)` (and `for value in sub`) returns the first result at once, then
  blocks until the next one: a committed write that changed the query's result,
  or a `set_auth` that did. `async for value in sub` awaits the same results.
* A query that fails makes `next()` raise (a plain `Exception` subclass, or
  `convex.ConvexError`); the subscription stays live and yields again later.
* After `unsubscribe()` every use raises, as the official client's does.

A notebook is single-threaded, so blocking there would wait forever: the
playground adds ways to look without blocking (`drain()`, `pending()`,
`current`) and to wait a bounded time (`next_value(timeout=...)`). Those are
extras: the official client has none of them.
"""

from __future__ import annotations

import asyncio
import collections
import threading
from typing import TYPE_CHECKING, Any, Callable

from convex.values import json_to_convex

from ._wire import from_wire
from .errors import ConvexError, SubscriptionDroppedError

if TYPE_CHECKING:
    from .playground import PlaygroundClient


class _Waiters:
    """Coroutines awaiting a change, woken from whichever thread delivers it."""

    def __init__(self) -> None:
        self._futures: list[tuple[asyncio.AbstractEventLoop, asyncio.Future]] = []

    def add(self) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._futures.append((loop, future))
        return future

    def wake(self) -> None:
        futures, self._futures = self._futures, []
        for loop, future in futures:
            try:
                loop.call_soon_threadsafe(lambda f=future: f.done() or f.set_result(None))
            except RuntimeError:  # that loop is closed: its waiter gave up long ago
                pass


class Subscription:
    """A live query: each item is a new result of `name` with `args`.

    Official names: `name`, `args`, `id`, `invalidated`, `unsubscribe()`,
    iteration (blocking) and async iteration. Playground extras: `current` (the
    latest result), `updates` (how many arrived), `pending()`, `drain()`,
    `next_value(timeout)`, `active`.
    """

    def __init__(self, client: "PlaygroundClient", sub_id: str, name: str, args: Any,
                 raise_for: Callable[[dict], None]):
        self.client = client
        self._id = sub_id
        self.name = name
        self.args = args
        self._raise_for = raise_for
        self._pending: collections.deque[tuple[str, Any]] = collections.deque()
        self._ready = threading.Condition()
        self._waiters = _Waiters()
        self._latest: tuple[str, Any] | None = None
        self.current: Any = None
        self.updates = 0
        self.active = True

    @property
    def id(self) -> str:
        """Identifies this subscription, e.g. among `watch_all()`'s results; raises once unsubscribed."""
        self._check_live()
        return self._id

    @property
    def invalidated(self) -> bool:
        """True once unsubscribed (the official client's attribute)."""
        return not self.active

    # ------------------------------------------------------------------ delivery (from the playground)
    def _deliver(self, update: dict) -> None:
        with self._ready:
            if "error" in update:
                entry = ("error", update["error"])
            else:
                value = from_wire(update["value"])
                self.current = value
                entry = ("value", value)
            self._pending.append(entry)
            self._latest = entry
            self.updates += 1
            self._ready.notify_all()
            self._waiters.wake()
        self.client._note_change()

    def _drop(self) -> None:
        with self._ready:
            self.active = False
            self._ready.notify_all()
            self._waiters.wake()

    def _latest_for_watch_all(self) -> tuple[bool, Any]:
        """(has a result, the result as `watch_all()` reports it: the value, or the error)."""
        if self._latest is None:
            return False, None
        kind, payload = self._latest
        if kind == "value":
            return True, payload
        if payload.get("kind") == "ConvexError":
            return True, ConvexError(payload.get("message", ""), json_to_convex(payload.get("data")))
        return True, payload.get("message", "")

    def _check_live(self) -> None:
        if not self.active:
            raise SubscriptionDroppedError(self.name)

    def _pop(self) -> Any:
        kind, payload = self._pending.popleft()
        if kind == "error":
            self._raise_for(payload)
        return payload

    # ------------------------------------------------------------------ the official client's interface
    def __iter__(self) -> "Subscription":
        return self

    def __next__(self) -> Any:
        """The next result; blocks until there is one (as the official client does)."""
        with self._ready:
            self._ready.wait_for(lambda: self._pending or not self.active)
            self._check_live()
            return self._pop()

    def __aiter__(self) -> "Subscription":
        return self

    async def __anext__(self) -> Any:
        while True:
            with self._ready:
                self._check_live()
                if self._pending:
                    return self._pop()
                woken = self._waiters.add()
            await woken

    def unsubscribe(self) -> None:
        """Stops the live query; using the subscription afterwards raises."""
        self._check_live()
        self._drop()
        self.client._forget(self)

    # ------------------------------------------------------------------ playground extras
    def pending(self) -> int:
        """How many results have arrived and not been taken yet."""
        return len(self._pending)

    def drain(self) -> list[Any]:
        """Every result that has arrived and not been taken, oldest first, without blocking.

        A failed run among them raises its error (the results after it stay pending).
        """
        with self._ready:
            self._check_live()
            taken = []
            while self._pending:
                taken.append(self._pop())
            return taken

    def next_value(self, timeout: float | None = None) -> Any:
        """Waits for the next result, up to `timeout` seconds (TimeoutError after)."""
        with self._ready:
            if not self._ready.wait_for(lambda: self._pending or not self.active, timeout=timeout):
                raise TimeoutError(f"no new result for {self.name} within {timeout} s")
            self._check_live()
            return self._pop()

    def __repr__(self) -> str:
        state = f"{self.pending()} pending, {self.updates} updates" if self.active else "unsubscribed"
        return f"<Subscription {self.name} {self.args!r}: {state}>"


class QuerySetSubscription:
    """`client.watch_all()`: each item maps every live subscription's `id` to its latest result.

    As in the official client, an item arrives each time one of the client's
    subscriptions gets a new result (the first `next()` waits for the next such
    change), and a failed query's entry is its error message (a `ConvexError`
    for a ConvexError) rather than an exception. The official client's
    synchronous iterator wraps each value in a `{"type": "value", "value": ...}`
    dict; this one gives the values themselves, as its documentation and its
    asynchronous iterator do.
    """

    def __init__(self, client: "PlaygroundClient"):
        self._client = client
        self._seen = client._changes

    def _snapshot(self) -> dict[str, Any]:
        results = {}
        for sub in self._client._live_subscriptions():
            has_result, result = sub._latest_for_watch_all()
            if has_result:
                results[sub._id] = result
        return results

    def __iter__(self) -> "QuerySetSubscription":
        return self

    def __next__(self) -> dict[str, Any]:
        changed = self._client._changed
        with changed:
            changed.wait_for(lambda: self._client._changes != self._seen)
            self._seen = self._client._changes
        return self._snapshot()

    def __aiter__(self) -> "QuerySetSubscription":
        return self

    async def __anext__(self) -> dict[str, Any]:
        while True:
            with self._client._changed:
                if self._client._changes != self._seen:
                    self._seen = self._client._changes
                    break
                woken = self._client._change_waiters.add()
            await woken
        return self._snapshot()
