"""Exercises as a learner meets them: each self-check says ❌ with a hint for the
notebook as shipped, and ✅ for the shipped solution (notebooks/solutions/) and
for a second correct answer (tests/data/exercise_alternatives/), run twice, and
again after a kernel restart and "Run all". See tests/exercise_runs.py."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from guide_tools import notebooks

from .exercise_runs import ALTERNATIVES, SOLUTIONS, exercise_cells, section, work_through

NOTEBOOKS = notebooks.find_notebooks()
WITH_EXERCISES = [p for p in NOTEBOOKS if exercise_cells(nbformat.read(p, as_version=4))]


def test_every_notebook_has_an_exercise():
    without = [p.name for p in NOTEBOOKS if p not in WITH_EXERCISES]
    assert without == [], f"notebooks without an exercise: {without}"


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=[p.name for p in WITH_EXERCISES])
def test_each_exercise_has_a_self_check_a_solution_and_an_alternative(path):
    for exercise_id, _, _ in exercise_cells(nbformat.read(path, as_version=4)):
        assert section(SOLUTIONS / f"{path.stem}.py", exercise_id), f"{path.name}: no solution for '{exercise_id}'"
        assert section(ALTERNATIVES / f"{path.stem}.py", exercise_id), \
            f"{path.name}: no second correct answer for '{exercise_id}' in tests/data/exercise_alternatives"


@pytest.fixture(scope="module")
def worked_through(request):
    """The selected notebooks worked through, default_jobs() at a time (each has its own kernel and playground).

    Submitted in the order of the tests, each of which waits for its own notebook
    only, so no single test's timeout covers the whole set."""
    selected = [item.callspec.params["path"] for item in request.session.items
                if item.originalname == WORKED_THROUGH_TEST and hasattr(item, "callspec")]
    with notebooks._environment(False), ThreadPoolExecutor(max_workers=notebooks.default_jobs()) as pool:
        yield {path: pool.submit(work_through, path) for path in selected}


WORKED_THROUGH_TEST = "test_self_checks_fail_as_shipped_pass_when_solved_twice_and_after_a_restart"


@pytest.mark.slow
@pytest.mark.parametrize("path", WITH_EXERCISES, ids=[p.name for p in WITH_EXERCISES])
def test_self_checks_fail_as_shipped_pass_when_solved_twice_and_after_a_restart(path, worked_through):
    report = worked_through[path].result()
    assert report["broken"] == [], f"{path.name}: cells failed: {report['broken']}"
    for exercise_id, lines in report["shipped"].items():
        assert len(lines) == 1 and lines[0].startswith("❌ "), f"{path.name} as shipped, '{exercise_id}': {lines}"
        assert len(lines[0]) > 40, f"{path.name} as shipped, '{exercise_id}': the ❌ line says too little: {lines}"
        assert report["hint_cells"][exercise_id] >= 2, \
            f"{path.name}, '{exercise_id}': the self-check needs a Markdown cell of stepped <details> hints after it"
    for answer, lines in report["answers"].items():
        assert len(lines) == 2 and all(line.startswith("✅") for line in lines), \
            f"{path.name}, {answer}: self-check run twice said {lines}"
    for phase in ("restarted", "rerun"):
        for exercise_id, lines in report[phase].items():
            assert len(lines) == 1 and lines[0].startswith("✅"), f"{path.name} {phase}, '{exercise_id}': {lines}"
