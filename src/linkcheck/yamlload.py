"""Reading ``mkdocs.yml`` without executing it.

MkDocs configs routinely contain tags that a safe YAML loader rejects:
``!!python/name:material.extensions.emoji.twemoji``, ``!!python/object/apply:
pymdownx.slugs.slugify``, ``!ENV [VAR, default]`` and ``!relative``. A link
checker must understand the file without importing whatever it names, so these
tags become inert :class:`PyTag` values that the slug code can recognise.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .model import InputError


@dataclass(frozen=True)
class PyTag:
    """A ``!!python/...`` value, kept as data: ``kind`` is ``name`` or
    ``object/apply`` (etc.), ``target`` the dotted name it refers to."""

    kind: str
    target: str
    args: tuple[Any, ...] = ()
    kwds: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class RelativePath:
    """MkDocs' ``!relative`` tag: a directory relative to the Markdown page
    being rendered (``base`` empty), or to ``$config_dir`` / ``$docs_dir``."""

    base: str = ""


class _TolerantLoader(yaml.SafeLoader):
    """A SafeLoader that turns unknown tags into data instead of failing."""


def _python_tag(loader: _TolerantLoader, suffix: str, node: yaml.Node) -> PyTag:
    kind, _, target = suffix.partition(":")
    args: tuple[Any, ...] = ()
    kwds: dict[str, Any] = {}
    if isinstance(node, yaml.MappingNode):
        mapping = loader.construct_mapping(node, deep=True)
        args = tuple(mapping.get("args", ()) or ())
        kwds = dict(mapping.get("kwds", {}) or {})
    elif isinstance(node, yaml.SequenceNode):
        args = tuple(loader.construct_sequence(node, deep=True))
    return PyTag(kind=kind, target=target, args=args, kwds=kwds)


def _env_tag(loader: _TolerantLoader, node: yaml.Node) -> Any:
    # `!ENV VAR` or `!ENV [VAR, OTHER, default]`: first variable set wins,
    # the last item is the default -- the same rule as pyyaml-env-tag.
    if isinstance(node, yaml.ScalarNode):
        return os.environ.get(str(loader.construct_scalar(node)))
    items = loader.construct_sequence(node, deep=True) if isinstance(node, yaml.SequenceNode) else []
    for name in items[:-1]:
        if isinstance(name, str) and name in os.environ:
            return os.environ[name]
    return items[-1] if len(items) > 1 else (os.environ.get(str(items[0])) if items else None)


def _any_tag(loader: _TolerantLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]


def _relative_tag(loader: _TolerantLoader, node: yaml.Node) -> RelativePath:
    value = loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else ""
    return RelativePath(str(value or "").strip())


_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _python_tag)
_TolerantLoader.add_constructor("!ENV", _env_tag)
_TolerantLoader.add_constructor("!relative", _relative_tag)
_TolerantLoader.add_multi_constructor("!", _any_tag)


def load_yaml(path: Path, display: str | None = None) -> tuple[Any, yaml.Node | None]:
    """Parse ``path`` and return ``(data, node_tree)``; the node tree carries line
    numbers (for nav entries). Syntax errors become :class:`InputError` naming
    the file and line."""

    shown = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(shown, None, f"cannot read: {exc}") from exc
    try:
        node = yaml.compose(text, Loader=_TolerantLoader)  # noqa: S506 - the loader is a SafeLoader
        data = yaml.load(text, Loader=_TolerantLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(shown, line, f"invalid YAML: {problem}") from exc
    return data, node
