"""Plain data shared by every stage: where a link was found, and what became of it.

The stages (extraction, internal resolution, HTTP checking, reporting) only talk
to each other through these types, so each can be tested on its own.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Status(str, enum.Enum):
    """Outcome of one link. The values are the strings the JSON report uses.

    Only ``BROKEN`` fails a run: ``ERROR`` (network noise, rate limits, server
    errors that outlived retries) and ``BLOCKED`` (bot walls, log-in walls) mean
    "could not verify", which is not the same as "the link is wrong".
    """

    OK = "ok"
    REDIRECTED = "redirected"
    BROKEN = "broken"
    BLOCKED = "blocked"
    ERROR = "error"
    SKIPPED = "skipped"


#: Order in which reports list the outcomes: what needs action first.
REPORT_ORDER: tuple[Status, ...] = (
    Status.BROKEN,
    Status.REDIRECTED,
    Status.ERROR,
    Status.BLOCKED,
    Status.SKIPPED,
    Status.OK,
)


class Kind(str, enum.Enum):
    """How a link was written. Used for messages and for ``--fix`` decisions."""

    INLINE = "inline"  # [text](url) or ![alt](src)
    REFERENCE = "reference"  # [label]: url
    AUTOLINK = "autolink"  # <https://...>
    BARE = "bare"  # https://... in prose, a comment or YAML
    HTML = "html"  # <a href>, <img src>, ...
    INCLUDE = "include"  # pymdownx.snippets --8<-- "file"
    NAV = "nav"  # a page listed in mkdocs.yml nav


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file. ``line`` is 1-based and counts lines of the file
    itself, so editors, ``--fix`` and GitHub annotations can all use it; for a
    notebook ``cell`` (1-based) names the cell the line belongs to."""

    path: str
    line: int
    cell: int | None = None

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}"
        if self.cell is not None:
            text += f" (cell {self.cell})"
        return text

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "line": self.line}
        if self.cell is not None:
            data["cell"] = self.cell
        return data


@dataclass(frozen=True)
class Link:
    """One occurrence of a link target in a source file, exactly as written."""

    target: str
    location: Location
    kind: Kind = Kind.INLINE
    #: For internal links: the file that contains the link, on disk. Relative
    #: targets are resolved against it.
    source_file: str | None = None


@dataclass
class Result:
    """The verdict on one link target (as written), with every place it occurs."""

    url: str
    status: Status
    message: str = ""
    http_status: int | None = None
    final_url: str | None = None
    sources: list[Location] = field(default_factory=list)
    #: True for links resolved inside the repository, False for web links.
    internal: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "status": self.status.value,
            "http_status": self.http_status,
            "final_url": self.final_url,
            "message": self.message,
            "sources": [s.to_json() for s in sorted(set(self.sources))],
        }


class InputError(Exception):
    """A source or configuration file that cannot be read as what it claims to
    be. Carries the place so that the message can name file and line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class InternalError(Exception):
    """A bug in the checker met while handling ``path`` (not the user's
    mistake). The CLI reports it with its own exit code, so a crash is never
    mistaken for "broken links"."""

    def __init__(self, path: str, cause: BaseException) -> None:
        self.path = path
        self.cause = cause
        super().__init__(f"internal error while reading {path}: {type(cause).__name__}: {cause}")


class UsageError(Exception):
    """Bad command-line input (a missing path, an invalid option value).
    The CLI turns it into exit code 2 with the message."""
