"""Exercises: each self-check says ❌ for the notebook as shipped and ✅ once the
exercise cell holds its solution (notebooks/solutions/<name>.py)."""

from __future__ import annotations

import re

import nbformat
import pytest

from guide_tools import notebooks

SOLUTIONS = notebooks.NOTEBOOKS / "solutions"
_SECTION = r"# --8<-- \[start:{id}\]\n(.*?)# --8<-- \[end:{id}\]"


def exercise_ids(nb) -> list[str]:
    return [cell.metadata["guide"]["exercise"] for cell in nb.cells
            if "exercise" in cell.metadata.get("tags", [])]


def self_check_outputs(nb) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for cell in nb.cells:
        if "self-check" in cell.metadata.get("tags", []):
            text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
            found[cell.metadata["guide"]["exercise"]] = [l for l in text.splitlines() if l[:1] in ("✅", "❌")]
    return found


def solution(notebook_name: str, exercise_id: str) -> str:
    path = SOLUTIONS / f"{notebook_name}.py"
    match = re.search(_SECTION.format(id=re.escape(exercise_id)), path.read_text(encoding="utf-8"), re.S) if path.is_file() else None
    assert match, f"{path.relative_to(notebooks.REPO)}: no solution section '{exercise_id}'"
    return match.group(1)


WITH_EXERCISES = [p for p in notebooks.find_notebooks() if exercise_ids(nbformat.read(p, as_version=4))]


def test_every_notebook_has_an_exercise():
    without = [p.name for p in notebooks.find_notebooks() if p not in WITH_EXERCISES]
    assert without == [], f"notebooks without an exercise: {without}"


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=[p.name for p in WITH_EXERCISES])
def test_each_exercise_has_a_self_check_and_a_solution(path):
    nb = nbformat.read(path, as_version=4)
    checks = {cell.metadata["guide"]["exercise"] for cell in nb.cells if "self-check" in cell.metadata.get("tags", [])}
    for exercise_id in exercise_ids(nb):
        assert exercise_id in checks, f"{path.name}: exercise '{exercise_id}' has no self-check cell"
        solution(path.stem, exercise_id)


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=[p.name for p in WITH_EXERCISES])
def test_self_checks_fail_as_shipped_and_pass_when_solved(path, tmp_path):
    shipped = notebooks.execute_notebook(path)  # the site's cached execution, or a fresh one
    for exercise_id, lines in self_check_outputs(nbformat.read(shipped.output, as_version=4)).items():
        assert len(lines) == 1 and lines[0].startswith("❌"), f"{path.name} as shipped, '{exercise_id}': {lines}"

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if "exercise" in cell.metadata.get("tags", []):
            cell.source = solution(path.stem, cell.metadata["guide"]["exercise"])
    solved_path = tmp_path / path.name
    nbformat.write(nb, solved_path)
    solved = notebooks.execute_notebook(solved_path, tmp_path / "out", force=True)
    for exercise_id, lines in self_check_outputs(nbformat.read(solved.output, as_version=4)).items():
        assert len(lines) == 1 and lines[0].startswith("✅"), f"{path.name} solved, '{exercise_id}': {lines}"
