"""The helpers behind the notebooks' exercises: self-checks that never raise,
names that never repeat, "predict, then run", and scratch apps that are
type-checked on restart() as `npx convex dev` would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from convex_playground import ConvexError, FunctionError
from guide_tools.exercises import error_message, person, predict, self_check, unique
from guide_tools.scratch import ScratchTypeError, type_errors
from guide_tools.session import scratch_app, write_module

APP = Path(__file__).parent / "fixtures" / "nbex_scratch_app"


def test_self_check_prints_its_verdict_and_turns_an_error_into_a_diagnosis(capsys):
    @self_check
    def passing():
        return "✅ fine"

    @self_check
    def broken():
        raise FunctionError("exercise:authorMessages",
                            "Cannot use index \"by_x\" of table \"messages\": it is not declared in the schema.\n    at handler")

    out = capsys.readouterr().out.splitlines()
    assert out[0] == "✅ fine"
    assert out[1].startswith("❌ ") and 'FunctionError: exercise:authorMessages: Cannot use index "by_x"' in out[1]
    assert "at handler" not in out[1], "the first line of the platform's message, not its stack"
    assert broken() == out[1], "the same verdict on every run"


def test_error_message_names_a_convex_error_by_its_code():
    error = ConvexError("A channel named \"x\" already exists.",
                        {"code": "CHANNEL_NAME_TAKEN", "message": "A channel named \"x\" already exists."})
    assert error_message(error) == 'ConvexError CHANNEL_NAME_TAKEN: A channel named "x" already exists.'


def test_unique_names_and_people_never_repeat():
    names = {unique("general") for _ in range(50)}
    assert len(names) == 50 and all(name.startswith("general-") for name in names)
    ada, other = person("ada"), person("ada")
    assert ada["subject"] != other["subject"] and ada["name"] == "Ada"


def test_predict_keeps_the_result_folded_and_marks_the_guess():
    hidden = predict("How many?", None, 3).data
    assert "<details>" in hidden and "Write your guess" in hidden
    assert "is right" in predict("How many?", 3, 3, correct=lambda g: g == 3).data
    assert "not quite" in predict("How many?", 2, 3, correct=lambda g: g == 3).data


def test_predict_folds_a_table_as_a_table_and_survives_a_guess_of_the_wrong_kind():
    import pandas as pd

    shown = predict("Reads?", None, pd.DataFrame([{"documents read": 5003}])).data
    assert "<details>" in shown and "<table" in shown and "5003" in shown
    wrong_kind = predict("Reads?", "a lot", 5003, correct=lambda guess: abs(guess - 5003) < 500).data
    assert "not the kind of answer" in wrong_kind


@pytest.fixture(scope="module")
def scratch():
    app, pg = scratch_app("nbex-test", source=APP)
    yield app, pg
    pg.close()


@pytest.mark.slow
def test_restart_refuses_code_that_does_not_type_check_and_says_where(scratch):
    app, pg = scratch
    pg.client().mutation("notes:add", {"text": "kept"})
    schema = (app / "convex" / "schema.ts").read_text()
    write_module(app, "convex/schema.ts", schema.replace('["pinned"]', '["pined"]'))  # a misspelled index field
    write_module(app, "convex/broken.ts", 'import { nothing } from "./notes";\nexport const x = nothing;\n')
    with pytest.raises(ScratchTypeError) as refused:
        pg.restart()
    lines = str(refused.value).splitlines()
    assert any(line.startswith("convex/broken.ts:1: ") and "nothing" in line for line in lines), lines
    assert any(line.startswith("convex/schema.ts:6: ") for line in lines), lines
    assert re.match(r"convex/\w+\.ts:\d+: ", lines[0]), "the first line says where"
    assert {(file, line) for file, line, _ in refused.value.errors} >= {("convex/broken.ts", 1), ("convex/schema.ts", 6)}
    assert refused.value._render_traceback_()[0].startswith("ScratchTypeError: convex/")
    # Refused before stopping anything: the running app and its data are untouched.
    assert pg.client().query("notes:count") == 1

    write_module(app, "convex/schema.ts", schema)
    write_module(app, "convex/broken.ts", 'export const answer = 42;\n')
    pg.restart()
    assert pg.client().query("notes:count") == 0, "a restart that type-checks loads the app, with an empty database"


@pytest.mark.slow
def test_the_checker_kept_between_checks_reads_each_edit_again(scratch):
    """One Node checker serves every check of a Python process (guide_tools.scratch): a module
    edited since its last check is parsed again, so each answer gets its own verdict."""
    app, _ = scratch
    module = "convex/edited.ts"
    write_module(app, module, 'export const count: number = "one";\n')
    assert [(file, line) for file, line, _ in type_errors(app, [module])] == [(module, 1)]
    write_module(app, module, "export const count: number = 1;\n")
    assert type_errors(app, [module]) == []
    write_module(app, module, '\nexport const count: string = 1;\n')
    errors = type_errors(app, [module])
    assert [(file, line) for file, line, _ in errors] == [(module, 2)] and "string" in errors[0][2], errors
    (app / module).unlink()
