"""The playground's contract: what a notebook may rely on.

These run the small second app in tests/fixtures/tiny_app (the playground must
work for any Convex app folder); test_reference_playground.py runs the guide's
own app.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import convex
import pytest

from convex_playground import (
    AppLoadError,
    ArgumentValidationError,
    FunctionError,
    InternalFunctionError,
    Playground,
    PlaygroundClient,
    PlaygroundError,
    SidecarDiedError,
    SubscriptionDroppedError,
    UnknownFunctionError,
    connect,
)

from .conftest import REPO, TINY_APP

ALICE = {"subject": "alice", "name": "Alice", "email": "alice@example.com"}


def seed_tasks(pg, count: int) -> None:
    pg.admin().insert("tasks", [{"text": f"task {i}", "priority": i % 10, "done": False} for i in range(count)])


# ---------------------------------------------------------------- calls and values


def test_mutation_and_query_round_trip_values(tiny):
    client = tiny.client(ALICE)
    task_id = client.mutation("tasks:add", {"text": "write docs", "priority": 3})
    assert isinstance(task_id, str)
    [task] = client.query("tasks:list")
    assert task["_id"] == task_id
    assert task["text"] == "write docs"
    assert task["priority"] == 3.0 and isinstance(task["priority"], float)  # Convex numbers are float64
    assert task["owner"] == "alice"
    assert isinstance(task["_creationTime"], float)


def test_function_names_accept_default_and_extension_forms(tiny):
    client = tiny.client()
    assert client.query("tasks.js:list") == []
    assert client.query("tasks:list") == []


def test_console_logs_are_captured_per_call(tiny):
    client = tiny.client()
    client.mutation("tasks:add", {"text": "logged", "priority": 1})
    assert [(line.level, line.message) for line in client.last_call.logs] == [("log", "adding task logged")]


# ---------------------------------------------------------------- errors


def test_convex_error_arrives_as_convex_convexerror_with_data(tiny):
    with pytest.raises(convex.ConvexError) as caught:
        tiny.client().mutation("tasks:add", {"text": "   ", "priority": 1})
    assert caught.value.data == {"code": "EMPTY_TEXT", "message": "a task needs some text"}


def test_argument_validation_error_names_the_function(tiny):
    with pytest.raises(ArgumentValidationError) as caught:
        tiny.client().mutation("tasks:add", {"text": 42, "priority": 1})
    assert not isinstance(caught.value, convex.ConvexExecutionError)  # convex 0.8.1 raises a plain Exception
    assert caught.value.function == "tasks:add"
    assert "tasks:add" in str(caught.value) and "string" in str(caught.value)


def test_missing_argument_is_a_validation_error(tiny):
    with pytest.raises(ArgumentValidationError):
        tiny.client().mutation("tasks:add", {"text": "no priority"})


def test_other_function_errors_name_function_and_message(tiny):
    with pytest.raises(FunctionError) as caught:
        tiny.client().mutation("tasks:addThenFail", {"text": "ghost"})
    assert str(caught.value) == "tasks:addThenFail: failed after writing"


def test_unknown_function_lists_the_names_that_exist(tiny):
    with pytest.raises(UnknownFunctionError) as caught:
        tiny.client().query("tasks:lsit")
    message = str(caught.value)
    assert 'no function "tasks:lsit"' in message
    assert "tasks:list" in message and "tasks:whoami" in message
    assert "tasks:complete" not in caught.value.known  # internal names are not advertised to clients


def test_calling_a_mutation_as_a_query_says_what_it_is(tiny):
    with pytest.raises(UnknownFunctionError, match=r'"tasks:add" is a mutation, not a query'):
        tiny.client().query("tasks:add", {"text": "x", "priority": 1})


# ---------------------------------------------------------------- internal functions and identities


def test_clients_cannot_call_internal_functions_but_admin_can(tiny):
    task_id = tiny.client().mutation("tasks:add", {"text": "t", "priority": 1})
    with pytest.raises(InternalFunctionError, match="internal function"):
        tiny.client().mutation("tasks:complete", {"taskId": task_id})
    tiny.admin().mutation("tasks:complete", {"taskId": task_id})
    assert tiny.admin().get(task_id)["done"] is True


def test_admin_reads_and_writes_tables_directly(tiny):
    admin = tiny.admin()
    ids = admin.insert("tasks", [{"text": "a", "priority": 1, "done": False}, {"text": "b", "priority": 2, "done": True}])
    assert len(ids) == 2 and admin.count("tasks") == 2
    admin.patch(ids[0], {"done": True})
    admin.delete(ids[1])
    assert [(t["text"], t["done"]) for t in admin.table("tasks")] == [("a", True)]


def test_admin_insert_is_checked_against_the_schema(tiny):
    with pytest.raises(FunctionError, match="priority"):
        tiny.admin().insert("tasks", {"text": "no priority", "done": False})


def test_identity_from_claims_jwt_and_clear_auth(tiny):
    client = tiny.client()
    assert client.query("tasks:whoami") is None
    client.set_auth(ALICE)
    assert client.query("tasks:whoami") == {"subject": "alice", "name": "Alice"}
    payload = base64.urlsafe_b64encode(json.dumps({"sub": "bob", "name": "Bob"}).encode()).rstrip(b"=").decode()
    client.set_auth(f"eyJhbGciOiJub25lIn0.{payload}.signature")
    assert client.query("tasks:whoami") == {"subject": "bob", "name": "Bob"}
    client.clear_auth()
    assert client.query("tasks:whoami") is None


def test_identity_needs_a_subject(tiny):
    with pytest.raises(ValueError, match="subject"):
        tiny.client({"name": "nobody"})


# ---------------------------------------------------------------- metrics


def test_filter_scan_counts_every_document_it_passes(tiny):
    seed_tasks(tiny, 500)
    client = tiny.client()
    urgent = client.query("tasks:urgentByFilter", {"min": 9})
    assert len(urgent) == 50
    assert client.last_call.metrics.documents_read == 500


def test_first_stops_the_scan_at_the_first_match(tiny):
    seed_tasks(tiny, 500)
    client = tiny.client()
    assert client.query("tasks:firstUrgentByFilter", {"min": 9})["text"] == "task 9"
    assert client.last_call.metrics.documents_read == 10  # tasks 0..9


def test_index_range_reads_only_matching_documents(tiny):
    seed_tasks(tiny, 500)
    client = tiny.client()
    assert len(client.query("tasks:urgentByIndex", {"min": 9})) == 50
    metrics = client.last_call.metrics
    assert metrics.documents_read == 50
    assert metrics.index_ranges == 1
    assert 0 < metrics.bytes_read < 50 * 200


def test_writes_and_actions_report_their_totals(tiny):
    client = tiny.client()
    client.mutation("tasks:add", {"text": "x", "priority": 1})
    assert client.last_call.metrics.documents_written == 1
    assert client.last_call.metrics.bytes_written > 0
    assert client.action("tasks:addTwice", {"text": "y"}) == 2
    assert client.last_call.metrics.documents_written == 2  # summed over the action's two mutations
    assert [row["function"] for row in tiny.call_rows()][-2:] == ["tasks:add", "tasks:addTwice"]


def test_transaction_limit_is_enforced_like_a_deployment(tiny):
    seed_tasks(tiny, 32_050)
    with pytest.raises(FunctionError, match="Scanned too many documents"):
        tiny.client().query("tasks:urgentByFilter", {"min": 9})


def test_failed_mutation_leaves_nothing_behind(tiny):
    with pytest.raises(FunctionError):
        tiny.client().mutation("tasks:addThenFail", {"text": "ghost"})
    assert tiny.admin().count("tasks") == 0


# ---------------------------------------------------------------- subscriptions


def test_subscription_yields_only_when_the_result_changes(tiny):
    writer = tiny.client()
    done_count = tiny.client().subscribe("tasks:countDone")
    all_tasks = tiny.client().subscribe("tasks:list")
    assert done_count.drain() == [0.0]
    assert all_tasks.drain() == [[]]

    task_id = writer.mutation("tasks:add", {"text": "t", "priority": 1})
    assert done_count.drain() == []  # a new open task does not change the count
    assert [len(value) for value in all_tasks.drain()] == [1]

    tiny.admin().mutation("tasks:complete", {"taskId": task_id})
    assert done_count.drain() == [1.0]
    assert done_count.current == 1.0


def test_unsubscribed_queries_get_nothing(tiny):
    sub = tiny.client().subscribe("tasks:list")
    sub.drain()
    sub.unsubscribe()
    tiny.client().mutation("tasks:add", {"text": "t", "priority": 1})
    assert sub.pending() == 0
    with pytest.raises(SubscriptionDroppedError):
        next(sub)


def test_subscription_next_value_waits_for_another_thread(tiny):
    import threading

    sub = tiny.client().subscribe("tasks:list")
    next(sub)
    threading.Timer(0.2, lambda: tiny.client().mutation("tasks:add", {"text": "t", "priority": 1})).start()
    assert len(sub.next_value(timeout=30)) == 1
    with pytest.raises(TimeoutError):
        sub.next_value(timeout=0.1)


# ---------------------------------------------------------------- scheduler


def test_scheduled_function_runs_when_the_clock_reaches_it(tiny):
    client = tiny.client()
    task_id = client.mutation("tasks:add", {"text": "later", "priority": 1})
    done = client.subscribe("tasks:countDone")
    done.drain()
    client.mutation("tasks:completeLater", {"taskId": task_id, "afterMs": 60_000})
    assert [job["state"] for job in tiny.scheduled()] == ["pending"]
    assert tiny.run_scheduled() == []  # not due yet
    assert tiny.advance(59_000) == []
    [run] = tiny.advance(1_000)
    assert (run.name, run.state, run.args) == ("tasks:complete", "success", {"taskId": task_id})
    assert done.drain() == [1.0]  # the scheduled write reached the subscription


def test_run_scheduled_runs_what_is_already_due(tiny):
    client = tiny.client()
    task_id = client.mutation("tasks:add", {"text": "now", "priority": 1})
    client.mutation("tasks:completeLater", {"taskId": task_id, "afterMs": 0})
    assert [run.state for run in tiny.run_scheduled()] == ["success"]
    assert tiny.admin().get(task_id)["done"] is True


# ---------------------------------------------------------------- HTTP actions


def test_http_action_is_reachable_through_fetch(tiny):
    response = tiny.fetch("/tasks", method="POST", body=json.dumps({"text": "from a webhook"}))
    assert response.status == 201
    assert response.json() == {"stored": "from a webhook"}
    assert [t["text"] for t in tiny.admin().table("tasks")] == ["from a webhook"]


# ---------------------------------------------------------------- connect()


def test_connect_without_convex_url_returns_a_playground_client():
    client = connect(TINY_APP, identity=ALICE)
    assert isinstance(client, PlaygroundClient)
    assert client.query("tasks:whoami") == {"subject": "alice", "name": "Alice"}
    assert connect(TINY_APP)._playground is client._playground  # one shared playground per app


def test_connect_with_convex_url_returns_the_official_client(monkeypatch):
    monkeypatch.setenv("CONVEX_URL", "http://127.0.0.1:9")
    client = connect()
    assert isinstance(client, convex.ConvexClient)
    with pytest.raises(ValueError, match="JWT"):
        connect(identity=ALICE)


# ---------------------------------------------------------------- lifecycle


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it is gone for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def wait_gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_close_stops_the_sidecar_and_later_calls_say_so():
    pg = Playground(TINY_APP)
    pid = pg.pid
    assert pg.alive and pg.startup_ms > 0
    pg.close()
    assert wait_gone(pid)
    pg.close()  # twice is fine
    with pytest.raises(PlaygroundError):
        pg.client().query("tasks:list")


def test_a_dead_sidecar_is_reported_and_restart_recovers():
    with Playground(TINY_APP) as pg:
        pg.client().mutation("tasks:add", {"text": "lost", "priority": 1})
        os.kill(pg.pid, signal.SIGKILL)
        with pytest.raises(SidecarDiedError, match="restart"):
            pg.client().query("tasks:list")
        with pytest.raises(SidecarDiedError):  # and again, not a hang
            pg.client().query("tasks:list")
        pg.restart()
        assert pg.client().query("tasks:list") == []  # a new, empty backend


def test_sidecar_dying_mid_call_is_reported():
    import threading

    with Playground(TINY_APP) as pg:
        threading.Timer(0.5, lambda: os.kill(pg.pid, signal.SIGKILL)).start()
        with pytest.raises(SidecarDiedError):
            pg.client().mutation("tasks:spin")


@pytest.mark.parametrize("ending", ["exit", "sigkill"])
def test_no_orphan_node_when_python_goes_away(ending):
    # A Jupyter kernel restart kills the kernel process: the sigkill case.
    script = textwrap.dedent(f"""
        import os, signal, sys
        from convex_playground import Playground
        pg = Playground({str(TINY_APP)!r})
        print(pg.pid, flush=True)
        if {ending!r} == "sigkill":
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=REPO)
    pid = int(child.stdout.split()[0])
    assert wait_gone(pid), f"node sidecar {pid} outlived its Python process ({ending})"


def test_a_folder_without_convex_is_refused(tmp_path):
    with pytest.raises(PlaygroundError, match="no convex/ subfolder"):
        Playground(tmp_path)


def test_an_app_that_fails_to_load_reports_why(tmp_path):
    app = tmp_path / "broken"
    (app / "convex" / "_generated").mkdir(parents=True)
    for name in ("api.js", "server.js"):
        (app / "convex" / "_generated" / name).write_text((TINY_APP / "convex" / "_generated" / name).read_text())
    (app / "package.json").write_text('{"type": "module"}')
    (app / "convex" / "oops.ts").write_text("export const x = ;\n")
    with pytest.raises(AppLoadError, match=r'^convex/oops\.ts:1:18: Unexpected ";"'):
        Playground(app)


def test_the_tiny_apps_generated_code_is_what_codegen_writes():
    # Same tool as the reference app's: snippets/tools/codegen.mjs --app.
    result = subprocess.run(["node", "tools/codegen.mjs", "--app", str(TINY_APP), "--check"],
                            cwd=REPO / "snippets", capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
