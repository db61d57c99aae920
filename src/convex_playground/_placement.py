"""One CPU for a request and its answer: the calling thread and the sidecar's main thread.

A call from Python is two wake-ups: the sidecar's when the request arrives, the
caller's when the answer does. When the two threads sit on different CPUs, each
wake-up crosses CPUs, which on a virtual machine costs about 0.1 ms: more than a
small mutation takes to run. For the length of a request both threads are
therefore allowed only the CPU the caller is on, and afterwards both get back
the CPUs they had, so nothing else about where they run changes. (Python waits
while the sidecar works, so they never compete for that CPU.)

Linux only; anywhere else, or where the machine refuses (a container that does not
allow changing affinity), requests run as they are.
`CONVEX_PLAYGROUND_SHARED_CPU=0` turns it off.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
from typing import Iterator


def _current_cpu():
    """libc's sched_getcpu (the CPU this thread runs on), or None where there is none."""
    try:
        function = ctypes.CDLL(None, use_errno=True).sched_getcpu
    except (OSError, AttributeError):
        return None
    function.restype = ctypes.c_int
    return function


class SharedCpu:
    """`with shared.request():` runs a request with the caller and the sidecar on one CPU."""

    def __init__(self, sidecar_pid: int):
        self._sidecar = sidecar_pid  # on Linux a process's id is also its main thread's
        self._current_cpu = _current_cpu()
        self.enabled = (self._current_cpu is not None and hasattr(os, "sched_setaffinity")
                        and os.environ.get("CONVEX_PLAYGROUND_SHARED_CPU", "1") != "0"
                        and len(os.sched_getaffinity(0)) > 1)
        self._sidecar_cpus = os.sched_getaffinity(sidecar_pid) if self.enabled else set()

    @contextlib.contextmanager
    def request(self) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        cpu = self._current_cpu()
        try:
            mine = os.sched_getaffinity(0)
            os.sched_setaffinity(self._sidecar, {cpu})
            os.sched_setaffinity(0, {cpu})
        except OSError:  # not allowed here, or the sidecar has gone: the request says which
            self.enabled = False
            with contextlib.suppress(OSError):
                os.sched_setaffinity(self._sidecar, self._sidecar_cpus)
            yield
            return
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.sched_setaffinity(0, mine)
                os.sched_setaffinity(self._sidecar, self._sidecar_cpus)
