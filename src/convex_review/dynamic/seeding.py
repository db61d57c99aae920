"""Fill every table of an app's schema with synthetic documents, two of whose users the reviewer signs in as.

Tables are seeded in an order where a table comes after the tables its ids
point at, so every `v.id` holds the id of a real document. A reference that
cannot be satisfied (a cycle of required ids, an empty table) leaves the
document out, with a warning. The users table is the table named like one
(`users`, `profiles`, `accounts`) or the one with an identity field
(`tokenIdentifier`, `subject`, `clerkId`, ...); its first three documents carry
the identities of "alice", "bob" and "carol", as the app's `ctx.auth` would see
them, so code that finds the caller's user row by token or email finds it.

Ownership: a document is owned by the user its user-reference fields (a
top-level `v.id("users")` field) point at; a users document owns itself.
In every table with such fields alice and bob own `OWNED_PER_USER` rows each
whatever the size (some among the oldest rows, the rest among the newest),
and other users own the rest, so one user's data stays the
same size as the tables grow, as in a real app (a `.collect()` of "my notes"
does not grow; a scan of the table does). carol owns nothing but her users
document. `SeedState.related(user, table)` is what
a real client of that user would pass: documents of the table the user owns or
that the user's own documents point at (the channels alice is a member of).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any


from .values import (
    Picker,
    Unsatisfiable,
    generate_object,
    identity_key,
    referenced_tables,
    user_reference_fields,
)

# alice and bob own data; carol has a users document and nothing else (the outsider of the probes).
USER_NAMES = ("alice", "bob", "carol")
DATA_OWNERS = ("alice", "bob")
OWNED_PER_USER = 5
FILES = 50  # files stored for tables that point at `_storage` (each a few bytes)
# A table with a vector index gets at most this many documents: each holds a vector of hundreds or
# thousands of numbers (1,536 for OpenAI's embeddings), and 2,000 of them take minutes to seed. A vector
# search returns at most 256 documents whatever the table's size, so a few hundred are enough to exercise it.
VECTOR_TABLE_ROWS = 200
_USERS_TABLE_NAMES = ("users", "user", "profiles", "accounts", "members")


@dataclass
class TableInfo:
    name: str
    fields: dict  # the document validator's field map
    indexes: list[dict]  # [{"indexDescriptor", "fields"}]
    vector_dimensions: dict[str, int]
    owner_fields: list[str] = field(default_factory=list)


@dataclass
class SeedState:
    """What was seeded: ids per table, each document's owner and the ids it points at."""

    tables: dict[str, TableInfo]
    users_table: str | None
    identities: dict[str, dict[str, str]]  # "alice" -> {"subject", "tokenIdentifier", "email", "name"}
    ids: dict[str, list[str]] = field(default_factory=dict)
    owner: dict[str, str] = field(default_factory=dict)  # id -> "alice" | "bob" (others are not recorded)
    references: dict[str, set[str]] = field(default_factory=dict)  # id -> ids it points at
    documents: dict[str, dict] = field(default_factory=dict)  # id -> the seeded fields
    user_ids: dict[str, str] = field(default_factory=dict)  # "alice" -> her users document
    homes: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (user, table) -> the ids her rows point at
    one_per_user: frozenset[str] = frozenset()
    warnings: list[str] = field(default_factory=list)

    def related(self, user: str, table: str) -> list[str]:
        """Ids of `table` the user's own documents point at (her channels), else those she owns, still existing."""
        existing = set(self.ids.get(table, []))
        home = [i for i in self.homes.get((user, table), []) if i in existing]
        own = [i for i in self.ids.get(table, []) if self.owner.get(i) == user]
        if home and own and home[0] not in own:
            # An earlier call deleted the one of hers that led (a probe of a delete mutation): another of hers
            # leads instead, or every later call would act on someone else's document and be refused.
            home = [own[0], *home]
        return home or own

    def forget(self, document_id: str) -> None:
        """A call deleted the document: later calls must not pick it."""
        for ids in self.ids.values():
            if document_id in ids:
                ids.remove(document_id)
                return


