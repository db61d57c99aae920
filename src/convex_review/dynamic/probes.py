"""Calling an app's functions on the playground and recording what each call did.

A call's failure is data, never a crash: the outcome keeps the error message.
Beside the playground's per-call metrics, each outcome has the index ranges
the call read through (by index name, or the table for a scan), the tables of
the documents it fetched by id, and the documents it wrote (with whether each
existed before), from the sidecar's review probes (sidecar/review_probes.mjs).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from convex.values import convex_to_json

from convex_playground.errors import PlaygroundError
from convex_playground.records import Metrics


@dataclass(frozen=True)
class Write:
    table: str
    id: str
    existed: bool
    deleted: bool


@dataclass(frozen=True)
class CallOutcome:
    """One call: who made it, with which arguments, what it returned or why it failed, and what it cost."""

    function: str
    kind: str
    caller: str  # "anonymous", "alice", "bob" or "admin"
    purpose: str  # "measure", "probe-anonymous", "probe-other-user", "probe-identity-args", "repeat"
    size: int
    args: dict
    ok: bool
    error: str | None
    result: Any
    metrics: Metrics
    sources: dict[str, int] = field(default_factory=dict)
    filtered: dict[str, int] = field(default_factory=dict)
    writes: tuple[Write, ...] = ()
    gets: dict[str, int] = field(default_factory=dict)  # documents fetched by id, per table

    @property
    def tables_read(self) -> set[str]:
        """Every table the call read: through a query (index range, scan, search) or a document fetched by id."""
        return {source.split(".")[0] for source in self.sources} | {table for table, count in self.gets.items() if count}

    @property
    def result_items(self) -> int:
        """How many things the call returned: a list's length, a page's length, else 1 (0 for null)."""
        value = self.result
        if isinstance(value, dict) and isinstance(value.get("page"), list):
            return len(value["page"])
        if isinstance(value, list):
            return len(value)
        return 0 if value is None else 1

    @property
    def result_bytes(self) -> int:
        try:
            return len(json.dumps(convex_to_json(self.result)))
        except (TypeError, ValueError):
            return 0

    def returned_documents(self) -> list[dict]:
        """Every dict with an `_id` anywhere in the result: the documents the caller got to see."""
        found: list[dict] = []
        stack = [self.result]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if isinstance(node.get("_id"), str):
                    found.append(node)
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
        return found


def take_probes(playground: Any) -> dict:
    """What the calls since the last take read through and wrote (see review_probes.mjs)."""
    return playground.take_access_log()


def call(playground: Any, client: Any, function: dict, caller: str, purpose: str, size: int, args: dict) -> CallOutcome:
    """Calls `function` (a catalog entry) through `client`; never raises for the function's own failure."""
    take_probes(playground)  # forget what earlier work (seeding, scheduled runs) read
    method = getattr(client, function["kind"])
    ok, error, result = True, None, None
    try:
        result = method(function["name"], args)
    except PlaygroundError as failure:  # refused before it ran (unknown, internal, a timeout)
        ok, error = False, str(failure)
    except Exception as failure:  # the function threw: the error is part of the measurement
        ok, error = False, str(failure)
    metrics = client.last_call.metrics if client.last_call is not None and client.last_call.function == function["name"] else Metrics()
    client.last_call = None
    probes = take_probes(playground)
    writes = tuple(Write(w["table"], w["id"], bool(w["existed"]), bool(w["deleted"])) for w in probes.get("writes", []))
    return CallOutcome(function=function["name"], kind=function["kind"], caller=caller, purpose=purpose, size=size,
                       args=args, ok=ok, error=error, result=result, metrics=metrics,
                       sources=dict(probes.get("sources", {})), filtered=dict(probes.get("filtered", {})),
                       writes=writes, gets=dict(probes.get("gets", {})))
