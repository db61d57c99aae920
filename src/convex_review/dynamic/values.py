"""Synthetic Convex values generated from validators, as `exportArgs()` and the schema's `export()` give them.

One generator serves both seeding (a document per table row) and arguments
(one per function call). It walks the validator JSON (`{"type": "object",
"value": {field: {"fieldType": ..., "optional": bool}}}`, `id`, `union`,
`literal`, `array`, `record`, ...) and asks a `Picker` for what it cannot
invent: a real document id of a table, and the value a field named like an
identity field (email, tokenIdentifier, ...) should take for the user it is
generating for. Values are Python values the official Convex client
serialises: floats for `v.number()`, `ConvexInt64` for `v.int64()`, bytes for `v.bytes()`.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from convex.values import ConvexInt64, json_to_convex

# A field named like this holds who the user is; the seeder fills it from the user's identity.
IDENTITY_FIELDS = {
    "tokenidentifier": "tokenIdentifier",
    "subject": "subject",
    "externalid": "subject",
    "clerkid": "subject",
    "clerkuserid": "subject",
    "authid": "subject",
    "email": "email",
    "name": "name",
}


def identity_key(field_name: str | None) -> str | None:
    """Which identity attribute a field named `field_name` holds, if its name says so."""
    if not field_name:
        return None
    return IDENTITY_FIELDS.get(field_name.lower())


@dataclass
class Picker:
    """What the generator asks for while it walks a validator.

    `pick_id(table, field_name)` returns a document id of `table` (or None when
    there is none yet); `identity` maps identity attributes (`email`,
    `tokenIdentifier`, ...) to the values for the user being generated, or is
    empty; `serial` makes strings unique across one seeding run.
    """

    rng: random.Random
    pick_id: Callable[[str, str | None], str | None]
    identity: dict[str, str] = field(default_factory=dict)
    vector_dimensions: dict[str, int] = field(default_factory=dict)  # field name -> dimensions of its vector index
    serial: int = 0
    for_arguments: bool = False

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial


class Unsatisfiable(Exception):
    """A required id of a table with no documents: the value cannot be generated."""


def _string(name: str | None, picker: Picker) -> str:
    key = identity_key(name)
    if key and key in picker.identity:
        return picker.identity[key]
    number = picker.next_serial()
    lowered = (name or "").lower()
    if "email" in lowered:
        return f"user{number}@example.com"
    if "url" in lowered:
        return f"https://example.com/{number}"
    if name == "cursor":
        return ""
    return f"{name or 'text'} {number}"


def _number(name: str | None, picker: Picker) -> float:
    lowered = (name or "").lower()
    if picker.for_arguments and re.search(r"numitems|limit|count|size|page", lowered):
        return 10.0
    if re.search(r"time|date|at$|expires", lowered):
        return float(1_700_000_000_000 + picker.rng.randrange(0, 10**9))
    return float(picker.rng.randrange(1, 100))


def generate(validator: Any, picker: Picker, name: str | None = None) -> Any:
    """A value accepted by `validator` (validator JSON). Raises Unsatisfiable when an id cannot be found."""
    kind = validator.get("type") if isinstance(validator, dict) else None
    if kind == "string":
        return _string(name, picker)
    if kind == "number":
        return _number(name, picker)
    if kind == "bigint":
        return ConvexInt64(int(_number(name, picker)))
    if kind == "boolean":
        return picker.rng.random() < 0.5
    if kind == "null":
        return None
    if kind == "bytes":
        return bytes(picker.rng.randrange(256) for _ in range(8))
    if kind == "literal":
        return json_to_convex(validator["value"])
    if kind == "id":
        found = picker.pick_id(validator["tableName"], name)
        if found is None:
            raise Unsatisfiable(validator["tableName"])
        return found
    if kind == "array":
        if name in picker.vector_dimensions:
            return [picker.rng.uniform(-1, 1) for _ in range(picker.vector_dimensions[name])]
        count = 1 if picker.for_arguments else picker.rng.randrange(0, 3)
        items = []
        for _ in range(count):
            try:
                items.append(generate(validator["value"], picker, name))
            except Unsatisfiable:
                break
        return items
    if kind == "object":
        return generate_object(validator.get("value", {}), picker)
    if kind == "record":
        keys = validator.get("keys", {})
        value = validator.get("values", {}).get("fieldType", {"type": "string"})
        key = generate(keys, picker, "key") if keys.get("type") == "id" else f"key{picker.next_serial()}"
        return {key: generate(value, picker, name)}
    if kind == "union":
        return _union(validator.get("value", []), picker, name)
    # "any", or a validator this version does not know: a plain string is the safest value.
    return f"{name or 'value'} {picker.next_serial()}"


def _union(members: list, picker: Picker, name: str | None) -> Any:
    if name == "cursor" and any(m.get("type") == "null" for m in members):
        return None  # pagination starts without a cursor
    order = list(members)
    if not picker.for_arguments:
        picker.rng.shuffle(order)
    elif any(m.get("type") != "null" for m in order):
        order = [m for m in order if m.get("type") != "null"]  # arguments: the member that does something
    for member in order:
        try:
            return generate(member, picker, name)
        except Unsatisfiable:
            continue
    raise Unsatisfiable(name or "union")


def generate_object(fields: dict, picker: Picker) -> dict[str, Any]:
    """An object for an object validator's `value` map; optional fields are left out now and then."""
    result: dict[str, Any] = {}
    for field_name, spec in fields.items():
        optional = bool(spec.get("optional"))
        # Arguments leave optional fields out (the plainest call, e.g. a first page without a cursor);
        # documents leave them out now and then.
        if optional and (picker.for_arguments or picker.rng.random() < 0.3):
            continue
        try:
            result[field_name] = generate(spec.get("fieldType", {}), picker, field_name)
        except Unsatisfiable:
            if not optional:
                raise
    return result


def referenced_tables(validator: Any) -> set[str]:
    """Every table a v.id inside `validator` points at."""
    found: set[str] = set()
    stack = [validator]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") == "id" and isinstance(node.get("tableName"), str):
                found.add(node["tableName"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def user_reference_fields(fields: dict, users_table: str | None) -> list[str]:
    """Top-level fields holding an id of the users table (possibly optional or nullable): who owns a document."""
    if users_table is None:
        return []
    return [name for name, spec in fields.items() if _points_only_at(spec.get("fieldType", {}), users_table)]


def _points_only_at(validator: dict, table: str) -> bool:
    if validator.get("type") == "id":
        return validator.get("tableName") == table
    if validator.get("type") == "union":
        members = [m for m in validator.get("value", []) if m.get("type") != "null"]
        return bool(members) and all(_points_only_at(m, table) for m in members)
    return False