def table_infos(schema_export: dict | None) -> dict[str, TableInfo]:
    """The tables of the schema's `export()`, with their document field maps."""
    infos: dict[str, TableInfo] = {}
    for table in (schema_export or {}).get("tables", []):
        document = table.get("documentType") or {"type": "any"}
        fields = document.get("value", {}) if document.get("type") == "object" else {}
        dimensions = {vector["vectorField"]: int(vector["dimensions"]) for vector in table.get("vectorIndexes") or []}
        infos[table["tableName"]] = TableInfo(table["tableName"], fields, list(table.get("indexes") or []), dimensions)
    return infos


def find_users_table(tables: dict[str, TableInfo]) -> str | None:
    """The table that holds the app's users (see the module docstring)."""
    for name in _USERS_TABLE_NAMES:
        if name in tables:
            return name
    for name, info in tables.items():
        if any(identity_key(f) in ("tokenIdentifier", "subject") for f in info.fields):
            return name
    return None


def seeding_order(tables: dict[str, TableInfo]) -> list[str]:
    """Referenced tables first; within a cycle, the table with the fewest unseeded references goes first."""
    deps = {name: referenced_tables(info.fields) & set(tables) - {name} for name, info in tables.items()}
    order: list[str] = []
    remaining = set(tables)
    while remaining:
        ready = sorted(name for name in remaining if not deps[name] - set(order))
        if not ready:
            ready = [min(sorted(remaining), key=lambda name: len(deps[name] - set(order)))]
        order.append(ready[0])
        remaining.discard(ready[0])
    return order


def seed(admin: Any, tables: dict[str, TableInfo], identities: dict[str, dict[str, str]], size: int,
         rng: random.Random, one_per_user: frozenset[str] = frozenset(),
         store_files: Any = None) -> SeedState:
    """Inserts `size` documents into every table; returns what was inserted.

    `one_per_user` names tables where alice and bob own one row each instead of
    `OWNED_PER_USER` (the app reads them with `.unique()`: a plan, a profile).
    `store_files(n)` stores n files and returns their ids, for `v.id("_storage")` fields.
    """
    users_table = find_users_table(tables)
    state = SeedState(tables=tables, users_table=users_table, identities=identities, one_per_user=one_per_user)
    for info in tables.values():
        info.owner_fields = user_reference_fields(info.fields, users_table)
    if store_files is not None and any("_storage" in referenced_tables(t.fields) for t in tables.values()):
        state.ids["_storage"] = list(store_files(min(size, FILES)))
    for name in seeding_order(tables):
        _seed_table(admin, state, tables[name], size, rng)
    return state


