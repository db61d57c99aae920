"""The facts registry (facts/convex.yml): load it, check it, and look values up.

One loader for every reader of the registry: the MkDocs macros that render
values into pages (macros.py), the notebooks (`from guide_tools.facts import
fact`), the Limits page's tables, the hand-typed-number test and the online
drift check (facts_drift.py). A malformed registry is refused with a message
naming the file, the fact and the field, never with a traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
REGISTRY = REPO / "facts" / "convex.yml"

# The Limits page's tables, in page order: (key, heading). A fact's `limits`
# field names one of these keys.
LIMITS_TABLES = (
    ("transactions", "Transactions"),
    ("documents", "Documents"),
    ("database", "Tables and indexes"),
    ("functions", "Functions"),
    ("execution", "Execution time and scheduling"),
    ("search", "Search"),
    ("env", "Environment variables"),
)
_TABLE_KEYS = {key for key, _ in LIMITS_TABLES}
_REQUIRED = ("value", "unit", "text", "what", "url", "verified")


class RegistryError(ValueError):
    """The registry file is missing or malformed; the message names where."""


@dataclass(frozen=True)
class Fact:
    id: str
    value: Any
    unit: str
    text: str
    what: str
    url: str
    expect: str | None
    forbid: tuple[str, ...]
    limits_table: str | None
    limits_note: str
    verified: dt.date

    @property
    def page(self) -> str:
        """The docs page without its section anchor."""
        return self.url.split("#", 1)[0]

    @property
    def anchor(self) -> str | None:
        return self.url.split("#", 1)[1] if "#" in self.url else None


@dataclass(frozen=True)
class Registry:
    path: Path
    convex_version: str
    checked_on: dt.date
    facts: dict[str, Fact]

    def __getitem__(self, fact_id: str) -> Fact:
        try:
            return self.facts[fact_id]
        except KeyError:
            known = ", ".join(sorted(self.facts))
            raise RegistryError(f"{self.path.name} has no fact {fact_id!r}; known facts: {known}") from None


def _as_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RegistryError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _parse_fact(fact_id: str, raw: Any, where: str) -> Fact:
    if not isinstance(raw, dict):
        raise RegistryError(f"{where}: fact {fact_id!r} must be a mapping of fields")
    missing = [name for name in _REQUIRED if raw.get(name) in (None, "")]
    if missing:
        raise RegistryError(f"{where}: fact {fact_id!r} lacks {', '.join(missing)}")
    url = str(raw["url"])
    # http only on loopback: the drift check's tests serve pages from 127.0.0.1.
    if not (url.startswith("https://") or url.startswith(("http://127.0.0.1", "http://localhost"))):
        raise RegistryError(f"{where}: fact {fact_id!r} has url {url!r}; it must be an https:// docs page")
    text = str(raw["text"])
    forbid = raw.get("forbid", [text])
    if not isinstance(forbid, list) or not all(isinstance(item, str) and item for item in forbid):
        raise RegistryError(f"{where}: fact {fact_id!r}: forbid must be a list of non-empty strings")
    limits = raw.get("limits")
    table, note = None, ""
    if limits is not None:
        if not (isinstance(limits, list) and len(limits) == 2 and limits[0] in _TABLE_KEYS):
            raise RegistryError(
                f"{where}: fact {fact_id!r}: limits must be [table, note] with table one of "
                f"{', '.join(sorted(_TABLE_KEYS))}")
        table, note = limits[0], str(limits[1] or "")
    expect = raw.get("expect")
    return Fact(id=fact_id, value=raw["value"], unit=str(raw["unit"]), text=text, what=str(raw["what"]),
                url=url, expect=str(expect) if expect else None, forbid=tuple(forbid),
                limits_table=table, limits_note=note,
                verified=_as_date(raw["verified"], f"{where}: fact {fact_id!r} verified"))


def load(path: Path = REGISTRY) -> Registry:
    """Read and check a registry file."""
    where = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegistryError(f"{where}: the facts registry is missing") from None
    except yaml.YAMLError as error:
        raise RegistryError(f"{where}: not valid YAML: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("facts"), dict) or not data["facts"]:
        raise RegistryError(f"{where}: expected a mapping with a non-empty `facts` mapping")
    checked = data.get("checked_against")
    if not isinstance(checked, dict) or not checked.get("convex") or not checked.get("date"):
        raise RegistryError(f"{where}: `checked_against` needs `convex` (version) and `date`")
    facts = {str(fact_id): _parse_fact(str(fact_id), raw, where) for fact_id, raw in data["facts"].items()}
    return Registry(path=path, convex_version=str(checked["convex"]),
                    checked_on=_as_date(checked["date"], f"{where}: checked_against.date"), facts=facts)


@functools.lru_cache(maxsize=1)
def registry() -> Registry:
    """The repository's registry, read once per process."""
    return load()


def fact(fact_id: str) -> str:
    """How the guide prints a fact, e.g. fact("transactions.documents_scanned") == "32,000"."""
    return registry()[fact_id].text


def value(fact_id: str) -> Any:
    """The fact's raw value, for arithmetic in notebooks (e.g. 32000)."""
    return registry()[fact_id].value


def checked_against() -> str:
    """One sentence naming what the guide's facts were checked against."""
    reg = registry()
    return (f"convex {reg.convex_version} and the Convex docs as of "
            f"{reg.checked_on.day} {reg.checked_on:%B %Y}")


# ---------------------------------------------------------------- hand-typed numbers
# Text a page may contain without it counting as prose: fenced code, inline
# code, macro calls, link targets and HTML comments.
_NOT_PROSE = re.compile(
    r"^(?P<fence>[ \t]*(```|~~~)).*?^(?P=fence)[ \t]*$"   # fenced code blocks
    r"|`[^`\n]*`"                                          # inline code
    r"|\{\{.*?\}\}|\{%.*?%\}"                              # macros
    r"|\]\([^)\s]*\)"                                      # link targets
    r"|<!--.*?-->",                                        # comments
    re.S | re.M,
)


@dataclass(frozen=True)
class HandTyped:
    line: int
    text: str
    fact_ids: tuple[str, ...]


def _blank_out(match: re.Match[str]) -> str:
    # Keep the line count, so findings point at the right line.
    return re.sub(r"[^\n]", " ", match.group(0))


def hand_typed(markdown: str, reg: Registry | None = None) -> list[HandTyped]:
    """Every place where prose spells out a registry value instead of calling the macro."""
    reg = reg or registry()
    prose = _NOT_PROSE.sub(_blank_out, markdown)
    spellings: dict[str, list[str]] = {}
    for item in reg.facts.values():
        for spelling in item.forbid:
            spellings.setdefault(spelling, []).append(item.id)
    found = []
    for spelling, fact_ids in spellings.items():
        # Not part of a longer number: "8 MB" must not match "128 MB".
        pattern = re.compile(r"(?<![\d.,])" + re.escape(spelling) + r"(?![\d])")
        for match in pattern.finditer(prose):
            found.append(HandTyped(prose.count("\n", 0, match.start()) + 1, spelling, tuple(fact_ids)))
    return sorted(found, key=lambda item: (item.line, item.text))
