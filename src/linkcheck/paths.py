"""Canonical file paths, computed once and never fatal.

``Path.resolve()`` raises ``RuntimeError`` on a symlink loop (``a.md -> b.md
-> a.md``) and costs a system call per path component. A link checker
resolves the same few paths thousands of times -- every link on a page names
its page and its target -- and must treat a looping symlink as a bad file to
report, not a reason to stop. :func:`real_path` does both: ``os.path.realpath``
leaves a loop unresolved instead of raising (reading the file then fails with
an error that names it), and answers are memoised for the run.

A symlinked *file* keeps its own name and folder: MkDocs publishes
``docs/changelog.md -> ../CHANGELOG.md`` as the page ``changelog.md`` and
resolves its links from ``docs/``, so only the folders on the way are resolved.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path


@functools.lru_cache(maxsize=131072)
def _real(text: str) -> Path:
    if os.path.isdir(text):
        return Path(os.path.realpath(text))
    folder, name = os.path.split(os.path.abspath(text))
    return Path(os.path.realpath(folder)) / name


def real_path(path: Path | str) -> Path:
    """The absolute form of ``path``: a folder fully resolved, a file in its
    resolved folder under its own name (as far as either can be resolved)."""

    return _real(os.fspath(path))


def forget_paths() -> None:
    """Drop memoised answers: a new run may see a changed file tree."""

    _real.cache_clear()

