"""Every notebook that reads `CONVEX_URL`, run as a reader with a deployment runs it.

The deployment is a playground's `url`, which the notebooks reach only through
the official Python client (`connect()` returns `convex.ConvexClient` once
`CONVEX_URL` is set). Each person a notebook signs in as gets a JWT in
`GUIDE_TOKEN_<SUBJECT>`, with the claims the notebook gives on the playground
and the issuer and audience of the reference app's auth.config.ts, as that
provider would issue it. Cells that need the playground handle (clock, admin,
metrics, scratch apps) must say that they were skipped.

Notebooks run two at a time, each on its own playground, emptied before the
notebook starts: a reader could not empty a deployment between notebooks, and
`start_fresh()` does not try. Starting a playground costs seconds, emptying one
milliseconds, so two playgrounds serve all the notebooks.
"""

from __future__ import annotations

import ast
import os
import queue
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from convex_playground import Playground
from guide_tools.notebooks import NotebookError, execute_notebook, find_notebooks
from guide_tools.session import PLAYGROUND_ONLY_NOTICE, playground_only

from .unsigned_jwt import unsigned_jwt

REPO = Path(__file__).resolve().parents[1]
# What a notebook's code uses when CONVEX_URL can change what it runs.
DEPLOYMENT_AWARE = ("using_real_deployment", "start_fresh(", "sign_in(", "connect(", "CONVEX_URL")


def reads_convex_url(path: Path) -> bool:
    """False for a notebook that runs only private playgrounds (11 reviews the flawed app on its own):
    CONVEX_URL changes nothing there, and tests/test_notebooks.py already runs it."""
    return any(cell.cell_type == "code" and any(word in cell.source for word in DEPLOYMENT_AWARE)
               for cell in nbformat.read(path, as_version=4).cells)


NOTEBOOKS = [path for path in find_notebooks(REPO / "notebooks") if reads_convex_url(path)]
AT_ONCE = 2

pytestmark = pytest.mark.slow



def people_signed_in(path: Path) -> dict[str, dict]:
    """The claims each `sign_in({...})` of a notebook gives, by subject."""
    people: dict[str, dict] = {}
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code" or "sign_in" not in cell.source:
            continue
        python = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(python)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "sign_in" and node.args:
                claims = ast.literal_eval(node.args[0])
                people[claims["subject"]] = claims
    return people


def provider_token(pg: Playground, claims: dict) -> str:
    """The JWT the app's auth provider would issue for these claims (unsigned: the playground
    checks issuer, audience and expiry as a deployment does, but cannot check a signature)."""
    provider = pg.auth.providers[0]
    payload = {"iss": provider.issuer, "aud": provider.application_id, "exp": int(time.time()) + 3600,
               "sub": claims["subject"], **{key: value for key, value in claims.items() if key != "subject"}}
    return unsigned_jwt(payload, {"alg": "none", "typ": "JWT"})


def run_on_deployment(pg: Playground, path: Path, output_dir: Path):
    """Executes one notebook against `pg.url`; the executed notebook, or the failure's message."""
    pg.reset()
    env = {**os.environ, "CONVEX_URL": pg.url}
    for subject, claims in people_signed_in(path).items():
        env[f"GUIDE_TOKEN_{subject.upper()}"] = provider_token(pg, claims)
    try:
        outcome = execute_notebook(path, output_dir, force=True, use_convex_url=True, env=env)
    except NotebookError as error:
        return str(error)
    return nbformat.read(outcome.output, as_version=4)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Every notebook, executed against a deployment URL: {notebook name: notebook or error message}."""
    output_dir = tmp_path_factory.mktemp("notebooks_on_deployment")  # never the site's cached copies
    with Playground(REPO / "snippets") as first, Playground(REPO / "snippets") as second:
        free: queue.Queue[Playground] = queue.Queue()
        free.put(first)
        free.put(second)

        def run(path: Path):
            pg = free.get()
            try:
                return path.name, run_on_deployment(pg, path, output_dir)
            finally:
                free.put(pg)

        with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
            return dict(pool.map(run, NOTEBOOKS))


def printed(cell) -> str:
    return "".join(output.get("text", "") for output in cell.get("outputs", []) if output.get("output_type") == "stream")


@pytest.mark.parametrize("name", [path.name for path in NOTEBOOKS])
def test_notebook_runs_against_a_deployment_url(executed, name):
    result = executed[name]
    assert not isinstance(result, str), result
    code = [cell for cell in result.cells if cell.cell_type == "code"]
    if any("start_fresh()" in cell.source for cell in code):
        assert any("Running against the deployment at http://127.0.0.1:" in printed(cell) for cell in code), \
            f"{name}: start_fresh() did not say it runs against the deployment"
    silent = [cell.source.splitlines()[1].strip() for cell in code
              if playground_only(cell.source) and PLAYGROUND_ONLY_NOTICE not in printed(cell)]
    assert not silent, f"{name}: playground-only cells that did not say they were skipped: {silent}"


def test_playground_only_cells_announce_a_skip_only_on_a_deployment(monkeypatch, capsys):
    from IPython.core.interactiveshell import InteractiveShell

    from guide_tools import session

    shell = InteractiveShell.instance()
    try:
        session.announce_playground_only_cells()  # on the playground (conftest unsets CONVEX_URL): no hook
        shell.run_cell("PLAYGROUND = False\nif PLAYGROUND:\n    pass")
        assert PLAYGROUND_ONLY_NOTICE not in capsys.readouterr().out
        monkeypatch.setenv("CONVEX_URL", "http://127.0.0.1:9")
        session.announce_playground_only_cells()
        session.announce_playground_only_cells()  # twice in one kernel: still one notice per cell
        shell.run_cell("if PLAYGROUND:\n    pass")
        shell.run_cell("value = 1  # not playground-only")
        shell.run_cell("if PLAYGROUND:\n    size = 1000\nelse:\n    size = 120")  # runs on a deployment too
        assert capsys.readouterr().out.count(PLAYGROUND_ONLY_NOTICE) == 1
    finally:
        InteractiveShell.clear_instance()
