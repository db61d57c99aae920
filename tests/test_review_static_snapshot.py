"""Declaration snapshots (convex_review.static_snapshot): a cold static pass starts from a V8 snapshot
holding typescript and the packages' declaration files parsed, once a first pass has had one built.

The snapshot only saves time: a pass started from it gives the same result, a declaration file edited
since the snapshot was built is read from disk, and a snapshot node cannot start from is dropped and the
pass runs without it. Runs on a copy of tests/fixtures/reviewspeed10_app that imports a declaration-only
package of its own (node_modules/notes-config) and has a cache folder of its own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from convex_review import static_pass, static_snapshot

APP = Path(__file__).resolve().parent / "fixtures" / "reviewspeed10_app"
LISTING = """import { tableName } from "notes-config";
import { internalQuery } from "./_generated/server";

export const firstOfConfigured = internalQuery({
  args: {},
  handler: async (ctx) => await ctx.db.query(tableName).first(),
});
"""
SCHEMA_WITH_DRAFTS = """import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  notes: defineTable({ ownerId: v.string(), body: v.string() }).index("by_owner", ["ownerId"]),
  drafts: defineTable({ body: v.string() }),
});
"""


@pytest.fixture()
def app(tmp_path, monkeypatch):
    monkeypatch.setattr(static_pass, "_CACHE", tmp_path / "cache")
    monkeypatch.setenv("CONVEX_REVIEW_SNAPSHOT", "1")
    app = tmp_path / "app"
    shutil.copytree(APP, app)
    (app / "convex" / "listing.ts").write_text(LISTING)
    (app / "convex" / "schema.ts").write_text(SCHEMA_WITH_DRAFTS)
    package = app / "node_modules" / "notes-config"
    package.mkdir(parents=True)
    (package / "package.json").write_text('{"name": "notes-config", "version": "1.0.0", "types": "index.d.ts"}')
    (package / "index.d.ts").write_text('export declare const tableName: "notes";\n')
    return app


def tables_read(result, name: str) -> list[str]:
    return next(fn["tablesRead"] for fn in result.functions if fn["name"] == name)


def built_snapshot(folder: Path) -> Path:
    """The snapshot the background build writes into `folder`, once it is done."""
    static_snapshot.wait_for_builds(folder.parent)
    [blob] = folder.glob("*.blob")
    return blob


@pytest.mark.slow
def test_a_pass_from_the_snapshot_is_the_same_pass_and_sees_edited_declarations(app, monkeypatch):
    first = static_pass.run_static(app, cache=False)
    assert tables_read(first, "listing:firstOfConfigured") == ["notes"]
    blob = built_snapshot(static_pass._CACHE / "snapshots")
    assert static_snapshot.usable(blob)

    helper_arguments = []
    run_helper = static_pass._run_helper

    def recorded(arguments):
        helper_arguments.append(arguments)
        return run_helper(arguments)
    monkeypatch.setattr(static_pass, "_run_helper", recorded)
    refreshes = []
    monkeypatch.setattr(static_snapshot, "refresh_if_needed", lambda *args: refreshes.append(args[2]))

    again = static_pass.run_static(app, cache=False)
    assert helper_arguments[0][:2] == ["--snapshot-blob", str(blob)]
    assert again == first
    # Every package declaration the program read came from the snapshot: no rebuild asked for.
    assert refreshes[0]["fromSnapshot"] == len(refreshes[0]["files"]) > 20

    (app / "node_modules" / "notes-config" / "index.d.ts").write_text('export declare const tableName: "drafts";\n')
    edited = static_pass.run_static(app, cache=False)
    assert tables_read(edited, "listing:firstOfConfigured") == ["drafts"]
    assert refreshes[1]["fromSnapshot"] == len(refreshes[1]["files"]) - 1

    # A snapshot node refuses (damaged, or built by another node): dropped, and the pass runs without it.
    blob.write_bytes(b"not a snapshot")
    helper_arguments.clear()
    assert static_pass.run_static(app, cache=False) == edited
    assert [arguments[0] for arguments in helper_arguments] == ["--snapshot-blob", str(static_pass._ANALYZER)]
    assert not blob.exists()
    assert refreshes[2]["fromSnapshot"] == 0


def test_a_snapshot_others_can_write_is_not_run(tmp_path):
    folder = tmp_path / "snapshots"
    folder.mkdir(mode=0o700)
    blob = folder / "x.blob"
    blob.write_bytes(b"")
    blob.chmod(0o600)
    assert static_snapshot.usable(blob)
    blob.chmod(0o620)
    assert not static_snapshot.usable(blob)
    blob.chmod(0o600)
    folder.chmod(0o777)
    assert not static_snapshot.usable(blob)
    assert not static_snapshot.usable(folder / "missing.blob")
