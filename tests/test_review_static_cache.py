"""The static pass's result cache (convex_review.static_cache): a second review of an unchanged app
reuses the first one's result; any edit to a file the program read, a new module or a tsconfig runs
the pass again.

Runs on a copy of tests/fixtures/reviewspeed10_app with a cache folder of its own; only the first
test runs the real Node helper (twice).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from convex_review import static_pass

APP = Path(__file__).resolve().parent / "fixtures" / "reviewspeed10_app"
SCAN = """
export const scan = internalQuery({
  args: { ownerId: v.string() },
  handler: async (ctx, { ownerId }) => {
    return await ctx.db.query("notes").filter((q) => q.eq(q.field("ownerId"), ownerId)).take(20);
  },
});
"""


@pytest.fixture()
def app(tmp_path, monkeypatch):
    monkeypatch.setattr(static_pass, "_CACHE", tmp_path / "cache")
    shutil.copytree(APP, tmp_path / "app")
    return tmp_path / "app"


@pytest.fixture()
def helper_runs(monkeypatch):
    """The Node helper's runs, counted: a cached review makes none."""
    runs = []
    analyze = static_pass._analyze

    def counted(layout, config):
        runs.append(config["appRoot"])
        return analyze(layout, config)
    monkeypatch.setattr(static_pass, "_analyze", counted)
    return runs


@pytest.mark.slow
def test_unchanged_app_reuses_the_result_and_an_edit_is_seen(app, helper_runs):
    first = static_pass.run_static(app)
    assert [fn["name"] for fn in first.functions] == ["notes:byOwner"]
    assert first.findings == []
    [entry] = (static_pass._CACHE / "results").glob("*.json")
    inputs = [name.replace("\\", "/") for name in json.loads(entry.read_text())["inputs"]]
    assert str(app / "convex" / "notes.ts").replace("\\", "/") in inputs
    assert any(name.endswith("/convex/dist/esm-types/server/registration.d.ts") for name in inputs)

    again = static_pass.run_static(app)
    assert len(helper_runs) == 1
    assert again == first

    notes = app / "convex" / "notes.ts"
    notes.write_text(notes.read_text() + SCAN)
    edited = static_pass.run_static(app)
    assert len(helper_runs) == 2
    assert [fn["name"] for fn in edited.functions] == ["notes:byOwner", "notes:scan"]
    assert [(f.rule, f.function) for f in edited.findings] == [("filter-scan", "notes:scan")]


def test_any_input_the_program_names_decides(app, monkeypatch):
    """A new module, a tsconfig, a package file the program read, or cache=False: the pass runs again.

    The helper is replaced by one that names a package declaration outside the app as an input.
    """
    package = app.parent / "package" / "index.d.ts"
    package.parent.mkdir()
    package.write_text("export declare const version: 1;\n")
    runs = []

    def analyze(layout, config):
        runs.append(config["appRoot"])
        return {"typechecked": True, "warnings": [], "schema": {"tables": {}}, "functions": [], "httpRoutes": [],
                "crons": [], "components": [], "findings": [],
                "inputs": [str(app / "convex" / "notes.ts"), str(package)]}
    monkeypatch.setattr(static_pass, "_analyze", analyze)

    def reviews(change):
        before = len(runs)
        change()
        static_pass.run_static(app)
        return len(runs) - before

    assert reviews(lambda: None) == 1
    assert reviews(lambda: None) == 0
    assert reviews(lambda: package.write_text("export declare const version: 2;\n")) == 1
    assert reviews(lambda: (app / "convex" / "more.ts").write_text("export const x = 1;\n")) == 1
    assert reviews(lambda: (app / "tsconfig.json").write_text('{"compilerOptions": {"strict": false}}\n')) == 1
    assert reviews(lambda: None) == 0
    static_pass.run_static(app, cache=False)
    assert len(runs) == 5
