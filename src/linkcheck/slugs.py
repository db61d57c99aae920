"""Heading ids, computed the way the site's renderer will compute them.

An anchor check is only as good as its idea of the ids on the rendered page. For
Markdown pages that is Python-Markdown's ``toc`` extension with whatever
``slugify`` and ``separator`` mkdocs.yml configures; for notebooks it is
mkdocs-jupyter's own rule; for files GitHub renders (README) it is GitHub's.

When the configured slug function is one of the well-known ones and its module
is importable, the real function is used, so the ids match byte for byte. The
re-implementations below are the fallback when it is not installed.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Callable, MutableSet
from typing import Any
from urllib.parse import quote

from .yamlload import PyTag

Slugify = Callable[[str, str], str]

#: Modules whose slug functions we are willing to import (never arbitrary code).
_TRUSTED_SLUG_MODULES = ("markdown.extensions.toc", "pymdownx.slugs")


def toc_slugify(value: str, separator: str, unicode: bool = False) -> str:
    """Python-Markdown's default rule: fold accents to ASCII (unless ``unicode``),
    drop everything but word characters, spaces and hyphens, lower-case, and
    join words with ``separator``."""

    if not unicode:
        value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[%s\s]+" % re.escape(separator), separator, value)


def toc_slugify_unicode(value: str, separator: str) -> str:
    return toc_slugify(value, separator, unicode=True)


def pymdownx_slugify(case: str = "none", percent_encode: bool = False, normalize: str = "NFC") -> Slugify:
    """pymdownx.slugs.slugify(**kwds): Unicode-preserving slugs with a choice of
    case folding and optional percent-encoding."""

    def slug(text: str, sep: str) -> str:
        text = re.sub(r"</?[^>]*>", "", unicodedata.normalize(normalize, text)).strip()
        if case == "lower":
            text = text.lower()
        elif case == "lower-ascii":
            text = re.sub(r"[A-Z]", lambda m: m.group(0).lower(), text)
        elif case == "fold":
            text = text.casefold()
        text = re.sub(r"[^\w\- ]", "", text).replace(" ", sep)
        return quote(text.encode("utf-8")) if percent_encode else text

    return slug


def notebook_slugify(text: str) -> str:
    """mkdocs-jupyter's heading ids: an ASCII slug joined by hyphens, then
    percent-encoded like nbconvert does. Duplicates are *not* de-duplicated."""

    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    value = re.sub(r"[-\s]+", "-", value)
    return quote(value.replace(" ", "-"), safe="?/:@!$&'()*+,;=")


def github_slugify(text: str) -> str:
    """GitHub's README heading anchors: lower-case, keep letters, digits, ``-``
    and ``_`` (Unicode letters included), spaces become hyphens."""

    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def unique_id(candidate: str, used: MutableSet[str]) -> str:
    """Python-Markdown's de-duplication: an id already taken (or empty) gets
    ``_1``, ``_2``... -- continuing the number when it already ends in one."""

    if candidate in used or not candidate:
        match = re.match(r"^(.*)_([0-9]+)$", candidate)
        base, count = (match.group(1), int(match.group(2))) if match else (candidate, 0)
        count += 1
        while f"{base}_{count}" in used:
            count += 1
        candidate = f"{base}_{count}"
    used.add(candidate)
    return candidate


def github_unique(candidate: str, used: dict[str, int]) -> str:
    """GitHub's de-duplication: the second ``Setup`` becomes ``setup-1``."""

    if candidate not in used:
        used[candidate] = 0
        return candidate
    used[candidate] += 1
    return f"{candidate}-{used[candidate]}"


def _import_trusted(dotted: str) -> Any | None:
    module, _, name = dotted.rpartition(".")
    if module not in _TRUSTED_SLUG_MODULES:
        return None
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def slugifier_from_toc(option: Any) -> tuple[Slugify, str]:
    """Turn mkdocs.yml's ``toc: slugify:`` value into a callable.

    Returns the callable and a human description (for ``--verbose`` and tests).
    Unknown functions fall back to the default rule with a note, rather than
    importing code named by a config file.
    """

    if option is None:
        real = _import_trusted("markdown.extensions.toc.slugify")
        return (real or toc_slugify), "markdown.extensions.toc.slugify"
    if isinstance(option, PyTag):
        target = option.target
        if option.kind == "name":
            real = _import_trusted(target)
            if real is not None:
                return real, target
            fallback = {
                "markdown.extensions.toc.slugify": toc_slugify,
                "markdown.extensions.toc.slugify_unicode": toc_slugify_unicode,
            }.get(target)
            if fallback is not None:
                return fallback, target + " (built-in copy)"
        elif option.kind.startswith("object/apply") and target.endswith("pymdownx.slugs.slugify"):
            real_factory = _import_trusted("pymdownx.slugs.slugify")
            if real_factory is not None:
                return real_factory(*option.args, **option.kwds), f"{target}({option.kwds})"
            return pymdownx_slugify(**option.kwds), f"{target}({option.kwds}) (built-in copy)"
        return toc_slugify, f"unknown slugify {target!r}; using the default rule"
    return toc_slugify, f"unrecognised slugify {option!r}; using the default rule"
