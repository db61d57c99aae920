"""Convex's own clients against `pg.url`, unchanged, as against a deployment.

The official Python client (`convex.ConvexClient`, WebSocket sync, and
`convex.http_client.ConvexHttpClient`, the HTTP API) and, through Node, the
`convex` npm package's ConvexHttpClient and ConvexClient
(snippets/tests/official_clients.node.mjs). One playground on the small app
tests/fixtures/proto_app serves the whole module; each test uses its own
channel so that tests do not see each other's messages.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import convex
import pytest
import requests
from convex.http_client import ConvexHttpClient

from convex_playground import ConvexError, FunctionError, Playground

from .unsigned_jwt import unsigned_jwt

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "tests" / "fixtures" / "proto_app"


def token(subject: str, issuer: str = "https://auth.proto.test") -> str:
    """An unsigned JWT for proto_app's auth.config.ts provider (the playground checks claims, not signatures)."""
    return unsigned_jwt({"iss": issuer, "aud": "proto-app", "sub": subject, "exp": int(time.time()) + 3600})


@pytest.fixture(scope="module")
def pg():
    with Playground(APP) as playground:
        yield playground


@pytest.fixture
def client(pg):
    return convex.ConvexClient(pg.url)


def test_url_is_the_loopback_cloud_url(pg):
    assert pg.url == pg.cloud_url
    assert pg.url.startswith("http://127.0.0.1:")


def test_queries_mutations_and_actions(client):
    document_id = client.mutation("messages:send", {"channel": "basics", "body": "hello"})
    assert isinstance(document_id, str)
    assert client.query("messages:list", {"channel": "basics"}) == [{"author": "anonymous", "body": "hello"}]
    # The action runs a public and an internal mutation, then a query that sees both.
    assert client.action("messages:sendTwice", {"channel": "basics-action", "body": "x"}) == 2


def test_convex_error_data_reaches_the_client(client):
    with pytest.raises(convex.ConvexError) as refused:
        client.mutation("messages:send", {"channel": "errors", "body": "  "})
    assert refused.value.data == {"code": "EMPTY", "channel": "errors"}
    with pytest.raises(convex.ConvexError) as action_refused:
        client.action("messages:refuse")
    assert action_refused.value.data == "actions can refuse too"


def test_a_plain_error_is_not_a_convex_error(client):
    with pytest.raises(Exception, match="this query always fails") as failed:
        client.query("messages:broken")
    assert not isinstance(failed.value, convex.ConvexError)


def test_set_auth_and_clear_auth(client):
    assert client.query("messages:whoami") is None
    client.set_auth(token("alice"))
    assert client.query("messages:whoami") == "alice"
    client.mutation("messages:send", {"channel": "auth", "body": "signed"})
    assert client.query("messages:list", {"channel": "auth"}) == [{"author": "alice", "body": "signed"}]
    client.clear_auth()
    assert client.query("messages:whoami") is None


def test_subscription_yields_after_another_connections_write(pg, client):
    updates = iter(client.subscribe("messages:list", {"channel": "live"}))
    assert next(updates) == []
    convex.ConvexClient(pg.url).mutation("messages:send", {"channel": "live", "body": "from another socket"})
    assert next(updates) == [{"author": "anonymous", "body": "from another socket"}]
    # A write through the playground's own client reaches the official client's subscription too.
    pg.client().mutation("messages:send", {"channel": "live", "body": "from pg.client()"})
    assert [row["body"] for row in next(updates)] == ["from another socket", "from pg.client()"]


def test_http_client_calls_errors_and_bearer_auth(pg):
    http = ConvexHttpClient(pg.url)
    http.mutation("messages:send", {"channel": "http", "body": "over HTTP"})
    assert http.query("messages:list", {"channel": "http"}) == [{"author": "anonymous", "body": "over HTTP"}]
    with pytest.raises(convex.ConvexError) as refused:
        http.mutation("messages:send", {"channel": "http", "body": ""})
    assert refused.value.data == {"code": "EMPTY", "channel": "http"}
    http.set_auth(token("carol"))
    assert http.query("messages:whoami") == "carol"
    http.clear_auth()
    assert http.query("messages:whoami") is None


def test_official_client_calls_are_recorded(pg, client):
    client.mutation("messages:bump", {"name": "recorded"})
    pg.now()  # notices from the sidecar arrive in order: this answer comes after the call's record
    assert any(call.function == "messages:bump" and call.kind == "mutation" for call in pg.calls)


def test_playground_client_and_official_client_agree(pg, client):
    """The playground's own client stays (it has what a deployment cannot give: the clock,
    admin, metrics); on the public calls it must behave as the official one does."""
    own = pg.client()
    own.mutation("messages:send", {"channel": "parity", "body": "same"})
    for call in [("query", "messages:list", {"channel": "parity"}), ("query", "messages:whoami", {}),
                 ("query", "messages:counter", {"name": "parity"})]:
        kind, name, args = call
        assert getattr(own, kind)(name, args) == getattr(client, kind)(name, args), call
    for kind, name, args in [("mutation", "messages:send", {"channel": "parity", "body": " "}),
                             ("action", "messages:refuse", {})]:
        with pytest.raises(ConvexError) as ours:
            getattr(own, kind)(name, args)
        with pytest.raises(ConvexError) as theirs:
            getattr(client, kind)(name, args)
        assert ours.value.data == theirs.value.data
    # A plain error: an Exception that is not a ConvexError, naming the failure, from both.
    with pytest.raises(FunctionError, match="this query always fails") as ours_failed:
        own.query("messages:broken")
    with pytest.raises(Exception, match="this query always fails") as theirs_failed:
        client.query("messages:broken")
    assert not isinstance(ours_failed.value, ConvexError) and not isinstance(theirs_failed.value, ConvexError)
    own.set_auth(token("dave"))
    client.set_auth(token("dave"))
    assert own.query("messages:whoami") == client.query("messages:whoami") == "dave"


