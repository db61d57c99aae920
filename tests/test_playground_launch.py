"""How the sidecar starts (sidecar/launch.mjs): from one bundle of its own code and packages, built once
into the cache folder and reused, never written into the app's folder; and, when bundling is not possible,
module by module as before, with the same behaviour. And a shortcut of each call: with no live query
anywhere, committed writes are dropped instead of refreshing nothing, which must not hide later writes from
live queries started afterwards.

Runs tests/fixtures/speed9c_app, a small app of its own.
"""

from __future__ import annotations

import pytest

from convex_playground import FunctionError, Playground

from .conftest import REPO

APP = REPO / "tests" / "fixtures" / "speed9c_app"

pytestmark = pytest.mark.slow


def _files(folder):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def _use(pg: Playground) -> tuple[list[str], str]:
    pg.client().mutation("notes:add", {"text": "first"})
    with pytest.raises(FunctionError) as failure:
        pg.client().query("notes:fail")
    return pg.client().query("notes:texts"), failure.value.stack or ""


def test_the_sidecar_runs_from_a_bundle_built_once_in_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CONVEX_PLAYGROUND_CACHE", str(tmp_path))
    app_files = _files(APP)
    with Playground(APP) as pg:
        texts, stack = _use(pg)
    bundles = list((tmp_path / "sidecar").glob("*/sidecar.mjs"))
    assert len(bundles) == 1
    built = bundles[0].stat().st_mtime_ns
    with Playground(APP) as pg:  # the second start loads the same bundle
        assert _use(pg) == (texts, stack)
    assert [bundle.stat().st_mtime_ns for bundle in (tmp_path / "sidecar").glob("*/sidecar.mjs")] == [built]
    assert texts == ["first"]
    # The error still points at the app's own file (its bundle's source map), not at the sidecar's bundle.
    assert "notes.ts" in stack
    assert _files(APP) == app_files


def test_without_the_bundle_the_sidecar_behaves_the_same(tmp_path, monkeypatch):
    monkeypatch.setenv("CONVEX_PLAYGROUND_CACHE", str(tmp_path))
    monkeypatch.setenv("CONVEX_PLAYGROUND_UNBUNDLED", "1")
    with Playground(APP) as pg:
        texts, stack = _use(pg)
    assert not (tmp_path / "sidecar").exists()
    assert texts == ["first"]
    assert "notes.ts" in stack


def test_writes_made_while_nothing_is_live_still_reach_live_queries_started_later(tmp_path, monkeypatch):
    """With no live query anywhere, a mutation's committed writes are dropped without a refresh; live queries
    started afterwards, the playground's and an official client's, still see every later write."""
    import convex

    monkeypatch.setenv("CONVEX_PLAYGROUND_CACHE", str(tmp_path))
    with Playground(APP) as pg:
        writer = pg.client()
        writer.mutation("notes:add", {"text": "before anything was live"})
        live = writer.subscribe("notes:texts")
        assert live.next_value(timeout=5) == ["before anything was live"]
        official = convex.ConvexClient(pg.url)
        updates = iter(official.subscribe("notes:texts"))
        assert next(updates) == ["before anything was live"]
        writer.mutation("notes:add", {"text": "while two are live"})
        assert live.next_value(timeout=5) == ["before anything was live", "while two are live"]
        assert next(updates) == ["before anything was live", "while two are live"]
        live.unsubscribe()
        writer.mutation("notes:add", {"text": "with only the official client live"})
        assert next(updates)[-1] == "with only the official client live"
