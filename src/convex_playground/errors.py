"""Errors a playground call can raise.

They mirror the official Python client (`convex` on PyPI): a `ConvexError` thrown
by a Convex function arrives as `convex.ConvexError` with its `.data`; any other
failure inside a function is a `convex.ConvexExecutionError`, here with the name
of the function in the message and as `.function`, so a notebook's traceback says
what failed and where.
"""

from __future__ import annotations

from convex import ConvexError, ConvexExecutionError

__all__ = [
    "ConvexError",
    "FunctionError",
    "ArgumentValidationError",
    "UnknownFunctionError",
    "InternalFunctionError",
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


class FunctionError(ConvexExecutionError):
    """A Convex function failed with an error that is not a `ConvexError`."""

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
