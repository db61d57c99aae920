"""One round of the dynamic pass: seed the tables at one size and call every function.

At every size each public function is called once as alice with her own
data (the measurement), and internal queries and mutations once as admin (so
the indexes they read count as used). At the probe size (the smallest) each
public function is also called:

* anonymously and as carol (signed in, owning no data), with alice's data
  (access control);
* as carol, naming bob in its user arguments, with bob's data (identity from
  arguments), when an argument names a user;
* a mutation twice more, as bob with his data and as alice with other
  arguments (does every call write the same document?);
* a query once more as a live subscription, followed by a write of a fresh
  document to each table it read (does an unrelated write re-run it?).

The probes of a function run before alice's own call of it (a mutation that
deletes would otherwise have used her data up). Queries go first, then
mutations, then actions, so reads see the seeded data
before writes change it. Scheduled functions the calls created run at the end
of the round (their reads and writes are not attributed to a caller).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from convex_playground.errors import PlaygroundError

from .arguments import arguments_for, names_users, names_users_by_name
from .probes import CallOutcome, call, take_probes
from .seeding import SeedState, TableInfo, seed
from .values import Picker, Unsatisfiable, generate_object, identity_key

_KIND_ORDER = {"query": 0, "mutation": 1, "action": 2}


@dataclass
class Subscription:
    """What a live query did when an unrelated document was written to a table it read."""

    function: str
    size: int
    table: str
    reran: bool
    changed: bool


@dataclass
class Round:
    size: int
    state: SeedState
    outcomes: list[CallOutcome] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    inserted_owner: dict[str, str] = field(default_factory=dict)  # id of a document a probe inserted -> its owner
    scheduled_sources: set[str] = field(default_factory=set)  # what scheduled functions read through
    seeded: dict[str, int] = field(default_factory=dict)


def run_round(playground: Any, tables: dict[str, TableInfo], identities: dict[str, dict], functions: list[dict],
              size: int, *, probe: bool, rng: random.Random, static_args: dict[str, list[str]],
              progress: Callable[[str], None], one_per_user: frozenset[str] = frozenset()) -> Round:
    playground.reset()
    progress(f"seeding {size:,} per table ({len(tables)} tables)")
    admin = playground.admin()
    state = seed(admin, tables, identities, size, rng, one_per_user, store_files=playground.store_files)
    current = Round(size=size, state=state, seeded={name: len(ids) for name, ids in state.ids.items()})
    clients = {"anonymous": playground.client(), "admin": admin,
               **{user: playground.client(identity) for user, identity in identities.items()}}
    public = sorted((f for f in functions if f["visibility"] == "public"), key=lambda f: (_KIND_ORDER[f["kind"]], f["name"]))
    internal = sorted((f for f in functions if f["visibility"] == "internal" and f["kind"] != "action"),
                      key=lambda f: (_KIND_ORDER[f["kind"]], f["name"]))
    callers = "anonymous, alice, bob, carol" if probe else "alice"
    progress(f"calling {len(public)} public functions as {callers} at {size:,} per table")

    def invoke(function: dict, caller: str, purpose: str, args: dict) -> CallOutcome:
        outcome = call(playground, clients[caller], function, caller, purpose, size, args)
        for write in outcome.writes:
            if write.deleted:
                state.forget(write.id)
        current.outcomes.append(outcome)
        if purpose.startswith("probe"):
            _note_inserted_owners(admin, state, outcome, current.inserted_owner)
        _remove_second_accounts(admin, state, outcome)
        return outcome

    for function in public:
        arg_names = static_args.get(function["name"])
        own = arguments_for(function, state, rng, data_of="alice", naming="alice", static_args=arg_names)
        if own is None:
            continue
        if probe:
            if function["kind"] == "query":
                _watch(playground, clients["alice"], function, own, state, rng, current)
            # The probes go before alice's own call, so a mutation that deletes has not used her data up yet.
            for caller, purpose in (("anonymous", "probe-anonymous"), ("carol", "probe-other-user")):
                args = arguments_for(function, state, rng, data_of="alice", naming="alice", static_args=arg_names)
                if args is not None:
                    invoke(function, caller, purpose, args)
            if names_users(function, state) or names_users_by_name(function, state, arg_names):
                args = arguments_for(function, state, rng, data_of="bob", naming="bob", static_args=arg_names)
                if args is not None:
                    invoke(function, "carol", "probe-identity-args", args)
            own = arguments_for(function, state, rng, data_of="alice", naming="alice", static_args=arg_names)
            if own is None:
                continue
        measured = invoke(function, "alice", "measure", own)
        # A mutation that deletes is not repeated: the repeats would only use up the probe users' data.
        if probe and function["kind"] == "mutation" and measured.ok and not any(w.deleted for w in measured.writes):
            for caller in ("bob", "alice"):
                args = arguments_for(function, state, rng, data_of=caller, naming=caller, static_args=arg_names)
                if args is not None:
                    invoke(function, caller, "repeat", args)
    for function in internal:
        args = arguments_for(function, state, rng, data_of="alice", naming="alice")
        if args is not None:
            invoke(function, "admin", "measure", args)
    try:
        playground.run_scheduled()
    except PlaygroundError:
        pass  # a scheduled function that hangs is not this round's measurement
    current.scheduled_sources = set(take_probes(playground).get("sources", {}))
    return current


def _note_inserted_owners(admin: Any, state: SeedState, outcome: CallOutcome, owners: dict[str, str]) -> None:
    """Who owns each document a probe inserted: the user its user-reference fields point at, or, for a
    new users document, the user whose identity (token identifier, subject, email) it was given."""
    by_id = {user_id: user for user, user_id in state.user_ids.items()}
    for write in outcome.writes:
        info = state.tables.get(write.table)
        if write.existed or write.deleted or info is None:
            continue
        if write.table == state.users_table:
            claimed = _identity_owner(admin.get(write.id) or {}, state)
            if claimed is not None:
                owners[write.id] = claimed
            continue
        if not info.owner_fields:
            continue
        document = admin.get(write.id) or {}
        for field_name in info.owner_fields:
            if document.get(field_name) in by_id:
                owners[write.id] = by_id[document[field_name]]
                break



def _remove_second_accounts(admin: Any, state: SeedState, outcome: CallOutcome) -> None:
    """Deletes a users document a call created for a probe user who has one already (a sign-up taking the
    identity from its arguments): with two, every later lookup of that user by token fails as not unique."""
    for write in outcome.writes:
        if write.table != state.users_table or write.existed or write.deleted:
            continue
        document = admin.get(write.id)
        if document is not None and _identity_owner(document, state) is not None:
            admin.delete(write.id)

def _identity_owner(document: dict, state: SeedState) -> str | None:
    """The probe user whose token identifier or subject (else email) a users document holds."""
    for keys in (("tokenIdentifier", "subject"), ("email",)):
        for name, value in document.items():
            key = identity_key(name)
            if key not in keys:
                continue
            for user, identity in state.identities.items():
                if value == identity.get(key):
                    return user
    return None

_NOT_UNIQUE = re.compile(r"unique\(\) query returned more than one result from table (\w+)")


def tables_read_as_unique(current: Round) -> set[str]:
    """Tables where alice's own calls failed because she owns several rows the app expects one of."""
    found = {match.group(1) for o in current.outcomes if o.caller == "alice" and not o.ok
             for match in [_NOT_UNIQUE.search(o.error or "")] if match}
    return {table for table in found if table in current.state.tables and current.state.tables[table].owner_fields}


