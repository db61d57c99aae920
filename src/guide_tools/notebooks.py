"""Execute the guide's notebooks, with a cache that knows what they run.

mkdocs-jupyter can execute notebooks itself, but its cache keys only on the
notebook file, so a notebook whose snippets or playground changed would keep
showing stale outputs. Here the cache key covers the notebook's code cells *and*
every file it runs: the reference app in snippets/, the playground package, and
the lock files. Markdown edits reuse the cached outputs (the code did not change).

This module knows nothing about MkDocs: the site's hook and the command line
(`python -m guide_tools.notebooks`) both call `execute_all`.
"""

from __future__ import annotations

import argparse
import copy
import fcntl
import hashlib
import json
import math
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
OUTPUT = REPO / "build" / "notebooks"
CACHE_VERSION = "1"  # bump to invalidate every cached notebook

# What every notebook runs, besides its own cells.
DEFAULT_DEPENDENCIES = (
    "snippets/convex",
    "snippets/app",  # the Next.js code notebooks show beside their calls (display.show_client)
    "snippets/package-lock.json",
    "facts/convex.yml",
    "src/convex_playground",
    "src/convex_review",  # notebook 11 and the review template run the reviewer
    "src/guide_tools",  # what cells import: display, exercises, session, the capstone's checks, plots
    "requirements.lock",
)
# Each kernel starts by making matplotlib figures described, recolourable SVG (plots.py),
# once a cell imports matplotlib.
KERNEL_SETUP = ["--IPKernelApp.exec_lines=from guide_tools.plots import install_when_imported; install_when_imported()"]
SKIP_PARTS = {"node_modules", "__pycache__", ".ipynb_checkpoints"}


class NotebookError(RuntimeError):
    """A notebook failed to execute; the message names the notebook and the cell."""


@dataclass(frozen=True)
class Outcome:
    notebook: Path
    output: Path
    cached: bool
    seconds: float


def _files_under(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
    elif path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and not SKIP_PARTS.intersection(child.relative_to(path).parts):
                yield child


def dependency_paths(nb: nbformat.NotebookNode, root: Path = REPO) -> list[Path]:
    """The files a notebook runs: the defaults plus `metadata.guide.depends`."""
    extra = nb.metadata.get("guide", {}).get("depends", [])
    files: list[Path] = []
    for entry in (*DEFAULT_DEPENDENCIES, *extra):
        files.extend(_files_under(root / entry))
    return files


def cache_key(nb: nbformat.NotebookNode, root: Path = REPO) -> str:
    digest = hashlib.sha256(f"guide-notebook-cache {CACHE_VERSION}\n".encode())
    digest.update(f"python {sys.version_info[:2]}\n".encode())
    for cell in nb.cells:
        if cell.cell_type == "code":
            digest.update(b"\0cell\0" + cell.source.encode())
    for path in dependency_paths(nb, root):
        digest.update(b"\0file\0" + str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _cell_label(nb: nbformat.NotebookNode, index: int) -> str:
    code_number = sum(1 for cell in nb.cells[: index + 1] if cell.cell_type == "code")
    first_line = next((line for line in nb.cells[index].source.splitlines() if line.strip()), "").strip()
    return f"cell {index + 1} (code cell {code_number}: {first_line[:60]!r})"


@contextmanager
def _environment(use_convex_url: bool) -> Iterator[None]:
    """The kernel inherits this process's environment: build against the playground
    unless asked to use the deployment in CONVEX_URL."""
    saved = os.environ.get("CONVEX_URL")
    if not use_convex_url:
        os.environ.pop("CONVEX_URL", None)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    try:
        yield
    finally:
        if saved is not None:
            os.environ["CONVEX_URL"] = saved


def _copy_outputs(source: nbformat.NotebookNode, target: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """`target` with the outputs of `source`, whose code cells are the same."""
    merged = copy.deepcopy(target)
    executed = iter(cell for cell in source.cells if cell.cell_type == "code")
    for cell in merged.cells:
        if cell.cell_type == "code":
            done = next(executed)
            cell.outputs = done.outputs
            cell.execution_count = done.get("execution_count")
    return merged


KERNEL_START_ATTEMPTS = 3


def start_kernel(client: NotebookClient, env: dict[str, str] | None = None) -> None:
    """Starts the client's kernel, and starts another if one dies before it answers.

    Kernels started at the same moment (notebooks run side by side, a second test
    worker) pick their ports by asking the system for free ones and releasing
    them; now and then two pick the same, and the loser exits at once. That is
    no fault of the notebook, so it is worth another kernel."""
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            if client.km is None:
                client.km = client.create_kernel_manager()
                # The kernel's sockets encrypted with keys the manager hands it (ipykernel's kernelspec declares
                # support; pyzmq's wheels ship CurveZMQ): no plain-text TCP, and no kernel warning about it.
                client.km.transport_encryption = "auto"
            if not client.km.has_kernel:
                client.start_new_kernel(**({"env": env} if env is not None else {}))
            if client.kc is None:
                client.start_new_kernel_client()  # on failure it shuts the kernel down and forgets it
            return
        except RuntimeError as error:
            if "Kernel died" not in str(error) or attempt == KERNEL_START_ATTEMPTS:
                raise


@contextmanager
def notebook_lock(path: Path) -> Iterator[None]:
    """Holds a lock on this notebook across processes (pytest-xdist's workers, a site
    build beside a test run): a notebook's scratch apps live in one shared folder,
    and a second run waits, then finds the first run's output in the cache."""
    locks = REPO / "build" / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / f"{path.stem}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def execute_notebook(path: Path, output_dir: Path = OUTPUT, *, force: bool = False, timeout: int = 600,
                     use_convex_url: bool = False, root: Path = REPO, env: dict[str, str] | None = None) -> Outcome:
    """Executes one notebook into `output_dir` unless its cached copy is current.

    `env`, when given, is the kernel's whole environment instead of this process's
    (notebooks run at once can then each talk to their own deployment)."""
    with notebook_lock(path):
        return _execute_notebook(path, output_dir, force=force, timeout=timeout,
                                 use_convex_url=use_convex_url, root=root, env=env)


def _execute_notebook(path: Path, output_dir: Path, *, force: bool, timeout: int,
                      use_convex_url: bool, root: Path, env: dict[str, str] | None = None) -> Outcome:
    started = time.perf_counter()
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as error:  # nbformat raises several kinds for a broken file
        raise NotebookError(f"{path}: not a readable notebook ({error})") from error
    key = cache_key(nb, root)
    output = output_dir / path.name
    if not force and output.is_file():
        previous = nbformat.read(output, as_version=4)
        if previous.metadata.get("guide", {}).get("cache_key") == key:
            merged = _copy_outputs(previous, nb)
            merged.metadata.setdefault("guide", {})["cache_key"] = key
            if "seconds" in previous.metadata.get("guide", {}):
                merged.metadata.guide["seconds"] = previous.metadata.guide["seconds"]
            if merged != previous:  # only the Markdown changed: no need to run
                nbformat.write(merged, output)
            return Outcome(path, output, True, time.perf_counter() - started)

    # A clean copy: outputs committed by mistake must not survive into the site.
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(path.parent)}}, extra_arguments=KERNEL_SETUP)
    with _environment(use_convex_url):
        try:
            start_kernel(client, env)
            client.execute()
        except CellExecutionError as error:
            index = next((i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
                          and any(o.get("output_type") == "error" for o in cell.get("outputs", []))), None)
            where = _cell_label(nb, index) if index is not None else "a cell"
            summary = f"{error.ename}: {error.evalue}"
            raise NotebookError(f"{_display(path, root)}: {where} failed: {summary}") from None
        except CellTimeoutError as error:
            raise NotebookError(f"{_display(path, root)}: a cell ran longer than {timeout} s ({error})") from None
        except DeadKernelError as error:
            raise NotebookError(f"{_display(path, root)}: the kernel died ({error})") from None
    save_execution(nb, output, key, time.perf_counter() - started)
    return Outcome(path, output, False, time.perf_counter() - started)


