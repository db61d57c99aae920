"""The playground's clock, scheduler, crons and call time limits.

They run two small apps of their own: tests/fixtures/sched_app (scheduled
functions, timers, time) and tests/fixtures/sched_crons_app (one cron of each
kind). Most tests freeze the clock so that results do not depend on how fast
the machine is.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from datetime import datetime, timedelta, timezone

import pytest

from convex_playground import CallTimeoutError, FunctionError, Playground, PlaygroundError
from convex_playground import _process

from .conftest import REFERENCE_APP, REPO

SCHED_APP = REPO / "tests" / "fixtures" / "sched_app"
CRONS_APP = REPO / "tests" / "fixtures" / "sched_crons_app"
HOUR = 3_600_000
DAY = 24 * HOUR


@pytest.fixture(scope="module")
def sched_playground():
    with Playground(SCHED_APP) as pg:
        yield pg


@pytest.fixture
def sched(sched_playground):
    sched_playground.reset()
    return sched_playground


@pytest.fixture(scope="module")
def crons_playground():
    with Playground(CRONS_APP) as pg:
        yield pg


@pytest.fixture
def crons_pg(crons_playground):
    crons_playground.reset()
    return crons_playground


def labels(pg) -> list[str]:
    return [tick["label"] for tick in pg.admin().table("ticks")]


# ---------------------------------------------------------------- scheduled functions


def test_a_chain_of_jobs_runs_whole_inside_one_advance_every_time(sched):
    for _ in range(5):
        sched.reset()
        start = sched.freeze_clock()
        sched.client().mutation("jobs:startChain", {"steps": 5, "delayMs": 1000})
        runs = sched.advance(10_000)
        assert [(run.name, run.args["step"], run.state) for run in runs] == [
            ("jobs:chainStep", float(step), "success") for step in range(1, 6)]
        due = [start + 1000 * step for step in range(1, 6)]
        assert [run.scheduled_time for run in runs] == due
        # Each step ran with the clock at its own due time.
        assert [tick["at"] for tick in sched.admin().table("ticks")] == due
        assert sched.now() == start + 10_000


def test_a_chain_runs_whole_on_the_moving_clock_too(sched):
    sched.client().mutation("jobs:startChain", {"steps": 5, "delayMs": 1000})
    runs = sched.advance(10_000)
    assert len(runs) == 5
    times = [tick["at"] for tick in sched.admin().table("ticks")]
    assert [later - earlier for earlier, later in zip(times, times[1:])] == [1000.0] * 4


def test_jobs_run_in_due_time_order_and_only_inside_the_window(sched):
    start = sched.freeze_clock()
    client = sched.client()
    for label, offset in [("c", 3000), ("a", 1000), ("b", 2000), ("b twin", 2000), ("overdue", -5000)]:
        client.mutation("jobs:recordAt", {"label": label, "at": start + offset})
    first = sched.advance(2500)
    assert [run.args["label"] for run in first] == ["overdue", "a", "b", "b twin"]
    assert [run.scheduled_time for run in first] == [start - 5000, start + 1000, start + 2000, start + 2000]
    ticks = {tick["label"]: tick["at"] for tick in sched.admin().table("ticks")}
    assert ticks == {"overdue": start, "a": start + 1000, "b": start + 2000, "b twin": start + 2000}  # never backwards
    [last] = sched.advance(1000)
    assert (last.args["label"], last.scheduled_time) == ("c", start + 3000)
    assert sched.advance(60_000) == []


def test_cancelled_and_rolled_back_jobs_never_run(sched):
    client = sched.client()
    job = client.mutation("jobs:recordAfter", {"label": "cancelled", "delayMs": 1000})
    client.mutation("jobs:cancel", {"id": job})
    with pytest.raises(FunctionError, match="changed my mind"):
        client.mutation("jobs:scheduleThenFail")
    assert sched.advance(5000) == []
    assert labels(sched) == []
    assert [(j["name"], j["state"]) for j in sched.scheduled()] == [("jobs:record", "canceled")]


def test_a_failed_job_reports_its_error_logs_and_calls(sched):
    client = sched.client()
    client.mutation("jobs:explodeLater", {"message": "disk on fire", "delayMs": 0})
    [run] = sched.run_scheduled()
    assert (run.kind, run.name, run.state, run.error) == ("scheduled", "jobs:explode", "failed", "disk on fire")
    assert "about to fail" in [line.message for line in run.logs]
    [job] = sched.scheduled()
    assert (job["id"], job["state"], job["error"]) == (run.id, "failed", "disk on fire")
    record = sched.calls[-1]
    assert (record.function, record.kind, record.ok, record.error) == ("jobs:explode", "scheduled", False, "disk on fire")


def test_a_job_keeps_its_logs_and_metrics(sched):
    sched.client().mutation("jobs:recordAfter", {"label": "x", "delayMs": 500})
    [run] = sched.advance(500)
    assert (run.state, run.error) == ("success", None)
    assert [line.message for line in run.logs] == ["tick x"]
    assert run.metrics.documents_written == 1
    assert run.duration_ms > 0
    assert (sched.calls[-1].kind, sched.calls[-1].logs) == ("scheduled", run.logs)


def test_a_job_that_reschedules_itself_forever_is_stopped_with_a_clear_error(sched):
    sched.admin().insert("ticks", {"label": "keep me", "at": 0})
    sched.freeze_clock()
    sched.client().mutation("jobs:startRunaway")
    with pytest.raises(FunctionError, match="jobs:runaway keeps scheduling work with no delay"):
        sched.run_scheduled()
    states = [job["state"] for job in sched.scheduled()]
    assert states.count("success") == 1000 and states.count("pending") == 1  # stopped between two runs
    assert labels(sched) == ["keep me"]


# ---------------------------------------------------------------- the clock


def test_the_clock_follows_the_wall_clock_until_frozen(sched):
    assert abs(sched.now() - time.time() * 1000) < 5000
    sched.advance(60_000)
    assert abs(sched.now() - (time.time() * 1000 + 60_000)) < 5000
    frozen = sched.freeze_clock()
    time.sleep(0.2)
    assert sched.now() == frozen
    assert sched.unfreeze_clock() == frozen
    time.sleep(0.2)
    assert sched.now() >= frozen + 150


def test_real_time_makes_a_job_due_only_while_the_clock_moves(sched):
    client = sched.client()
    sched.freeze_clock()
    client.mutation("jobs:recordAfter", {"label": "frozen", "delayMs": 1000})
    time.sleep(1.2)
    assert sched.run_scheduled() == []  # the clock stood still: not due yet
    assert [run.args["label"] for run in sched.advance(1000)] == ["frozen"]

    sched.unfreeze_clock()
    client.mutation("jobs:recordAfter", {"label": "moving", "delayMs": 1000})
    assert sched.run_scheduled() == []
    time.sleep(1.2)
    assert [run.args["label"] for run in sched.run_scheduled()] == ["moving"]  # due on the moving clock


def test_reset_puts_the_clock_back_on_the_wall_clock(sched):
    sched.advance(HOUR)
    sched.freeze_clock()
    sched.client().mutation("jobs:recordAfter", {"label": "forgotten", "delayMs": 0})
    sched.reset()
    assert abs(sched.now() - time.time() * 1000) < 5000
    before = sched.now()
    time.sleep(0.15)
    assert sched.now() >= before + 100
    assert sched.run_scheduled() == []


def test_a_mutation_sees_one_time_from_start_to_end(sched):
    first, second = sched.client().mutation("jobs:nowTwice")
    assert first == second


# ---------------------------------------------------------------- timers in actions and time limits


def test_an_action_can_wait_with_set_timeout(sched):
    started = time.perf_counter()
    assert sched.client().action("jobs:sleepFor", {"ms": 100}) == 100
    assert 0.1 <= time.perf_counter() - started < 10
    backoff = sched.client().action("jobs:waitWithBackoff", {"totalMs": 200})
    assert backoff["elapsed"] >= 200 and backoff["attempts"] >= 3  # Date.now() moves inside an action
    assert labels(sched) == ["slept 100"]


def test_a_call_past_the_time_limit_raises_and_keeps_the_database():
    with Playground(SCHED_APP, call_timeout=1.0) as pg:
        admin = pg.admin()
        admin.insert("ticks", {"label": "keep me", "at": 0})
        started = time.perf_counter()
        with pytest.raises(CallTimeoutError, match=r"jobs:sleepFor did not finish within 1 s .*database is intact"):
            pg.client().action("jobs:sleepFor", {"ms": 2500})
        assert time.perf_counter() - started < 5
        assert pg.alive
        assert labels(pg) == ["keep me"]
        pg.client().mutation("jobs:recordAfter", {"label": "next", "delayMs": 0})
        assert [run.args["label"] for run in pg.run_scheduled()] == ["next"]
        time.sleep(2)  # the abandoned action ends in the background, and its write lands
        assert labels(pg) == ["keep me", "next", "slept 2500"]


def test_a_scheduled_run_past_the_time_limit_names_the_function():
    with Playground(SCHED_APP, call_timeout=1.0) as pg:
        pg.admin().insert("ticks", {"label": "keep me", "at": 0})
        pg.client().mutation("jobs:sleepLater", {"ms": 3000, "delayMs": 0})
        with pytest.raises(CallTimeoutError, match="the scheduled jobs:sleepInternal did not finish within 1 s"):
            pg.run_scheduled()
        assert labels(pg) == ["keep me"]


def test_a_mutation_that_never_ends_is_reported_as_holding_the_database():
    with Playground(SCHED_APP, call_timeout=1.0) as pg:
        with pytest.raises(CallTimeoutError, match="jobs:waitForever did not finish within 1 s .*stuck inside a query or mutation"):
            pg.client().mutation("jobs:waitForever")
        assert pg.alive


def test_a_sidecar_that_stops_answering_is_stopped_and_says_the_data_is_lost(monkeypatch):
    monkeypatch.setattr(_process, "SIDECAR_GRACE_S", 1.0)
    with Playground(SCHED_APP, call_timeout=0.5) as pg:
        with pytest.raises(PlaygroundError, match="jobs:spin.*database is lost"):
            pg.client().mutation("jobs:spin", {"ms": 8000})
        assert not pg.alive


# ---------------------------------------------------------------- crons


def utc(ms: float) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def ms(moment: datetime) -> float:
    return moment.timestamp() * 1000


def occurrences(after: float, until: float, matches) -> list[float]:
    """Whole minutes strictly after `after` and up to `until` for which `matches(datetime)` is true."""
    minute = utc(after).replace(second=0, microsecond=0) + timedelta(minutes=1)
    found = []
    while ms(minute) <= until:
        if matches(minute):
            found.append(ms(minute))
        minute += timedelta(minutes=1)
    return found


def test_crons_lists_every_job_with_its_next_run(crons_pg):
    deployed = crons_pg.freeze_clock()
    crons = {cron["name"]: cron for cron in crons_pg.crons()}
    assert set(crons) == {"heartbeat", "half past", "nightly", "monday", "first of month", "every 20 min"}
    assert crons["nightly"]["function"] == "jobs:broken"
    assert crons["heartbeat"]["args"] == {"cron": "heartbeat"}
    assert crons["heartbeat"]["schedule"] == {"type": "interval", "hours": 6.0}
    assert crons["heartbeat"]["nextRun"] <= deployed  # an interval job first runs when deployed
    horizon = deployed + 32 * DAY
    expected = {
        "half past": lambda m: m.minute == 30,
        "nightly": lambda m: (m.hour, m.minute) == (3, 15),
        "monday": lambda m: (m.weekday(), m.hour, m.minute) == (0, 9, 0),
        "first of month": lambda m: (m.day, m.hour, m.minute) == (1, 0, 5),
        "every 20 min": lambda m: m.minute % 20 == 0,
    }
    for name, matches in expected.items():
        assert crons[name]["nextRun"] == occurrences(deployed, horizon, matches)[0], name


def test_crons_run_at_each_due_time_inside_an_advance(crons_pg):
    deployed = crons_pg.crons()[0]["nextRun"]  # the heartbeat's first run: deploy time
    start = crons_pg.freeze_clock()
    end = start + 2 * DAY
    runs = crons_pg.advance(2 * DAY)
    assert all(run.kind == "cron" for run in runs)
    assert [run.scheduled_time for run in runs] == sorted(run.scheduled_time for run in runs)

    def times(name):
        return [run.scheduled_time for run in runs if run.id == name]

    assert times("heartbeat") == [deployed + k * 6 * HOUR for k in range(9) if deployed + k * 6 * HOUR <= end]
    assert times("half past") == occurrences(start, end, lambda m: m.minute == 30)
    assert times("every 20 min") == occurrences(start, end, lambda m: m.minute % 20 == 0)
    assert times("nightly") == occurrences(start, end, lambda m: (m.hour, m.minute) == (3, 15))
    nightly = [run for run in runs if run.id == "nightly"]
    assert len(nightly) == 2 and all((r.state, r.error) == ("failed", "the nightly job is broken") for r in nightly)
    # Each run saw its own due time (the first heartbeat ran at `start`: the clock never goes back).
    seen = {}
    for row in crons_pg.admin().table("runs"):
        seen.setdefault(row["cron"], []).append(row["at"])
    assert seen["half past"] == times("half past")  # an action's mutation, on a frozen clock
    assert seen["every 20 min"] == times("every 20 min")
    assert seen["heartbeat"] == [start] + times("heartbeat")[1:]
    assert [record.kind for record in crons_pg.calls][-len(runs):] == ["cron"] * len(runs)
    after = {cron["name"]: cron["nextRun"] for cron in crons_pg.crons()}
    assert after["every 20 min"] == occurrences(end, end + HOUR, lambda m: m.minute % 20 == 0)[0]


def test_a_bad_cron_stops_the_app_from_starting_with_the_file_and_job(tmp_path):
    app = tmp_path / "app"
    shutil.copytree(CRONS_APP, app)
    crons = app / "convex" / "crons.ts"
    source = crons.read_text()
    for bad, complaint in [('"61 * * * *"', "is not a valid cron expression"),
                           ('"0 */20 * * * *"', "is not a 5-field cron expression")]:
        crons.write_text(source.replace('"*/20 * * * *"', bad))
        with pytest.raises(PlaygroundError, match=f'convex/crons.ts: cron "every 20 min": .*{complaint}'):
            Playground(app)
    crons.write_text(source.replace("internal.jobs.broken", "internal.jobs.runs"))
    with pytest.raises(PlaygroundError, match='cron "nightly" calls jobs:runs, which is not a mutation or action'):
        Playground(app)


def test_the_reference_apps_cron_is_deployed(reference):
    [cron] = reference.crons()
    assert (cron["name"], cron["function"]) == ("prune webhook markers", "billing:pruneWebhookEvents")
    assert cron["schedule"] == {"type": "daily", "hourUTC": 3.0, "minuteUTC": 15.0}
    due = utc(cron["nextRun"])
    assert (due.hour, due.minute, due.second) == (3, 15, 0)
    assert 0 < cron["nextRun"] - reference.now() <= DAY


def test_the_fixture_apps_generated_code_is_what_codegen_writes():
    for app in (SCHED_APP, CRONS_APP):
        result = subprocess.run(["node", "tools/codegen.mjs", "--app", str(app), "--check"],
                                cwd=REFERENCE_APP, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
