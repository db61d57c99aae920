"""The Node sidecar process: start, one request at a time, and a clean end.

Requests go to the sidecar's stdin as JSON lines; answers come back on a pipe of
their own (an fd passed to the child), so whatever the app prints cannot corrupt them.
The thread that sent a request reads its answer itself: handing each answer over
from a reader thread would add a thread switch to every call; and for the length
of the request it shares one CPU with the sidecar's main thread (_placement.py). Notices nobody asked
for (an HTTP request that reached the loopback server) come on a third pipe, read
by a background thread; each answer says how many notices were sent before it, and
is returned only once those have been handled, so they keep their order.
The sidecar exits when its stdin closes, and on Linux it is also sent SIGTERM if
this Python process dies, so a killed Jupyter kernel leaves no Node behind.
"""

from __future__ import annotations

import collections
import ctypes
import itertools
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Mapping

from ._placement import SharedCpu
from .app import AppLayout
from .errors import AppLoadError, PlaygroundError, SidecarDiedError

SIDECAR_DIR = Path(__file__).parent / "sidecar"
_EOF = object()
# A request's time limit is enforced by the sidecar itself, which answers with an
# error and keeps its database. Python waits this much longer before deciding that
# the sidecar no longer answers at all (e.g. a function stuck in a loop).
SIDECAR_GRACE_S = 10.0


