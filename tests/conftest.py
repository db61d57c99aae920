"""Shared fixtures: the repo's folders and playgrounds that tests reuse."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TINY_APP = REPO / "tests" / "fixtures" / "tiny_app"
REFERENCE_APP = REPO / "snippets"


# The longest module: the browser walk over every page of the built site.
LONGEST_MODULE = "tests/test_browser.py"
# Modules that take minutes on the CI runner (`--durations`), started next, longest
# first, so that none is left for the end while the other worker has nothing to do.
# Those executing notebooks come last of these: by then the site build (first
# worker) has executed the same notebooks, and they no longer wait for its locks.
LONG_MODULES = (
    "tests/test_reference_ui.py",
    "tests/test_reference_app.py",
    "tests/test_review_static.py",
    "tests/test_review_static_cache.py",
    "tests/test_review_unseen_app.py",
    "tests/test_lint.py",
    "tests/test_notebook_exercises.py",
    "tests/test_notebooks_on_deployment.py",
)


def pytest_collection_modifyitems(config, items):
    """Orders modules for pytest-xdist (`make test`: two workers, `--dist loadscope`).

    Each module runs whole on one worker, so a module-scoped playground starts
    once. The browser walk goes first (it is the longest, and builds the site),
    then the other long modules, longest first; the other modules that read the
    built site go last, when it is there. Whole modules: a module with one test
    that reads the site would otherwise start early, and its worker would wait
    for the site build with nothing to do.
    """
    reads_site = {item.nodeid.split("::")[0] for item in items if "built_site" in item.fixturenames}

    def rank(item) -> tuple[int, int]:
        module = item.nodeid.split("::")[0]
        if module == LONGEST_MODULE:
            return 0, 0
        if module in LONG_MODULES:
            return 1, LONG_MODULES.index(module)
        return (3 if module in reads_site else 2), 0

    items.sort(key=rank)


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


def _running(app):
    from convex_playground import Playground

    with Playground(app) as pg:
        yield pg


@pytest.fixture(scope="module")
def tiny_playground():
    """A playground on the small second app, shared by a module's tests."""
    yield from _running(TINY_APP)


@pytest.fixture(scope="module")
def reference_playground():
    """A playground on the guide's reference app (snippets/)."""
    yield from _running(REFERENCE_APP)


@pytest.fixture
def tiny(tiny_playground):
    """The tiny app's playground, emptied for this test."""
    tiny_playground.reset()
    return tiny_playground


@pytest.fixture
def reference(reference_playground):
    """The reference app's playground, emptied for this test."""
    reference_playground.reset()
    return reference_playground


@pytest.fixture(autouse=True)
def _no_real_deployment(monkeypatch):
    # Tests never talk to a real deployment, whatever the developer's shell says.
    monkeypatch.delenv("CONVEX_URL", raising=False)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, worker_id):
    """The real site, built once in strict mode (notebooks executed or taken from the cache).

    Once per test run, not per worker: the workers share pytest's base temporary
    folder, and the first to need the site builds it while the other waits.
    """
    import fcntl

    from .site_build import run_mkdocs

    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    site = shared / "built-site"
    with open(shared / "built-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (site / "index.html").is_file():
            result = run_mkdocs(REPO / "mkdocs.yml", site)
            assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return site
