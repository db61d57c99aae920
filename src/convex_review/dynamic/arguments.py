"""Arguments for a function call, generated from its args validator and the seeded data.

Two people matter for each set of arguments: whose data the ids come from
(`data_of`: the documents that user owns or is linked to, `SeedState.related`)
and who the user-naming arguments name (`naming`: a `v.id("users")` argument,
or a string argument called email / tokenIdentifier / subject). A normal call
by alice uses her data and names her; the identity probe calls as alice while
naming bob. A function without an args validator gets arguments guessed from
the argument names the static pass found (`xxxId` is an id of table `xxx` or
`xxxs`), else none.
"""

from __future__ import annotations

import random
from typing import Any

from .seeding import SeedState
from .values import Picker, Unsatisfiable, generate_object, identity_key

# String arguments with these names identify a user; the identity probe fills them with the other user's value.
USER_NAMING = {"email", "tokenIdentifier", "subject"}


def _table_for_name(name: str, state: SeedState) -> str | None:
    stem = name[:-3] if name.endswith("Ids") else name[:-2] if name.endswith("Id") else None
    if not stem:
        return None
    for table in (stem, stem + "s", stem + "es"):
        if table in state.ids:
            return table
    if stem in ("user", "author", "owner") and state.users_table:
        return state.users_table
    return None


def names_users(function: dict, state: SeedState) -> bool:
    """True when an argument names a user: the function may take the caller's identity from its arguments."""
    fields = _fields(function)
    for name, spec in fields.items():
        kind = spec.get("fieldType", {})
        if kind.get("type") == "id" and kind.get("tableName") == state.users_table:
            return True
        if kind.get("type") == "string" and identity_key(name) in USER_NAMING:
            return True
    return False


def names_users_by_name(function: dict, state: SeedState, arg_names: list[str] | None) -> bool:
    """For a function without an args validator: True when the static pass saw an argument
    whose name says it is a user (`userId`, `authorId`, `email`...). Any other argument,
    even an id of a document some user owns, does not name the caller."""
    if (function.get("args") or {}).get("type") != "any":
        return False
    return any(_table_for_name(name, state) == state.users_table or identity_key(name) in USER_NAMING
               for name in arg_names or [])


def _fields(function: dict) -> dict:
    args = function.get("args") or {}
    return args.get("value", {}) if args.get("type") == "object" else {}


def arguments_for(function: dict, state: SeedState, rng: random.Random, *, data_of: str, naming: str,
                  static_args: list[str] | None = None) -> dict[str, Any] | None:
    """Arguments accepted by the function's validator, or None when the data to build them is missing."""
    def pick_id(table: str, field_name: str | None) -> str | None:
        if table == state.users_table and naming in state.user_ids:
            return state.user_ids[naming]
        related = state.related(data_of, table)
        if related:
            return related[0]  # her first home document: the one every kind of access check lets her into
        pool = state.ids.get(table) or []
        return rng.choice(pool) if pool else None

    identity = {key: value for key, value in state.identities.get(naming, {}).items() if key in USER_NAMING}
    dimensions = {name: size for info in state.tables.values() for name, size in info.vector_dimensions.items()}
    picker = Picker(rng=rng, pick_id=pick_id, identity=identity, vector_dimensions=dimensions,
                    serial=rng.randrange(10**6) * 10**4, for_arguments=True)
    args = function.get("args") or {}
    try:
        if args.get("type") == "object":
            return generate_object(args.get("value", {}), picker)
        if args.get("type") == "any" and static_args:
            return _guessed(static_args, state, pick_id, picker)
        return {}
    except Unsatisfiable:
        return None


def _guessed(names: list[str], state: SeedState, pick_id: Any, picker: Picker) -> dict[str, Any]:
    guessed: dict[str, Any] = {}
    for name in names:
        table = _table_for_name(name, state)
        if table is not None:
            found = pick_id(table, name)
            if found is None:
                raise Unsatisfiable(table)
            guessed[name] = [found] if name.endswith("Ids") else found
        elif identity_key(name) in USER_NAMING and identity_key(name) in picker.identity:
            guessed[name] = picker.identity[identity_key(name)]
        elif name in ("fields", "updates", "patch", "changes", "data"):
            guessed[name] = {}
        else:
            guessed[name] = f"{name} {picker.next_serial()}"
    return guessed
