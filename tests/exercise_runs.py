"""One notebook worked through as a learner would, for tests/test_notebook_exercises.py.

`work_through(notebook)` runs, in one kernel:

1. every cell as shipped (each self-check must say ❌); this execution is also
   stored as the site's cached copy (guide_tools.notebooks), so the shipped
   notebook is not executed a second time by test_notebooks.py or the site;
2. for each exercise, in order: its shipped solution, then a second correct
   answer (tests/data/exercise_alternatives/), each followed by the cells up to
   its self-check and the self-check once more;

and then, in a new kernel (a restart: the files and scratch apps the first
kernel left on disk are still there), "Run all" with the shipped solutions,
followed by every self-check a second time.

The report holds, per phase, the ✅/❌ lines each self-check printed. Each
notebook has its own kernel and playground, so the test works through several
at a time (notebooks.default_jobs()), one per thread (nbclient runs an event
loop per thread).
"""

from __future__ import annotations

import copy
import re
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from guide_tools import notebooks

ALTERNATIVES = Path(__file__).resolve().parent / "data" / "exercise_alternatives"
SOLUTIONS = notebooks.NOTEBOOKS / "solutions"
_SECTION = r"# --8<-- \[start:{id}\]\n(.*?)# --8<-- \[end:{id}\]"


def section(file: Path, exercise_id: str) -> str | None:
    """The `exercise_id` section of a solutions file, or None."""
    if not file.is_file():
        return None
    match = re.search(_SECTION.format(id=re.escape(exercise_id)), file.read_text(encoding="utf-8"), re.S)
    return match.group(1) if match else None


def exercise_cells(nb) -> list[tuple[str, int, int]]:
    """(exercise id, index of the exercise cell, index of its self-check cell), in notebook order."""
    found = []
    for index, cell in enumerate(nb.cells):
        if "exercise" in cell.metadata.get("tags", []):
            exercise_id = cell.metadata["guide"]["exercise"]
            check = next(i for i, c in enumerate(nb.cells) if i > index and "self-check" in c.metadata.get("tags", [])
                         and c.metadata["guide"]["exercise"] == exercise_id)
            found.append((exercise_id, index, check))
    return found


def verdict_lines(cell) -> list[str]:
    text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
    errors = [f"{o['ename']}: {o['evalue']}" for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    return [line for line in text.splitlines() if line[:1] in ("✅", "❌")] + [f"raised {e}" for e in errors]


def _client(nb, path: Path) -> NotebookClient:
    # allow_errors: a self-check that raises is recorded (and fails the test), not a crash of the run.
    return NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                          resources={"metadata": {"path": str(path.parent)}}, extra_arguments=notebooks.KERNEL_SETUP)


def _run(client: NotebookClient, nb, indexes) -> list[str]:
    """Executes the cells; returns the errors of cells that are not self-checks (the notebook itself broke)."""
    broken = []
    for index in indexes:
        cell = nb.cells[index]
        if cell.cell_type != "code":
            continue
        client.execute_cell(cell, index)
        if "self-check" not in cell.metadata.get("tags", []):
            broken += [f"cell {index + 1}: {o['ename']}: {o['evalue']}" for o in cell.outputs
                       if o.get("output_type") == "error"]
    return broken


def work_through(path: Path) -> dict:
    # One run of a notebook at a time across processes: its scratch apps share a folder,
    # and a site build on another test worker may be executing it too.
    with notebooks.notebook_lock(path):
        return _work_through(path)


def _work_through(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    exercises = exercise_cells(nb)
    key = notebooks.cache_key(nb)
    report: dict = {"shipped": {}, "answers": {}, "restarted": {}, "rerun": {}, "broken": [], "hint_cells": {},
                    "seconds": {}}
    for exercise_id, _, check in exercises:
        following = nb.cells[check + 1] if check + 1 < len(nb.cells) else None
        report["hint_cells"][exercise_id] = (following.source.count("<details>")
                                             if following is not None and following.cell_type == "markdown" else 0)

    answers = {exercise_id: [("solution", section(SOLUTIONS / f"{path.stem}.py", exercise_id)),
                             ("alternative", section(ALTERNATIVES / f"{path.stem}.py", exercise_id))]
               for exercise_id, _, _ in exercises}
    started = time.perf_counter()
    client = _client(nb, path)
    notebooks.start_kernel(client)
    with client.setup_kernel():
        # As NotebookClient.execute() does, so that the cached copy is the one the site would make.
        nb.metadata["language_info"] = client.wait_for_reply(client.kc.kernel_info())["content"]["language_info"]
        report["broken"] += _run(client, nb, range(len(nb.cells)))
        report["seconds"]["shipped"] = round(time.perf_counter() - started, 1)
        for exercise_id, _, check in exercises:
            report["shipped"][exercise_id] = verdict_lines(nb.cells[check])
        clean = not any(line.startswith("raised") for lines in report["shipped"].values() for line in lines)
        if not report["broken"] and clean:
            notebooks.save_execution(copy.deepcopy(nb), notebooks.OUTPUT / path.name, key,
                                     report["seconds"]["shipped"])
        for exercise_id, start, check in exercises:
            for label, source in answers[exercise_id]:
                if source is None:
                    report["answers"][f"{exercise_id} {label}"] = ["missing"]
                    continue
                nb.cells[start].source = source
                report["broken"] += _run(client, nb, range(start, check + 1))
                first = verdict_lines(nb.cells[check])
                _run(client, nb, [check])
                report["answers"][f"{exercise_id} {label}"] = first + verdict_lines(nb.cells[check])
            nb.cells[start].source = answers[exercise_id][0][1] or nb.cells[start].source
    report["seconds"]["answers"] = round(time.perf_counter() - started, 1)

    # "Restart kernel and run all": a new kernel over the notebook with the shipped solutions in place.
    restarted = time.perf_counter()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = _client(nb, path)
    notebooks.start_kernel(client)
    with client.setup_kernel():
        report["broken"] += _run(client, nb, range(len(nb.cells)))
        for exercise_id, _, check in exercises:
            report["restarted"][exercise_id] = verdict_lines(nb.cells[check])
            _run(client, nb, [check])
            report["rerun"][exercise_id] = verdict_lines(nb.cells[check])
    report["seconds"]["restarted"] = round(time.perf_counter() - restarted, 1)
    return report

