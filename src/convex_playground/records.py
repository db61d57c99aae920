"""What the playground reports about each call: the numbers a Convex dashboard shows."""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Metrics:
    """Usage of one call, summed over every transaction it ran.

    `documents_read` counts every document a query passed over, including those
    a `.filter()` rejected, as a real deployment does; `index_ranges` is the
    number of index ranges (`ctx.db.query` / `ctx.db.get`) read. Bytes use the
    document sizes Convex's own `getDocumentSize` reports.
    """

    documents_read: int = 0
    documents_written: int = 0
    bytes_read: int = 0
    bytes_written: int = 0
    index_ranges: int = 0
    functions_scheduled: int = 0

    @classmethod
    def from_wire(cls, raw: dict | None) -> "Metrics":
        raw = raw or {}
        return cls(
            documents_read=int(raw.get("documentsRead", 0)),
            documents_written=int(raw.get("documentsWritten", 0)),
            bytes_read=int(raw.get("bytesRead", 0)),
            bytes_written=int(raw.get("bytesWritten", 0)),
            index_ranges=int(raw.get("databaseQueries", 0)),
            functions_scheduled=int(raw.get("functionsScheduled", 0)),
        )


@dataclass(frozen=True)
class LogLine:
    level: str
    message: str


@dataclass(frozen=True)
class CallRecord:
    """One function call as a deployment's logs page would list it."""

    function: str
    kind: str
    args: Any
    identity: str | None
    ok: bool
    error: str | None
    duration_ms: float
    metrics: Metrics
    logs: tuple[LogLine, ...] = field(default_factory=tuple)

    def as_row(self) -> dict[str, Any]:
        """A flat dict, one row of a table (e.g. `pandas.DataFrame(pg.call_rows())`)."""
        return {
            "function": self.function,
            "kind": self.kind,
            "identity": self.identity or "",
            "ok": self.ok,
            "error": self.error or "",
            "duration_ms": round(self.duration_ms, 3),
            **asdict(self.metrics),
            "logs": len(self.logs),
        }

    def _repr_html_(self) -> str:
        row = self.as_row()
        cells = "".join(
            f"<tr><th style='text-align:left'>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
            for k, v in row.items()
        )
        return f"<table>{cells}</table>"