@pytest.mark.slow
def test_the_npm_packages_clients(pg):
    """ConvexHttpClient and ConvexClient from `convex/browser`: calls, errors, auth, consistentQuery,
    live updates, a mutation re-sent after the socket drops, pagination while inserts happen."""
    script = ROOT / "snippets" / "tests" / "official_clients.node.mjs"
    run = subprocess.run(["node", str(script), pg.url], cwd=ROOT / "snippets", capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert run.stdout.count("\nok ") + run.stdout.startswith("ok ") >= 8, run.stdout


def test_http_client_reads_numbers(pg):
    http = ConvexHttpClient(pg.url)
    assert http.query("messages:counter", {"name": "numbers"}) == 0
    assert http.mutation("messages:bump", {"name": "numbers"}) == 1
    assert isinstance(http.query("messages:counter", {"name": "numbers"}), float)


def test_http_api_mistakes_get_clear_answers(pg):
    not_json = requests.post(f"{pg.url}/api/query", data="not json", timeout=10)
    assert not_json.status_code == 400 and not_json.json()["code"] == "BadJsonBody"
    unknown = requests.post(f"{pg.url}/api/query", json={"path": "messages:nothing", "args": {}}, timeout=10).json()
    assert unknown["status"] == "error" and "Public queries: messages:broken" in unknown["errorMessage"]
    internal = requests.post(f"{pg.url}/api/mutation", json={"path": "messages:record", "args": {"channel": "c", "body": "b"}},
                             timeout=10).json()
    assert internal["status"] == "error" and "internal function" in internal["errorMessage"]
    wrong_issuer = token("mallory", issuer="https://someone-else.test")
    refused = requests.post(f"{pg.url}/api/query", json={"path": "messages:whoami", "args": {}}, timeout=10,
                            headers={"Authorization": f"Bearer {wrong_issuer}"})
    assert refused.status_code == 401 and refused.json()["code"] == "NoAuthProvider"
    by_path = requests.post(f"{pg.url}/api/run/messages/counter", json={"args": {"name": "by-path"}}, timeout=10).json()
    assert by_path == {"status": "success", "value": 0.0, "logLines": []}



def test_reset_reaches_the_official_clients_live_queries(pg, client):
    updates = iter(client.subscribe("messages:list", {"channel": "before-reset"}))
    assert next(updates) == []
    pg.client().mutation("messages:send", {"channel": "before-reset", "body": "soon gone"})
    assert len(next(updates)) == 1
    pg.reset()
    assert next(updates) == []


# (kind, function, args): the same call through both clients, successes and every kind of refusal.
PARITY_CALLS = [
    ("mutation", "messages:send", {"channel": "table", "body": "first"}),
    ("query", "messages:list", {"channel": "table"}),
    ("action", "messages:sendTwice", {"channel": "table-action", "body": "x"}),
    ("mutation", "messages:bump", {"name": "table"}),
    ("query", "messages:counter", {"name": "table"}),
    ("mutation", "messages:send", {"channel": "table", "body": 42}),  # args validator: wrong type
    ("mutation", "messages:send", {"channel": "table"}),  # args validator: missing field
    ("mutation", "messages:send", {"channel": "table", "body": " "}),  # ConvexError with object data
    ("action", "messages:refuse", {}),  # ConvexError with string data
    ("query", "messages:broken", {}),  # a plain Error
    ("mutation", "messages:record", {"channel": "table", "body": "b"}),  # an internal function
    ("query", "messages:nothing", {}),  # no such function
]


def outcome(client, kind: str, name: str, args: dict):
    """What a call gave: ("value", v), ("ConvexError", message, data) or ("Exception", server message)."""
    try:
        return ("value", getattr(client, kind)(name, args))
    except ConvexError as error:
        return ("ConvexError", str(error), error.data)
    except Exception as error:
        # The official client gives the server's message ("Uncaught Error: ..."); the playground's
        # FunctionError prefixes the function's name for a traceback and keeps the server's in .server_message.
        message = getattr(error, "server_message", None)
        return ("Exception", f"Uncaught Error: {message}" if message is not None else str(error))


def test_parity_table_of_calls_through_both_clients(pg):
    """Each call runs through the playground's client, then through the official one on a
    fresh state: same values, same exception classes (as an `except` clause sees them),
    same messages and ConvexError data."""
    ours, theirs = [], []
    for record, client in [(ours, pg.client()), (theirs, convex.ConvexClient(pg.url))]:
        pg.reset()
        record.extend(outcome(client, *call) for call in PARITY_CALLS)
    for call, our, their in zip(PARITY_CALLS, ours, theirs):
        if our[0] == "value" and isinstance(our[1], str) and call[0] == "mutation":
            assert their[0] == "value" and isinstance(their[1], str), call  # a new document's id: same shape
        else:
            assert our == their, call
    assert [o[0] for o in ours].count("Exception") == 5 and [o[0] for o in ours].count("ConvexError") == 2
