"""Shared fixtures: the repo's folders and playgrounds that tests reuse."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TINY_APP = REPO / "tests" / "fixtures" / "tiny_app"
REFERENCE_APP = REPO / "snippets"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="module")
def tiny_playground():
    """A playground on the small second app; each test gets it emptied."""
    from convex_playground import Playground

    with Playground(TINY_APP) as pg:
        yield pg


@pytest.fixture
def tiny(tiny_playground):
    tiny_playground.reset()
    return tiny_playground


@pytest.fixture(autouse=True)
def _no_real_deployment(monkeypatch):
    # Tests never talk to a real deployment, whatever the developer's shell says.
    monkeypatch.delenv("CONVEX_URL", raising=False)
