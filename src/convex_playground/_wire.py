"""Convex values as they come back from the sidecar, turned into Python values quickly.

The official client's `json_to_convex` checks every field name of every
object on the way in (a loop over each character); for a query returning a
few dozen documents that check costs more than the rest of the round trip.
Values from the sidecar were produced by Convex's own `convexToJson`, so their
field names are already valid: only the special one-key objects (`$integer`,
`$bytes`, `$float`) need converting, and those still go through `json_to_convex`.
"""

from __future__ import annotations

from typing import Any

from convex.values import json_to_convex


def from_wire(value: Any) -> Any:
    """The same result as `json_to_convex(value)` for a value the sidecar sent."""
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)).startswith("$"):
            return json_to_convex(value)
        return {key: from_wire(item) for key, item in value.items()}
    if isinstance(value, list):
        return [from_wire(item) for item in value]
    return value
