"""How a notebook gets its clients, the same way on the playground and on a real deployment.

On the playground, a person is a dict of claims. On a real deployment a client
needs a JWT from your auth provider: put it in `GUIDE_TOKEN_<SUBJECT>` (e.g.
`GUIDE_TOKEN_ADA` for subject "ada") and the same notebook cell signs in with it.
"""

from __future__ import annotations

import os
from typing import Any, Mapping

from convex_playground import connect, default_playground, using_real_deployment


def start_fresh() -> str:
    """Empties the playground so that a notebook runs the same top to bottom; says where it runs."""
    if using_real_deployment():
        announce_playground_only_cells()
        return f"Running against the deployment at {os.environ['CONVEX_URL']}"
    pg = default_playground()
    pg.reset()
    return f"Running against the local playground: {pg.app_dir.name}/convex on convex-test, Node {pg.node_version}"


PLAYGROUND_ONLY_NOTICE = ("This cell needs the playground (its clock, admin handle, metrics or a scratch app): "
                          "skipped on a deployment.")


def playground_only(cell_source: str) -> bool:
    """True for a cell that runs nothing on a deployment: it opens with `if PLAYGROUND:`
    and has no `else` (06's setup cell, say, picks smaller sizes there instead)."""
    import ast

    try:
        statements = ast.parse(cell_source).body
    except SyntaxError:  # IPython magics, or code a reader is still typing
        return False
    first = statements[0] if statements else None
    return (isinstance(first, ast.If) and isinstance(first.test, ast.Name) and first.test.id == "PLAYGROUND"
            and not first.orelse)


def _notice_if_playground_only(info) -> None:
    if playground_only(info.raw_cell):
        print(PLAYGROUND_ONLY_NOTICE)


def announce_playground_only_cells() -> None:
    """On a deployment, a `playground_only` cell runs nothing; this makes it say so, so that a reader does not take its empty output for a result.

    It is an IPython hook, registered once per kernel; on the playground, or outside
    IPython, it does nothing."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if using_real_deployment() and shell is not None and _notice_if_playground_only not in shell.events.callbacks["pre_run_cell"]:
        shell.events.register("pre_run_cell", _notice_if_playground_only)


def sign_in(claims: Mapping[str, Any]) -> Any:
    """A client acting as the person `claims` describe (at least a 'subject')."""
    if not using_real_deployment():
        return connect(identity=claims)
    variable = f"GUIDE_TOKEN_{str(claims['subject']).upper()}"
    token = os.environ.get(variable)
    if not token:
        raise RuntimeError(f"against a real deployment, signing in as {claims['subject']!r} needs a JWT "
                           f"from your auth provider in ${variable}")
    return connect(identity=token)


def admin():
    """The playground's admin handle (internal functions, direct table access).

    A real deployment's admin key is not something a notebook should hold, so
    cells that use this are marked playground-only."""
    if using_real_deployment():
        raise RuntimeError("this cell needs the playground's admin handle; it is skipped on a real deployment")
    return default_playground().admin()


def scratch_app(name: str, source: str | os.PathLike[str] | None = None, modules: Mapping[str, str] | None = None):
    """A private copy of a Convex app folder for exercises that change TypeScript.

    The copy lives in build/scratch/<name> (outside the reference app, so a reader's
    edits never touch snippets/) and is returned with a playground running it.
    Write a module with `write_module(app, "convex/x.ts", code)` and then call
    `pg.restart()` to load it: like `npx convex dev`, it type-checks the app
    first and refuses code that does not compile (`guide_tools.scratch`). The
    copy has no node_modules: the playground lends it the guide's. `modules`
    ({"convex/x.ts": code}) are written before the playground starts, which
    saves a demonstration the restart.
    """
    import shutil
    from pathlib import Path

    from convex_playground.playground import DEFAULT_APP, PLAYGROUND_ENV_FILE, REPO_ROOT

    origin = Path(source) if source is not None else DEFAULT_APP
    target = REPO_ROOT / "build" / "scratch" / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(origin / "convex", target / "convex", ignore=shutil.ignore_patterns("node_modules", "*.test.ts"))
    (target / "package.json").write_text('{"type": "module", "private": true}\n')
    if (origin / PLAYGROUND_ENV_FILE).is_file():  # the values the app's declared variables take locally
        shutil.copy(origin / PLAYGROUND_ENV_FILE, target / PLAYGROUND_ENV_FILE)
    for relative_path, code in (modules or {}).items():
        write_module(target, relative_path, code)
    from .scratch import ScratchPlayground

    return target, ScratchPlayground(target, origin)


def write_module(app, relative_path: str, code: str) -> None:
    """Writes (or replaces) one file of a scratch app, e.g. "convex/schema.ts"."""
    from pathlib import Path

    path = Path(app) / relative_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(code, encoding="utf-8")
