"""Shared fixtures: the repo's folders and playgrounds that tests reuse."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TINY_APP = REPO / "tests" / "fixtures" / "tiny_app"
REFERENCE_APP = REPO / "snippets"


def pytest_collection_modifyitems(config, items):
    """Groups tests for pytest-xdist (`make test` runs two workers, `--dist loadgroup`).

    Every test that needs the built site joins one group, so one worker builds the
    site once and walks it in the browser; it is the longest group, so it goes
    first. Every other module is a group of its own, so a module-scoped playground
    starts once, on one worker.
    """
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        group = "site" if "built_site" in item.fixturenames else item.nodeid.split("::", 1)[0]
        item.add_marker(pytest.mark.xdist_group(group))
    items.sort(key=lambda item: item.get_closest_marker("xdist_group").args[0] != "site")


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
def built_site(tmp_path_factory):
    """The real site, built once in strict mode (notebooks executed or taken from the cache)."""
    from .site_build import run_mkdocs

    site = tmp_path_factory.mktemp("site")
    result = run_mkdocs(REPO / "mkdocs.yml", site)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return site
