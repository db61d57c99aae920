"""Errors a playground call can raise, and how they line up with the official client.

What the official Python client (`convex` 0.8.1 on PyPI, `ConvexClient`) raises, read
from its source (the Python wrapper and the Rust extension `_convex` under it):

* a `ConvexError` thrown by a Convex function: `convex.ConvexError`, with `.data`;
* any other failure of a function (a thrown `Error`, an argument or return value
  that fails its validator, an unknown or internal function, a limit exceeded): a
  plain `Exception` whose message is the server's. It is *not* a
  `convex.ConvexExecutionError`: that class exists in the package, but neither
  `ConvexClient` nor its subscriptions ever raise it;
* a subscription that was unsubscribed, when iterated: a plain `Exception`
  ("This subscription has been dropped").

So the playground raises `convex.ConvexError` for the first, and for the others
classes that derive from `Exception` directly (never from `ConvexExecutionError`,
`RuntimeError` or another built-in), so an `except` clause written with the
official names catches on the playground exactly what it catches on a deployment:
`except ConvexError` and `except Exception` behave the same in both places, and
`except ConvexExecutionError` catches nothing in either. The playground's own
classes (`FunctionError` and its subclasses) add the function's name and the kind
of failure for a notebook's traceback; catching them by name only works locally.

`PlaygroundError` is the playground itself failing (it could not start, or it was
misused): a deployment has no such error.
"""

from __future__ import annotations

from convex import ConvexError

__all__ = [
    "ConvexError",
    "FunctionError",
    "ArgumentValidationError",
    "UnknownFunctionError",
    "InternalFunctionError",
    "SubscriptionDroppedError",
    "PlaygroundError",
    "SidecarDiedError",
    "CallTimeoutError",
    "AppLoadError",
]


class PlaygroundError(RuntimeError):
    """The playground itself failed: it could not start, or was misused."""


class SidecarDiedError(PlaygroundError):
    """The Node process behind the playground is gone; `restart()` starts a new one."""


class CallTimeoutError(PlaygroundError, TimeoutError):
    """A call ran past the playground's `call_timeout`. The sidecar answered anyway and
    its database is intact; the function may still finish in the background."""


class AppLoadError(PlaygroundError):
    """The app could not be loaded: its message starts with `file:line:column: ` when a file is to blame.

    `.file` and `.line` say where (None when no single file is at fault)."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None):
        super().__init__(message)
        self.file = file
        self.line = int(line) if line is not None else None


class FunctionError(Exception):
    """A Convex function failed with an error that is not a `ConvexError`.

    The official client raises a plain `Exception` here, so this class derives
    from `Exception` only: see the module docstring.
    """

    def __init__(self, function: str | None, message: str, *, kind: str = "FunctionError", stack: str | None = None):
        self.function = function
        self.kind = kind
        self.server_message = message
        self.stack = stack
        where = f"{function}: " if function else ""
        super().__init__(f"{where}{message}")


class ArgumentValidationError(FunctionError):
    """The arguments did not match the function's `args` validator."""


class UnknownFunctionError(FunctionError):
    """No function of that name (and kind) exists; `.known` lists the names that do."""

    def __init__(self, function: str | None, message: str, known: list[str], **kwargs):
        super().__init__(function, message, **kwargs)
        self.known = known


class InternalFunctionError(UnknownFunctionError):
    """A client tried to call an internal function, which only `pg.admin()` may."""


class SubscriptionDroppedError(Exception):
    """A subscription was used after `unsubscribe()` (or after its playground was reset or closed).

    The official client raises a plain `Exception` with the same message.
    """

    def __init__(self, name: str):
        super().__init__(f"This subscription has been dropped ({name})")
        self.name = name