def save_execution(executed: nbformat.NotebookNode, output: Path, key: str, seconds: float) -> None:
    """Stores a fresh kernel's execution as the cached copy for `key` (see `cache_key`)."""
    executed.metadata.setdefault("guide", {})["cache_key"] = key
    # How long a reader waits for "Run all": the Notebooks page shows it.
    executed.metadata.guide["seconds"] = round(seconds, 1)
    output.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(executed, output)


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def find_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


def default_jobs() -> int:
    """Notebooks executed at once: one more than the cores, at most three. Each notebook's kernel
    and Node playground spend part of the time waiting on each other; a third notebook on two
    cores uses that time (in `make bench` on two cores, three at a time beat two and four)."""
    return max(1, min(3, (os.cpu_count() or 1) + 1))


def execute_all(notebooks: Iterable[Path] | None = None, output_dir: Path = OUTPUT, *, force: bool = False,
                use_convex_url: bool = False, log=print, jobs: int | None = None) -> list[Outcome]:
    """Executes the notebooks, `jobs` at a time (each in its own kernel and playground), longest first;
    returns their outcomes in the given order."""
    paths = list(notebooks if notebooks is not None else find_notebooks())

    def run(path: Path) -> Outcome:
        outcome = execute_notebook(path, output_dir, force=force, use_convex_url=use_convex_url)
        state = "cached" if outcome.cached else f"executed in {outcome.seconds:.1f} s"
        log(f"notebook {_display(path, REPO)}: {state}")
        return outcome

    # Longest first (by the last execution on record), so no long notebook is left to run alone at the
    # end while the other cores wait; the outcomes keep the given order.
    longest_first = sorted(paths, key=lambda path: -last_seconds(path, output_dir))
    # The environment is set once for all kernels: threads must not swap CONVEX_URL under each other.
    with _environment(use_convex_url), ThreadPoolExecutor(max_workers=jobs or default_jobs()) as pool:
        outcomes = dict(zip(longest_first, pool.map(run, longest_first)))
    return [outcomes[path] for path in paths]


def last_seconds(path: Path, output_dir: Path = OUTPUT) -> float:
    """How long the notebook's last recorded execution took (`save_execution`), looked up in `output_dir`
    and then in the default output folder; infinity when there is none, so an unknown notebook starts early."""
    for folder in dict.fromkeys((output_dir, OUTPUT)):
        try:
            return float(json.loads((folder / path.name).read_text())["metadata"]["guide"]["seconds"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return math.inf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Execute the guide's notebooks into build/notebooks (cached by content).")
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: notebooks/*.ipynb)")
    parser.add_argument("--force", action="store_true", help="ignore the cache")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where executed copies go (default: build/notebooks)")
    parser.add_argument("--jobs", type=int, default=None, help="notebooks executed at once (default: one more than the cores, at most 3)")
    parser.add_argument("--use-convex-url", action="store_true",
                        help="let the notebooks use the deployment in CONVEX_URL instead of the playground")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        if not path.is_file():
            parser.error(f"{path}: no such notebook")
    try:
        execute_all(args.notebooks or None, args.output, force=args.force, use_convex_url=args.use_convex_url,
                    jobs=args.jobs)
    except NotebookError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
