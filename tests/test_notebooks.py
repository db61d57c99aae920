"""Every notebook runs top to bottom in a fresh kernel; failures name notebook
and cell; the execution cache knows what each notebook runs."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from guide_tools import notebooks, plots

from .conftest import REPO

NOTEBOOKS = notebooks.find_notebooks()


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb files"


@pytest.fixture(scope="module")
def executions():
    """Every notebook executed (or taken from the cache), as many at a time as the site build runs."""
    def run(path):
        try:
            return notebooks.execute_notebook(path)
        except notebooks.NotebookError as error:
            return error

    with notebooks._environment(False), ThreadPoolExecutor(max_workers=notebooks.default_jobs()) as pool:
        return dict(zip(NOTEBOOKS, pool.map(run, NOTEBOOKS)))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes_in_a_fresh_kernel(path, executions):
    # A cached copy is only reused when the notebook's code and every file it
    # runs are unchanged, and it was itself produced by a fresh kernel.
    outcome = executions[path]
    if isinstance(outcome, notebooks.NotebookError):
        pytest.fail(str(outcome))
    executed = nbformat.read(outcome.output, as_version=4)
    code_cells = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code_cells)
    assert not any(o.get("output_type") == "error" for cell in code_cells for o in cell.outputs)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_notebooks_carry_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    assert not any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"), \
        f"{path.name} was committed with outputs: the site shows outputs from execution, so strip them"


def make_notebook(folder, *sources: str, markdown: str = "# A notebook"):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(markdown)] + [nbformat.v4.new_code_cell(s) for s in sources]
    path = folder / "sample.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture
def fake_repo(tmp_path):
    """A folder shaped like the repo, with the files a notebook depends on."""
    for dep in ("snippets/convex/schema.ts", "src/convex_playground/x.py", "requirements.lock", "snippets/package-lock.json"):
        (tmp_path / dep).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / dep).write_text("v1")
    (tmp_path / "notebooks").mkdir()
    return tmp_path


def test_a_failing_cell_names_notebook_and_cell(fake_repo):
    path = make_notebook(fake_repo / "notebooks", "x = 1", "raise ValueError('the schema is wrong')")
    with pytest.raises(notebooks.NotebookError) as caught:
        notebooks.execute_notebook(path, fake_repo / "out", root=fake_repo)
    message = str(caught.value)
    assert "notebooks/sample.ipynb" in message
    assert "cell 3 (code cell 2: \"raise ValueError('the schema is wrong')\")" in message
    assert "ValueError: the schema is wrong" in message


def test_cache_key_covers_code_cells_and_dependencies_not_markdown(fake_repo):
    path = make_notebook(fake_repo / "notebooks", "print(1)")
    nb = nbformat.read(path, as_version=4)
    key = notebooks.cache_key(nb, fake_repo)

    nb.cells[0].source = "# Another title"
    assert notebooks.cache_key(nb, fake_repo) == key, "a Markdown edit must not force re-execution"

    nb.cells[1].source = "print(2)"
    assert notebooks.cache_key(nb, fake_repo) != key
    nb.cells[1].source = "print(1)"

    (fake_repo / "snippets/convex/schema.ts").write_text("v2")
    assert notebooks.cache_key(nb, fake_repo) != key, "a change to the code the notebook runs must re-execute it"
    (fake_repo / "snippets/convex/schema.ts").write_text("v1")

    (fake_repo / "src/convex_playground/x.py").write_text("v2")
    assert notebooks.cache_key(nb, fake_repo) != key


def test_cached_run_reuses_outputs_and_takes_markdown_edits(fake_repo):
    path = make_notebook(fake_repo / "notebooks", "import random; print(random.random())")
    first = notebooks.execute_notebook(path, fake_repo / "out", root=fake_repo)
    assert not first.cached
    printed = nbformat.read(first.output, as_version=4).cells[1].outputs[0]["text"]

    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source = "# Renamed"
    nbformat.write(nb, path)
    second = notebooks.execute_notebook(path, fake_repo / "out", root=fake_repo)
    assert second.cached
    result = nbformat.read(second.output, as_version=4)
    assert result.cells[0].source == "# Renamed"
    assert result.cells[1].outputs[0]["text"] == printed  # not re-run

    (fake_repo / "snippets/convex/schema.ts").write_text("v2")
    third = notebooks.execute_notebook(path, fake_repo / "out", root=fake_repo)
    assert not third.cached


def test_command_line_reports_a_missing_notebook(capsys):
    with pytest.raises(SystemExit) as exit_info:
        notebooks.main(["notebooks/no-such-notebook.ipynb"])
    assert exit_info.value.code == 2
    assert "no-such-notebook.ipynb: no such notebook" in capsys.readouterr().err


def test_kernels_load_matplotlib_only_for_a_cell_that_draws_and_show_its_figures_as_described_svg(fake_repo):
    path = make_notebook(fake_repo / "notebooks", "import sys\nprint('matplotlib' in sys.modules)",
                         "import matplotlib.pyplot as plt\nfigure, axes = plt.subplots()\n"
                         "axes.plot([1, 2], [3, 4], label='reads')\naxes.set(title='Reads', xlabel='rows')")
    outcome = notebooks.execute_notebook(path, fake_repo / "out", root=fake_repo)
    first, drawing = [cell for cell in nbformat.read(outcome.output, as_version=4).cells if cell.cell_type == "code"]
    assert first.outputs[0]["text"].strip() == "False", "the kernel set-up imported matplotlib before a cell asked"
    figures = [o for o in drawing.outputs if o.get("output_type") == "display_data"]
    assert len(figures) == 1 and "image/png" not in figures[0]["data"]
    svg = figures[0]["data"]["image/svg+xml"]
    assert svg.startswith('<svg role="img" aria-label="Reads: rows; one line each for reads."')
    assert plots.INK in svg, "the figure was drawn without plots.STYLE"