def _seed_table(admin: Any, state: SeedState, info: TableInfo, size: int, rng: random.Random) -> None:
    state.ids.setdefault(info.name, [])
    if info.vector_dimensions and size > VECTOR_TABLE_ROWS:
        size = VECTOR_TABLE_ROWS
        state.warnings.append(f"seeding {info.name}: {VECTOR_TABLE_ROWS} documents, not more (a vector index's "
                              "table): reads that grow with it are judged by the code alone")
    others = [i for i in state.ids.get(state.users_table or "", []) if i not in state.user_ids.values()]
    # A table that points at itself is seeded in two batches, so the second can point at the first.
    self_referencing = info.name in referenced_tables(info.fields)
    batches = [max(1, size // 10), size - max(1, size // 10)] if self_referencing and size > 1 else [size]
    skipped = 0
    index = 0
    for batch_size in batches:
        documents: list[dict] = []
        owners: list[str | None] = []
        for _ in range(batch_size):
            owner, nth_of_owner = _owner_for(index, size, state, info)  # her row, and her how-manieth of the table
            index += 1
            identity = state.identities.get(owner, {}) if info.name == state.users_table else {}
            owner_id = state.user_ids.get(owner) if owner else (rng.choice(others) if others else None)

            def pick_id(table: str, field_name: str | None, owner_id: str | None = owner_id,
                        owner: str | None = owner, nth: int = nth_of_owner) -> str | None:
                if table == state.users_table and field_name in info.owner_fields and owner_id is not None:
                    return owner_id
                pool = state.ids.get(table) or []
                if owner is not None and table != state.users_table and pool:
                    home = _home(state, owner, table, rng)
                    return home[nth % len(home)]  # her rows spread over her few documents, never twice the same pair
                return rng.choice(pool) if pool else None

            picker = Picker(rng=rng, pick_id=pick_id, identity=identity, vector_dimensions=info.vector_dimensions,
                            serial=rng.randrange(10**6) * 10**4 + index)
            try:
                documents.append(generate_object(info.fields, picker))
                owners.append(owner)
            except Unsatisfiable as missing:
                skipped += 1
                reason = str(missing)
        if not documents:
            continue
        try:
            ids = admin.insert(info.name, documents)
        except Exception as error:  # the schema refused a generated document: say so; other tables are still seeded
            state.warnings.append(f"seeding {info.name}: {str(error).splitlines()[0]}")
            return
        for document_id, document, owner in zip(ids, documents, owners):
            state.ids[info.name].append(document_id)
            state.documents[document_id] = document
            state.references[document_id] = {s for s in _strings_in(document) if s in state.documents} - {document_id}
            if owner is not None:
                state.owner[document_id] = owner
                if info.name == state.users_table and owner not in state.user_ids:
                    state.user_ids[owner] = document_id
    if skipped:
        state.warnings.append(f"seeding {info.name}: {skipped} documents left out (no document of table "
                              f"{reason!r} to point at)")


def _home(state: SeedState, user: str, table: str, rng: random.Random) -> list[str]:
    """The few documents of `table` a user's rows point at, so that her memberships, messages and reads meet in
    the same channels. The first is one of her own when she has some (a channel she created: code that checks
    the creator and code that checks membership both let her in there); the rest belong to others, so a
    query listing "her channels" returns documents others own too (see verdicts._access_findings)."""
    key = (user, table)
    if key not in state.homes:
        ids = state.ids.get(table, [])
        own = [i for i in ids if state.owner.get(i) == user][:1]
        others = [i for i in ids if state.owner.get(i) is None]
        state.homes[key] = own + rng.sample(others, min(OWNED_PER_USER - len(own), len(others)))
    return state.homes[key]


def _owner_for(index: int, size: int, state: SeedState, info: TableInfo) -> tuple[str | None, int]:
    """Who owns row `index` of the `size` rows of a table, and which of her rows it is.

    alice's and bob's rows are split between the oldest and the newest of the table,
    as a real user's rows span its history: a query for the newest rows (the 50
    most recent invoices) meets their data as surely as one for the oldest does."""
    if info.name == state.users_table:
        return (USER_NAMES[index] if index < len(USER_NAMES) else None), 0
    if not info.owner_fields:
        return None, 0
    owned_rows = (1 if info.name in state.one_per_user else OWNED_PER_USER) * len(DATA_OWNERS)
    oldest = (owned_rows // len(DATA_OWNERS) + 1) // 2 * len(DATA_OWNERS)
    newest_from = max(oldest, size - (owned_rows - oldest))
    slot = index if index < oldest else index - newest_from + oldest if index >= newest_from else owned_rows
    if slot >= owned_rows:
        return None, 0
    return DATA_OWNERS[slot % len(DATA_OWNERS)], slot // len(DATA_OWNERS)


def _strings_in(value: Any) -> list[str]:
    """Every string inside a generated document (the ids among them are the seeded ids it holds)."""
    found: list[str] = []
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str):
            found.append(node)
    return found
