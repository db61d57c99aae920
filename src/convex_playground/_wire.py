"""Convex values on their way to and from the sidecar, converted quickly.

The official client's `json_to_convex` checks every field name of every
object on the way in (a loop over each character); for a query returning a
few dozen documents that check costs more than the rest of the round trip.
Values from the sidecar were produced by Convex's own `convexToJson`, so their
field names are already valid: only the special one-key objects (`$integer`,
`$bytes`, `$float`) need converting, and those still go through `json_to_convex`.

On the way out, arguments made only of dicts, lists, strings, booleans, None,
finite floats and safe integers (nearly all of them) are converted in one pass;
anything else (bytes, `ConvexInt64`, NaN, tuples, a bad field name, ...) goes
through the official `coerce_args_to_convex` + `convex_to_json`, which also
raise the official errors.
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping

from convex.values import (MAX_IDENTIFIER_LEN, MAX_SAFE_INTEGER, MIN_SAFE_INTEGER, coerce_args_to_convex, convex_to_json,
                           json_to_convex)

# Field names the official client accepts: non-control ASCII, not starting with "$".
_FIELD_NAME = re.compile(r"(?![$])[ -~]{0,%d}" % MAX_IDENTIFIER_LEN)
_accepted_names: set[str] = set()  # field names already checked (a few per app)


class _NeedsOfficialPath(Exception):
    pass


def _plain_to_wire(value: Any) -> Any:
    kind = type(value)
    if kind is str or value is None or value is True or value is False:
        return value
    if kind is float:
        # NaN, the infinities and -0.0 travel as {"$float": ...}
        if math.isfinite(value) and (value != 0 or math.copysign(1, value) > 0):
            return value
        raise _NeedsOfficialPath
    if kind is int:
        if MIN_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return float(value)
        raise _NeedsOfficialPath
    if kind is dict:
        converted = {}
        for key, item in value.items():
            if key not in _accepted_names:
                if type(key) is not str or not _FIELD_NAME.fullmatch(key):
                    raise _NeedsOfficialPath
                if len(_accepted_names) < 10_000:
                    _accepted_names.add(key)
            converted[key] = _plain_to_wire(item)
        return converted
    if kind is list:
        return [_plain_to_wire(item) for item in value]
    raise _NeedsOfficialPath


def to_wire(args: Mapping[str, Any] | None) -> Any:
    """The same result as the official client's `convex_to_json(coerce_args_to_convex(args))`."""
    if type(args) is dict:
        try:
            return _plain_to_wire(args)
        except _NeedsOfficialPath:
            pass
    return convex_to_json(coerce_args_to_convex(dict(args) if args else {}))


def from_wire(value: Any) -> Any:
    """The same result as `json_to_convex(value)` for a value the sidecar sent."""
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)).startswith("$"):
            return json_to_convex(value)
        return {key: from_wire(item) for key, item in value.items()}
    if isinstance(value, list):
        return [from_wire(item) for item in value]
    return value