def _watch(playground: Any, client: Any, function: dict, args: dict, state: SeedState, rng: random.Random,
           current: Round) -> None:
    """Subscribes to the query, writes one unrelated document to each table it read, and notes what re-ran."""
    take_probes(playground)
    try:
        subscription = client.subscribe(function["name"], args)
    except Exception:  # a query that fails for its caller cannot be watched; its call reports the error
        take_probes(playground)
        return
    tables_read = sorted({source.split(".")[0] for source in take_probes(playground).get("sources", {})})
    admin = playground.admin()
    try:
        for table in tables_read:
            info = state.tables.get(table)
            if info is None:
                continue
            document = _unrelated_document(info, state, rng)
            if document is None:
                continue
            runs_before = _runs(playground, function["name"])
            pending_before = subscription.pending()
            inserted = admin.insert(table, document)
            reran = _runs(playground, function["name"]) > runs_before
            changed = subscription.pending() > pending_before
            current.subscriptions.append(Subscription(function["name"], current.size, table, reran, changed))
            admin.delete(inserted)
    finally:
        subscription.unsubscribe()
        take_probes(playground)


def _runs(playground: Any, name: str) -> int:
    return sum(q["runs"] for q in playground.live_queries() if q["name"] == name)


def _unrelated_document(info: TableInfo, state: SeedState, rng: random.Random) -> dict | None:
    """A new document owned by nobody the probes sign in as, pointing at random documents."""
    others = [i for i in state.ids.get(state.users_table or "", []) if i not in state.user_ids.values()]

    def pick_id(table: str, field_name: str | None) -> str | None:
        pool = others if table == state.users_table and others else state.ids.get(table) or []
        return rng.choice(pool) if pool else None

    try:
        return generate_object(info.fields, Picker(rng=rng, pick_id=pick_id, vector_dimensions=info.vector_dimensions,
                                                   serial=rng.randrange(10**9)))
    except Unsatisfiable:
        return None
