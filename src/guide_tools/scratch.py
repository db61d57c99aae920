"""Scratch apps that are type-checked before they load, as `npx convex dev` does.

`npx convex dev` runs the TypeScript compiler over `convex/` before it pushes,
and refuses code that does not type-check. The playground only bundles (esbuild
strips types), so without this a misspelled index field loads fine and fails
when called, and a wrong import kills the sidecar with the cause buried in its
output. `ScratchPlayground.restart()` type-checks first and raises
`ScratchTypeError`, whose message is one `convex/file.ts:line: message` line
per error; the running app is left as it was.

What is checked: the modules that differ from the app the scratch copy was made
from (the ones the reader wrote), in a program made of them and everything they
import (scratch_typecheck.mjs). Unchanged modules were checked with the app
itself. A set of sources that passed once is remembered (by content), so
re-running a notebook does not pay for the compiler again. The checker is one
Node process per Python process, kept between checks (a kernel's second check
costs about a third of its first).
"""

from __future__ import annotations

import atexit
import hashlib
import json
import select
import subprocess
import tempfile
import threading
from pathlib import Path

from convex_playground import Playground, PlaygroundError
from convex_playground._process import _die_with_parent
from convex_playground.playground import DEFAULT_APP

CHECKER = Path(__file__).with_name("scratch_typecheck.mjs")
CHECK_TIMEOUT_S = 300.0
SOURCE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts")
# The compiler options of the tsconfig the Convex CLI writes into convex/
# (`npx convex codegen --init`), which snippets/tsconfig.json follows. "types": []
# leaves out the unrelated @types packages of the guide's node_modules (d3, react,
# ...), which would only slow the check down.
COMPILER_OPTIONS = {
    "strict": True, "allowJs": True, "checkJs": False, "moduleResolution": "Bundler", "skipLibCheck": True,
    "allowSyntheticDefaultImports": True, "target": "ESNext", "lib": ["ES2023", "dom"],
    "forceConsistentCasingInFileNames": True, "module": "ESNext", "isolatedModules": True, "noEmit": True,
    "types": [],
}


class ScratchTypeError(PlaygroundError):
    """The scratch app does not type-check; `.errors` holds `(file, line, message)` for each error."""

    def __init__(self, errors: list[tuple[str | None, int | None, str]]):
        self.errors = errors
        lines = [f"{file}:{line}: {message}" if file else message for file, line, message in errors]
        super().__init__("\n".join(lines) + "\n(the app was not restarted: fix the TypeScript above, "
                         "as `npx convex dev` would ask you to)")

    def _render_traceback_(self) -> list[str]:
        """In a notebook, show the compiler's lines instead of a Python traceback."""
        return [f"{type(self).__name__}: {self}"]


def _sources(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.suffix in SOURCE_SUFFIXES and path.is_file() and "node_modules" not in path.parts}


def changed_modules(app_dir: Path, origin_dir: Path) -> list[str]:
    """The modules of `app_dir/convex` that are new or differ from `origin_dir/convex`, as `convex/...` paths."""
    mine, original = _sources(app_dir / "convex"), _sources(origin_dir / "convex")
    return [f"convex/{name}" for name, code in mine.items() if original.get(name) != code]


def lend_node_modules(scratch_root: Path) -> None:
    """Lets the compiler resolve `convex/server` and friends from a scratch app: the
    scratch folders share one `node_modules` link to the guide's packages."""
    link = scratch_root / "node_modules"
    if not link.exists():
        try:
            link.symlink_to(DEFAULT_APP / "node_modules", target_is_directory=True)
        except FileExistsError:  # another kernel made it at the same moment
            pass


class _Checker:
    """The long-lived Node type-checker (scratch_typecheck.mjs) this Python process shares between its
    scratch apps: a second check skips loading the compiler and parsing the libraries again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._stderr = None  # a file: a pipe nobody reads could fill up and stall the checker

    def _start(self) -> subprocess.Popen:
        self._stderr = tempfile.TemporaryFile()
        process = subprocess.Popen(["node", str(CHECKER), str(DEFAULT_APP)], cwd=DEFAULT_APP, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=self._stderr, text=True,
                                   preexec_fn=_die_with_parent)
        atexit.register(self._stop, process)
        return process

    @staticmethod
    def _stop(process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.stdin.close()  # the checker exits when its stdin closes
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()

    def check(self, config: Path, modules: list[str], timeout: float = CHECK_TIMEOUT_S) -> list[dict]:
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._process = self._start()
            process = self._process
            try:
                process.stdin.write(json.dumps({"config": str(config.resolve()), "files": modules}) + "\n")
                process.stdin.flush()
            except BrokenPipeError:  # it exited after the check above; its stderr says why
                pass
            ready, _, _ = select.select([process.stdout], [], [], timeout)
            line = process.stdout.readline() if ready else ""
            if not line:  # it died, or took longer than any check should
                process.kill()
                process.wait()
                self._process = None
                self._stderr.seek(0)
                problem = self._stderr.read().decode("utf-8", "replace").strip() if ready else \
                    f"no answer in {timeout:.0f} s"
                raise PlaygroundError(f"the TypeScript check of {config.parent.name} could not run:\n{problem}")
        answer = json.loads(line)
        if "failure" in answer:
            raise PlaygroundError(f"the TypeScript check of {config.parent.name} could not run:\n{answer['failure']}")
        return answer["errors"]


_CHECKER = _Checker()


def type_errors(app_dir: Path, modules: list[str]) -> list[tuple[str | None, int | None, str]]:
    """Type-checks `modules` of the app; [] when they are clean."""
    lend_node_modules(app_dir.parent)
    config = app_dir / "tsconfig.json"
    config.write_text(json.dumps({"compilerOptions": COMPILER_OPTIONS, "include": ["convex/**/*"]}, indent=2))
    return [(error["file"], error["line"], error["message"]) for error in _CHECKER.check(config, modules)]


class ScratchPlayground(Playground):
    """A playground on a scratch copy of `origin`, whose `restart()` type-checks the reader's modules first."""

    def __init__(self, app_dir: Path, origin: Path, **options):
        self.origin = Path(origin)
        super().__init__(app_dir, **options)

    def restart(self) -> None:
        modules = changed_modules(self.app_dir, self.origin)
        if modules:
            self._check(modules)
        super().restart()

    def _check(self, modules: list[str]) -> None:
        digest = hashlib.sha256(json.dumps(COMPILER_OPTIONS).encode())
        for name, code in _sources(self.app_dir / "convex").items():
            digest.update(name.encode() + b"\0" + code + b"\0")
        digest.update((DEFAULT_APP / "package-lock.json").read_bytes())
        passed = self.app_dir.parent / ".typechecked" / digest.hexdigest()
        if passed.exists():  # these exact sources passed before
            return
        errors = type_errors(self.app_dir, modules)
        if errors:
            raise ScratchTypeError(errors)
        passed.parent.mkdir(parents=True, exist_ok=True)
        passed.touch()
