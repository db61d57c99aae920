"""What the sidecar's per-call shortcuts (sidecar/per_call.mjs, lock.mjs, time_limit.mjs) must keep.

Runs tests/fixtures/roundtrip9_app, a small app of its own. Each identity's convex-test
accessor is now built once and reused, so these tests check that a call still sees only
its own caller's identity, afresh each time (a function editing the object it got changes
nothing later, as on a deployment), also after reset(); that one timer serving every
request's time limit still stops each slow call, one after another; and that sharing one
CPU for the length of a request (_placement.py) leaves the caller's and the sidecar's CPUs
as they were.
"""

from __future__ import annotations

import os
import threading

import pytest

from convex_playground import CallTimeoutError, Playground
from convex_playground._placement import SharedCpu

from .conftest import REPO

APP = REPO / "tests" / "fixtures" / "roundtrip9_app"
ALICE = {"subject": "alice", "name": "Alice", "team": {"name": "blue"}}
BOB = {"subject": "bob", "name": "Bob", "team": {"name": "red"}}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pg():
    with Playground(APP, call_timeout=1.0) as playground:
        yield playground


def test_each_call_sees_its_own_callers_identity(pg):
    alice, bob, nobody = pg.client(ALICE), pg.client(BOB), pg.client()
    for _ in range(3):  # alternate, so that a reused accessor would show up as the wrong caller
        assert alice.query("who:whoami")["name"] == "Alice"
        assert bob.query("who:whoami")["team"] == {"name": "red"}
        assert nobody.query("who:whoami") is None


def test_editing_the_identity_object_changes_neither_this_call_nor_later_ones(pg):
    alice = pg.client(ALICE)
    assert alice.mutation("who:editIdentity") == {"editedName": "edited", "againName": "Alice", "againTeam": "blue"}
    assert alice.mutation("who:editIdentity") == {"editedName": "edited", "againName": "Alice", "againTeam": "blue"}
    seen = alice.query("who:whoami")
    assert (seen["name"], seen["team"]) == ("Alice", {"name": "blue"})


def test_identities_work_after_reset(pg):
    alice = pg.client(ALICE)
    alice.mutation("who:editIdentity")
    pg.reset()
    assert alice.query("who:count") == 0
    assert alice.mutation("who:editIdentity")["againName"] == "Alice"
    assert alice.query("who:count") == 1


def test_every_slow_call_is_stopped_at_its_time_limit_and_the_next_one_runs(pg):
    client = pg.client()
    for _ in range(2):  # the shared timer must fire again after it fired once
        with pytest.raises(CallTimeoutError, match="who:sleep did not finish within 1 s"):
            client.action("who:sleep", {"ms": 1500})
        assert client.action("who:sleep", {"ms": 0}) == 0


TWO_CPUS = hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 1
# Read before any playground starts: starting one sends requests too.
CPUS_AT_START = os.sched_getaffinity(0) if TWO_CPUS else set()


@pytest.mark.skipif(not TWO_CPUS, reason="sharing a CPU needs Linux and two CPUs")
def test_calls_leave_the_callers_and_the_sidecars_cpus_as_they_were(pg):
    sidecar = pg._process.process.pid
    caller_cpus = sidecar_cpus = CPUS_AT_START  # the sidecar started with its parent's CPUs
    for _ in range(20):
        pg.client(ALICE).query("who:whoami")
    with pytest.raises(CallTimeoutError):  # a request that ends in an error gives the CPUs back too
        pg.client().action("who:sleep", {"ms": 1500})
    assert (os.sched_getaffinity(0), os.sched_getaffinity(sidecar)) == (caller_cpus, sidecar_cpus)

    # A thread its program keeps on one CPU is still there after a call.
    one_cpu, seen = {max(caller_cpus)}, {}

    def pinned_caller():
        os.sched_setaffinity(0, one_cpu)
        seen["answer"] = pg.client(BOB).query("who:whoami")["name"]
        seen["cpus"] = os.sched_getaffinity(0)

    thread = threading.Thread(target=pinned_caller)
    thread.start()
    thread.join()
    assert seen == {"answer": "Bob", "cpus": one_cpu}
    assert os.sched_getaffinity(sidecar) == sidecar_cpus


def test_sharing_a_cpu_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("CONVEX_PLAYGROUND_SHARED_CPU", "0")
    assert not SharedCpu(os.getpid()).enabled
