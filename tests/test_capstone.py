"""Notebook 10's capstone helpers (guide_tools.capstone): the scratch app
before reactions, the reader's schema spliced into it, the broken versions the
test step runs, and loading that costs a reload only when there is something
new to run and remembers why a load failed. The steps' checks themselves run
in tests/test_notebook_exercises.py, with the shipped solution and a second one."""

from __future__ import annotations

from pathlib import Path

import pytest

from guide_tools import capstone
from guide_tools.session import scratch_app
from guide_tools.snippets import SNIPPETS, read_section

APP = Path(__file__).parent / "fixtures" / "capstone13_app"


def test_the_scratch_schema_is_the_reference_one_without_reactions():
    before = capstone.schema_without_reactions()
    assert "reaction" not in before.lower()
    assert 'messages: defineTable(messageFields)' in before and "export default defineSchema(" in before


def test_write_schema_puts_the_readers_table_after_messages_and_fields_above_define_schema(tmp_path):
    capstone.write_schema(tmp_path, read_section("convex/schema.ts", "reaction_fields"),
                          read_section("convex/schema.ts", "reactions_table"))
    text = (tmp_path / "convex" / "schema.ts").read_text()
    assert text.index("export const reactionFields") < text.index("export default defineSchema(")
    assert text.index("messages: defineTable") < text.index("reactions: defineTable") < text.index("messageEmbeddings")


def test_the_broken_versions_each_change_the_reference_service_in_one_place():
    service = (SNIPPETS / "convex/model/services/reactions.ts").read_text()
    for name, (original, _broken, _flaw) in capstone.MUTANTS.items():
        assert service.count(original) == 1, f"mutant {name} no longer applies to the reference service"


def test_index_fields_are_read_from_the_readers_table():
    table = ('reactions: defineTable({}).index("by_m", ["messageId"])'
             '.index(\'by_all\', ["messageId", "userId", "emoji"])')
    assert capstone._indexes(table) == {"by_m": ["messageId"], "by_all": ["messageId", "userId", "emoji"]}


@pytest.fixture(scope="module")
def scratch():
    app, pg = scratch_app("capstone13-test", source=APP)
    capstone.track(app)
    yield app, pg
    pg.close()


@pytest.mark.slow
def test_install_reloads_only_for_code_to_run_and_remembers_a_failed_load(scratch):
    app, pg = scratch
    pg.client().mutation("notes:add", {"text": "kept"})
    started = pg.pid

    said = capstone.install(app, pg, "convex/pins.ts", "// pin(noteId) goes here\n")
    assert "exports nothing yet" in said and pg.pid == started, "a file with nothing to run costs no reload"

    broken = 'import { nothing } from "./notes";\nexport const x = nothing;\n'
    said = capstone.install(app, pg, "convex/pins.ts", broken)
    assert said.startswith("The scratch app did not load: convex/pins.ts:1: "), said
    problem = capstone.load_problem(app)
    assert problem.startswith("❌ ") and "convex/pins.ts:1:" in problem
    assert pg.client().query("notes:count") == 1, "a refused load leaves the running app and its data alone"

    good = ('import { queryGeneric } from "convex/server";\n'
            'export const pinned = queryGeneric({ args: {}, handler: async () => 0 });\n')
    assert capstone.install(app, pg, "convex/pins.ts", good).startswith("Type-checked and loaded")
    assert capstone.load_problem(app) is None and pg.pid != started
    assert pg.client().query("pins:pinned") == 0
    reloaded = pg.pid
    assert capstone.install(app, pg, "convex/pins.ts", good) == "The scratch app already runs these files."
    assert pg.pid == reloaded
