"""A small on-disk memory of good answers, so an unchanged link is not fetched
again on every run (CI runs are frequent; upstream pages change slowly).

Only ``ok`` and ``redirected`` outcomes are stored. Broken links, rate limits,
server errors and network failures are always checked again: a cache must
never turn a transient failure into a lasting one, nor hide a fixed link.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from .engine import UrlOutcome
from .model import Status

VERSION = 1
_CACHEABLE = {Status.OK, Status.REDIRECTED}


class LinkCache:
    def __init__(self, path: Path, max_age: float, clock: Any = time.time) -> None:
        self.path = path
        self.max_age = max_age
        self.clock = clock
        self.entries: dict[str, dict[str, Any]] = {}
        self.hits = 0
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError):
            return  # a corrupt cache is just an empty cache
        if isinstance(data, dict) and data.get("version") == VERSION and isinstance(data.get("entries"), dict):
            self.entries = data["entries"]

    def get(self, url: str, wanted: set[str]) -> UrlOutcome | None:
        """A fresh good answer that also covers every wanted anchor, or None."""

        entry = self.entries.get(url)
        if not entry or self.clock() - float(entry.get("checked_at", 0)) > self.max_age:
            return None
        try:
            status = Status(entry["status"])
        except (KeyError, ValueError):
            return None
        if status not in _CACHEABLE:
            return None
        anchors: dict[str, bool] = entry.get("anchors") or {}
        if wanted and not all(anchors.get(frag) for frag in wanted):
            return None  # an anchor we have not seen (or saw missing): look again
        self.hits += 1
        return UrlOutcome(
            status=status,
            message=str(entry.get("message", "")) + " (cached)",
            http_status=entry.get("http_status"),
            final_url=entry.get("final_url"),
            anchors={frag: True for frag in wanted} if wanted else None,
            from_cache=True,
        )

    def put(self, url: str, outcome: UrlOutcome) -> None:
        if outcome.from_cache or outcome.status not in _CACHEABLE:
            if not outcome.from_cache:
                self.entries.pop(url, None)
            return
        previous = self.entries.get(url, {}).get("anchors") or {}
        seen = {frag: True for frag, ok in (outcome.anchors or {}).items() if ok}
        self.entries[url] = {
            "status": outcome.status.value,
            "http_status": outcome.http_status,
            "final_url": outcome.final_url,
            "message": outcome.message,
            "anchors": {**previous, **seen},
            "checked_at": self.clock(),
        }

    def save(self) -> None:
        """Write atomically (temp file + rename) so an interrupted run cannot
        leave half a cache behind; expired entries are dropped."""

        now = self.clock()
        live = {u: e for u, e in self.entries.items() if now - float(e.get("checked_at", 0)) <= self.max_age}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".linkcache-", dir=str(self.path.parent))
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"version": VERSION, "entries": live}, handle, indent=1, sort_keys=True)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