def _die_with_parent() -> None:  # runs in the child between fork and exec
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class SidecarProcess:
    def __init__(self, app: AppLayout, toolchain: Path, *, node: str = "node", enforce_limits: bool = True,
                 start_timeout: float = 60.0, cache_dir: Path, write_generated: bool = False,
                 app_env: Mapping[str, str] | None = None, env_file: Path | None = None,
                 on_event: Callable[[dict], None] | None = None):
        self.app_dir = app.root
        self.toolchain = toolchain
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._output: collections.deque[str] = collections.deque(maxlen=200)
        self._on_event = on_event
        self._events_handled = 0
        self._events_done = threading.Condition()
        read_fd, write_fd = os.pipe()
        event_read_fd, event_write_fd = os.pipe()
        # The app runs from esbuild bundles (sidecar/loader.mjs); source maps point errors at its files.
        # The sidecar runs from a bundle of its own (sidecar/launch.mjs).
        command = [node, "--enable-source-maps", str(SIDECAR_DIR / "launch.mjs"),
                   "--app", str(app.root), "--functions", str(app.functions_dir),
                   "--cache", str(cache_dir), "--answer-fd", str(write_fd), "--event-fd", str(event_write_fd)]
        if not enforce_limits:
            command.append("--no-limits")
        if write_generated:
            command.append("--write-generated")
        # Node starts with this process's environment (PATH and the like); the sidecar then
        # replaces process.env with the app's variables, passed in CONVEX_PLAYGROUND_APP_ENV.
        app_environment = json.dumps({"variables": dict(app_env or {}), "file": str(env_file) if env_file else None})
        env = {**os.environ, "CONVEX_PLAYGROUND_TOOLCHAIN": str(toolchain), "NODE_NO_WARNINGS": "1",
               "CONVEX_PLAYGROUND_APP_ENV": app_environment}
        started = time.perf_counter()
        try:
            self.process = subprocess.Popen(
                command, cwd=toolchain, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, pass_fds=(write_fd, event_write_fd), preexec_fn=_die_with_parent,
            )
        except FileNotFoundError as error:
            for fd in (read_fd, write_fd, event_read_fd, event_write_fd):
                os.close(fd)
            raise PlaygroundError(f"cannot start the playground: '{node}' (Node.js 20+) is not on PATH") from error
        os.close(write_fd)  # the child keeps its copies, at the same numbers
        os.close(event_write_fd)
        self._request_fd = self.process.stdin.fileno()
        self._shared_cpu = SharedCpu(self.process.pid)
        self._answers = _AnswerPipe(read_fd)
        self._event_file = os.fdopen(event_read_fd, "rb")
        threading.Thread(target=self._drain_output, daemon=True, name="playground-output").start()
        threading.Thread(target=self._read_events, daemon=True, name="playground-events").start()
        ready = self._next_answer(start_timeout, "starting")
        if isinstance(ready, dict) and ready.get("ok") is False and ready.get("error", {}).get("kind") == "AppLoadError":
            self.terminate()
            error = ready["error"]
            raise AppLoadError(error["message"], file=error.get("file"), line=error.get("line"))
        if not (isinstance(ready, dict) and ready.get("result", {}).get("ready")):
            raise PlaygroundError(f"the playground sidecar sent an unexpected first line: {ready!r}")
        self.spawn_ms = (time.perf_counter() - started) * 1000

    # ------------------------------------------------------------------ plumbing
    def _drain_output(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            self._output.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def _read_events(self) -> None:
        for raw in self._event_file:
            message = _parse(raw)
            if message is None:
                self._output.append(f"[unreadable notice] {raw[:200]!r}")
            else:
                self._handle_event(message)
            with self._events_done:
                self._events_handled += 1
                self._events_done.notify_all()

    def _handle_event(self, message: dict) -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(message)
        except Exception as error:  # a bad notice must not stop the answers from being read
            self._output.append(f"[playground] could not handle {message.get('event')!r}: {error!r}")

    def _wait_for_events(self, sent: int) -> None:
        """Returns once the first `sent` notices are handled (or the sidecar stopped sending them)."""
        if self._events_handled >= sent:
            return
        with self._events_done:
            self._events_done.wait_for(lambda: self._events_handled >= sent or not self.alive, timeout=SIDECAR_GRACE_S)

    def output_tail(self, lines: int = 30) -> str:
        return "\n".join(list(self._output)[-lines:])

    def _died(self, doing: str) -> SidecarDiedError:
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        tail = self.output_tail() or "(it printed nothing)"
        # While starting there is no Playground object yet to restart.
        advice = ("Fix the cause and create the Playground again." if doing == "starting" else
                  "Call restart() on the Playground to start a new one (its database starts empty).")
        return SidecarDiedError(
            f"the playground's Node sidecar is not running (exit code {code}) while {doing}. "
            f"Its last output:\n{tail}\n{advice}"
        )

    def _next_answer(self, timeout: float | None, doing: str) -> Any:
        try:
            answer = self._answers.next(timeout, self._output)
        except TimeoutError:
            self.terminate()
            if doing == "starting":
                raise PlaygroundError(f"the playground's Node sidecar did not finish starting within {timeout:g} s, so it "
                                      "was stopped. The first start of a large app bundles it and its packages, which "
                                      "on a busy machine can take longer: pass a larger start_timeout to Playground(). "
                                      f"Its last output:\n{self.output_tail() or '(it printed nothing)'}") from None
            advice = "Call restart() to start a new one."
            raise PlaygroundError(f"the playground's Node sidecar did not answer within {timeout:.0f} s while {doing} "
                                  "(a function stuck in a loop blocks it), so it was stopped and its in-memory "
                                  f"database is lost. {advice}") from None
        if answer is _EOF:
            raise self._died(doing)
        if isinstance(answer, dict) and answer.get("events"):
            self._wait_for_events(answer["events"])
        return answer

    # ------------------------------------------------------------------ API
    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def request(self, op: str, timeout: float | None = None, **fields: Any) -> dict:
        """Sends one request and returns its `result`; raises on a transport failure.

        An error *inside* the request comes back as {"ok": False, "error": {...}}
        and is returned to the caller to turn into the right exception. So does
        running past `timeout` seconds (kind "CallTimeout"): the sidecar keeps
        its data. Only a sidecar silent for SIDECAR_GRACE_S more is stopped.
        """
        doing = f"running {fields.get('name') or op}"
        with self._lock:
            # (A sidecar that died since the last answer fails the write below or the read.)
            if self.process.returncode is not None or self.process.stdin is None or self.process.stdin.closed:
                raise self._died(doing)
            request_id = next(self._ids)
            message: dict[str, Any] = {"id": request_id, "op": op, "args": fields}
            if timeout is not None:
                message["timeoutMs"] = timeout * 1000
            # One write system call, straight to the pipe (json.dumps escapes non-ASCII, so the text is its bytes).
            line = (_encode(message) + "\n").encode("ascii")
            with self._shared_cpu.request():
                try:
                    sent = os.write(self._request_fd, line)
                    while sent < len(line):
                        sent += os.write(self._request_fd, line[sent:])
                except OSError:  # a broken pipe: the sidecar has gone
                    raise self._died(doing) from None
                answer = self._next_answer(None if timeout is None else timeout + SIDECAR_GRACE_S, doing)
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
        for stream in (self.process.stdout, self._answers, self._event_file):
            try:
                stream and stream.close()
            except OSError:
                pass


# Requests without the spaces json.dumps puts after separators: less to write and for Node to parse.
_encode = json.JSONEncoder(separators=(",", ":")).encode
# Convex numbers are float64; the official client's json_to_convex
# expects floats, and Convex's Int64s travel as {"$integer": ...}.
_decoder = json.JSONDecoder(parse_int=float)


def _parse(raw: bytes) -> Any:
    try:
        return _decoder.decode(raw.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


class _AnswerPipe:
    """The answer pipe, read by whichever thread is waiting for an answer (one at a time)."""

    def __init__(self, fd: int):
        self._fd = fd
        self._buffer = bytearray()
        self._poll = select.poll()
        self._poll.register(fd, select.POLLIN)
        self._closed = False

    def next(self, timeout: float | None, output: collections.deque[str]) -> Any:
        """The next answer, _EOF once the sidecar closed the pipe; TimeoutError after `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            end = self._buffer.find(b"\n")
            if end != -1:
                raw = bytes(self._buffer[:end])
                del self._buffer[:end + 1]
                message = _parse(raw)
                if message is None:
                    output.append(f"[unreadable answer] {raw[:200]!r}")
                    continue
                if b'"$' not in raw and isinstance(message, dict):
                    # No special value ($integer, $bytes, $float) anywhere: its JSON is already the Python value.
                    message["plain"] = True
                return message
            if self._closed:
                return _EOF
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not self._poll.poll(left * 1000):
                    raise TimeoutError
            chunk = os.read(self._fd, 1 << 16)
            if not chunk:
                self._closed = True
            self._buffer += chunk

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
