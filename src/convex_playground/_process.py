"""The Node sidecar process: start, one request at a time, and a clean end.

Requests go to the sidecar's stdin as JSON lines; answers come back on a pipe of
their own (an fd passed to the child), so whatever the app prints cannot corrupt them.
The sidecar exits when its stdin closes, and on Linux it is also sent SIGTERM if
this Python process dies, so a killed Jupyter kernel leaves no Node behind.
"""

from __future__ import annotations

import collections
import ctypes
import itertools
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from .errors import PlaygroundError, SidecarDiedError

SIDECAR_DIR = Path(__file__).parent / "sidecar"
_EOF = object()


def _die_with_parent() -> None:  # runs in the child between fork and exec
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class SidecarProcess:
    def __init__(self, app_dir: Path, toolchain: Path, *, node: str = "node", enforce_limits: bool = True,
                 start_timeout: float = 60.0):
        self.app_dir = app_dir
        self.toolchain = toolchain
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._output: collections.deque[str] = collections.deque(maxlen=200)
        self._answers: queue.Queue[Any] = queue.Queue()
        read_fd, write_fd = os.pipe()
        command = [node, "--import", "tsx", "--import", (SIDECAR_DIR / "register.mjs").as_uri(),
                   str(SIDECAR_DIR / "sidecar.mjs"), "--app", str(app_dir), "--answer-fd", str(write_fd)]
        if not enforce_limits:
            command.append("--no-limits")
        # NODE_PATH lends the toolchain's packages to CommonJS apps without node_modules;
        # ES module apps get the same from the sidecar's resolve hook.
        node_path = os.pathsep.join(filter(None, [str(toolchain / "node_modules"), os.environ.get("NODE_PATH")]))
        env = {**os.environ, "CONVEX_PLAYGROUND_TOOLCHAIN": str(toolchain), "NODE_NO_WARNINGS": "1",
               "NODE_PATH": node_path}
        started = time.perf_counter()
        try:
            self.process = subprocess.Popen(
                command, cwd=toolchain, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, pass_fds=(write_fd,), preexec_fn=_die_with_parent,
            )
        except FileNotFoundError as error:
            os.close(read_fd)
            os.close(write_fd)
            raise PlaygroundError(f"cannot start the playground: '{node}' (Node.js 20+) is not on PATH") from error
        os.close(write_fd)  # the child keeps its copy, at the same number
        self._answer_file = os.fdopen(read_fd, "rb")
        threading.Thread(target=self._drain_output, daemon=True, name="playground-output").start()
        threading.Thread(target=self._read_answers, daemon=True, name="playground-answers").start()
        ready = self._next_answer(start_timeout, "starting")
        if not (isinstance(ready, dict) and ready.get("result", {}).get("ready")):
            raise PlaygroundError(f"the playground sidecar sent an unexpected first line: {ready!r}")
        self.spawn_ms = (time.perf_counter() - started) * 1000

    # ------------------------------------------------------------------ plumbing
    def _drain_output(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            self._output.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def _read_answers(self) -> None:
        for raw in self._answer_file:
            try:
                # Convex numbers are float64; the official client's json_to_convex
                # expects floats, and Convex's Int64s travel as {"$integer": ...}.
                self._answers.put(json.loads(raw, parse_int=float))
            except json.JSONDecodeError:
                self._output.append(f"[unreadable answer] {raw[:200]!r}")
        self._answers.put(_EOF)

    def output_tail(self, lines: int = 30) -> str:
        return "\n".join(list(self._output)[-lines:])

    def _died(self, doing: str) -> SidecarDiedError:
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        tail = self.output_tail() or "(it printed nothing)"
        return SidecarDiedError(
            f"the playground's Node sidecar is not running (exit code {code}) while {doing}. "
            f"Its last output:\n{tail}\n"
            "Call restart() on the Playground to start a new one (its database starts empty)."
        )

    def _next_answer(self, timeout: float | None, doing: str) -> Any:
        try:
            answer = self._answers.get(timeout=timeout)
        except queue.Empty:
            self.terminate()
            raise PlaygroundError(f"the playground did not answer within {timeout:.0f} s while {doing}; "
                                  "it was stopped. Call restart() to start a new one.") from None
        if answer is _EOF:
            self._answers.put(_EOF)  # every later call fails the same way
            raise self._died(doing)
        return answer

    # ------------------------------------------------------------------ API
    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def request(self, op: str, timeout: float | None = None, **fields: Any) -> dict:
        """Sends one request and returns its `result`; raises on a transport failure.

        An error *inside* the request comes back as {"ok": False, "error": {...}}
        and is returned to the caller to turn into the right exception.
        """
        doing = f"running {fields.get('name') or op}"
        with self._lock:
            if not self.alive or self.process.stdin is None:
                raise self._died(doing)
            request_id = next(self._ids)
            line = json.dumps({"id": request_id, "op": op, "args": fields}) + "\n"
            try:
                self.process.stdin.write(line.encode("utf-8"))
                self.process.stdin.flush()
            except (BrokenPipeError, ValueError):
                raise self._died(doing) from None
            answer = self._next_answer(timeout, doing)
        if answer.get("id") != request_id:
            raise PlaygroundError(f"the playground answered request {answer.get('id')} when {request_id} was asked")
        return answer

    def terminate(self) -> None:
        if self.process.poll() is None:
            try:
                if self.process.stdin:
                    self.process.stdin.close()  # the sidecar exits when its stdin closes
                self.process.wait(timeout=3)
            except (subprocess.TimeoutExpired, OSError):
                self.process.kill()
                self.process.wait(timeout=5)
        for stream in (self.process.stdout, self._answer_file):
            try:
                stream and stream.close()
            except OSError:
                pass
