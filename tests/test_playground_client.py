"""Client parity with the official `convex` Python client, and live queries that re-run only when a
write touches what they read.

Runs the small app in tests/fixtures/client_app: channels and messages (index ranges, gets by id,
table scans, search, pagination) and per-user notes (results that depend on the identity).
"""

from __future__ import annotations

import asyncio
import json
import threading

import convex
import pytest

from convex_playground import (
    ArgumentValidationError,
    FunctionError,
    InternalFunctionError,
    Playground,
    PlaygroundError,
    SubscriptionDroppedError,
    UnknownFunctionError,
)

from .conftest import REPO

CLIENT_APP = REPO / "tests" / "fixtures" / "client_app"
ALICE = {"subject": "alice"}
BOB = {"subject": "bob"}


@pytest.fixture(scope="module")
def client_playground():
    with Playground(CLIENT_APP) as pg:
        yield pg


@pytest.fixture
def pg(client_playground):
    client_playground.reset()
    return client_playground


def runs(pg, subscription) -> int:
    [entry] = [q for q in pg.live_queries() if q["id"] == subscription.id]
    return entry["runs"]


def later(seconds: float, action) -> threading.Timer:
    timer = threading.Timer(seconds, action)
    timer.start()
    return timer


# ---------------------------------------------------------------- errors: what `except` catches


def raised_by(call) -> BaseException:
    try:
        call()
    except Exception as error:  # the only clause besides ConvexError that catches on a deployment
        return error
    raise AssertionError("the call did not raise")


@pytest.mark.parametrize("failing_call", [
    lambda c: c.mutation("messages:fail"),                                  # the handler throws
    lambda c: c.mutation("messages:createChannel", {"name": 42}),           # argument validation
    lambda c: c.query("messages:nope"),                                      # unknown function
    lambda c: c.query("messages:secretCount"),                               # internal function
])
def test_function_failures_are_caught_by_what_catches_them_on_a_deployment(pg, failing_call):
    # convex 0.8.1 raises a plain Exception for all of these, never ConvexExecutionError.
    error = raised_by(lambda: failing_call(pg.client()))
    assert not isinstance(error, convex.ConvexExecutionError)
    assert not isinstance(error, convex.ConvexError)
    assert not isinstance(error, (RuntimeError, ValueError, LookupError))
    assert isinstance(error, FunctionError)  # the playground's extra detail, by its own name
    assert error.function or "messages:" in str(error)


def test_each_failure_keeps_its_playground_class_and_function_name(pg):
    client = pg.client()
    assert isinstance(raised_by(lambda: client.mutation("messages:createChannel", {"name": 42})), ArgumentValidationError)
    assert isinstance(raised_by(lambda: client.query("messages:nope")), UnknownFunctionError)
    assert isinstance(raised_by(lambda: client.query("messages:secretCount")), InternalFunctionError)
    failed = raised_by(lambda: client.mutation("messages:fail"))
    assert failed.function == "messages:fail" and "the handler threw" in str(failed)


def test_convex_error_is_the_official_class_with_its_data(pg):
    error = raised_by(lambda: pg.client().mutation("messages:refuse"))
    assert type(error) is convex.ConvexError
    assert error.data == {"code": "REFUSED"}


# ---------------------------------------------------------------- auth


def test_set_auth_none_signs_out_like_clear_auth(pg):
    client = pg.client(ALICE)
    pg.admin().insert("notes", {"owner": "alice", "text": "mine"})
    assert client.query("notes:mine") == ["mine"]
    client.set_auth(None)
    assert client.query("notes:mine") == []
    assert client.identity is None


def test_set_admin_auth_lets_a_client_call_internal_functions(pg):
    client = pg.client(ALICE)
    with pytest.raises(InternalFunctionError):
        client.query("messages:secretCount")
    client.set_admin_auth("any-admin-key")
    assert client.query("messages:secretCount") == 0
    assert client.identity is None  # an admin key acts as no user
    with pytest.raises(ValueError, match="admin key"):
        pg.client().set_admin_auth("")


def test_live_queries_follow_set_auth(pg):
    admin = pg.admin()
    admin.insert("notes", [{"owner": "alice", "text": "alice's"}, {"owner": "bob", "text": "bob's"}])
    client = pg.client(ALICE)
    notes = client.subscribe("notes:mine")
    assert next(notes) == ["alice's"]
    client.set_auth(BOB)
    assert notes.drain() == [["bob's"]]
    client.set_auth(None)
    assert notes.drain() == [[]]
    client.set_auth(None)  # the same identity again: the result did not change, nothing arrives
    assert notes.drain() == []


# ---------------------------------------------------------------- iteration, as the official client


def test_next_blocks_until_a_write_changes_the_result(pg):
    channel = pg.admin().insert("channels", {"name": "general"})
    feed = pg.client().subscribe("messages:list", {"channelId": channel})
    assert next(feed) == []
    later(0.2, lambda: pg.client().mutation("messages:send", {"channelId": channel, "body": "hi"}))
    assert next(feed) == ["hi"]  # waited for the write made by another thread


def test_for_loop_over_a_subscription_keeps_waiting(pg):
    channel = pg.admin().insert("channels", {"name": "general"})
    feed = pg.client().subscribe("messages:list", {"channelId": channel})
    bodies = ["one", "two", "three"]
    writer = later(0.1, lambda: [pg.client().mutation("messages:send", {"channelId": channel, "body": b}) for b in bodies])
    seen = []
    for result in feed:
        seen.append(result)
        if len(result) == len(bodies):
            break
    writer.join()
    assert seen[0] == [] and seen[-1] == bodies


def test_async_for_awaits_new_results(pg):
    channel = pg.admin().insert("channels", {"name": "general"})
    feed = pg.client().subscribe("messages:list", {"channelId": channel})

    async def watch():
        loop = asyncio.get_running_loop()
        loop.call_later(0.05, lambda: pg.client().mutation("messages:send", {"channelId": channel, "body": "async"}))
        seen = []
        async for result in feed:
            seen.append(result)
            if result:
                return seen

    assert asyncio.run(asyncio.wait_for(watch(), timeout=30)) == [[], ["async"]]


def test_an_abandoned_async_wait_does_not_break_later_deliveries(pg):
    channel = pg.admin().insert("channels", {"name": "general"})
    feed = pg.client().subscribe("messages:list", {"channelId": channel})
    next(feed)

    async def give_up():
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(feed.__anext__(), timeout=0.05)

    asyncio.run(give_up())  # its event loop is closed now, with a waiter left behind
    pg.client().mutation("messages:send", {"channelId": channel, "body": "still delivered"})
    assert feed.drain() == [["still delivered"]]


def test_a_failing_live_query_raises_then_recovers(pg):
    channel = pg.admin().insert("channels", {"name": "general"})
    client = pg.client()
    count = client.subscribe("messages:poisonable", {"channelId": channel})
    assert next(count) == 0
    poison = client.mutation("messages:send", {"channelId": channel, "body": "poison"})
    with pytest.raises(FunctionError, match="poisoned channel") as caught:
        next(count)
    assert not isinstance(caught.value, convex.ConvexExecutionError)
    client.mutation("messages:remove", {"messageId": poison})
    assert next(count) == 0  # still live after the error


def test_using_a_subscription_after_unsubscribe_raises(pg):
    channel = pg.admin().insert("channels", {"name": "general"})
    feed = pg.client().subscribe("messages:list", {"channelId": channel})
    feed_id = feed.id
    feed.unsubscribe()
    assert feed.invalidated
    pg.client().mutation("messages:send", {"channelId": channel, "body": "unheard"})
    for use in (lambda: next(feed), lambda: feed.id, feed.drain, feed.unsubscribe):
        with pytest.raises(SubscriptionDroppedError, match="dropped") as caught:
            use()
        assert not isinstance(caught.value, RuntimeError)  # the official client raises a plain Exception
    assert all(q["id"] != feed_id for q in pg.live_queries())


def test_a_blocked_next_is_released_by_unsubscribe(pg):
    channel = pg.admin().insert("channels", {"name": "general"})
    feed = pg.client().subscribe("messages:list", {"channelId": channel})
    next(feed)
    later(0.2, feed.unsubscribe)
    with pytest.raises(SubscriptionDroppedError):
        next(feed)


def test_reset_drops_live_subscriptions(pg):
    feed = pg.client().subscribe("messages:countAll")
    pg.reset()
    with pytest.raises(SubscriptionDroppedError):
        next(feed)
    assert pg.live_queries() == []


def test_watch_all_maps_each_subscription_to_its_latest_result(pg):
    channel = pg.admin().insert("channels", {"name": "general"})
    client = pg.client()
    feed = client.subscribe("messages:list", {"channelId": channel})
    name = client.subscribe("messages:channelName", {"channelId": channel})
    watch = client.watch_all()
    later(0.1, lambda: client.mutation("messages:send", {"channelId": channel, "body": "hello"}))
    assert next(watch) == {feed.id: ["hello"], name.id: "general"}
    feed.unsubscribe()
    assert next(watch) == {name.id: "general"}  # the set changed: one query fewer
    assert asyncio.run(asyncio.wait_for(later_change_seen_by(watch, client, channel), timeout=30))[name.id] == "renamed"


async def later_change_seen_by(watch, client, channel):
    asyncio.get_running_loop().call_later(0.05, lambda: client.mutation("messages:renameChannel", {"channelId": channel, "name": "renamed"}))
    return await watch.__anext__()


# ---------------------------------------------------------------- read sets: who re-runs


@pytest.fixture
def two_channels(pg):
    admin = pg.admin()
    general, random = admin.insert("channels", [{"name": "general"}, {"name": "random"}])
    admin.insert("messages", [{"channelId": general, "author": "seed", "body": "welcome"}])
    return general, random


def test_a_write_elsewhere_does_not_rerun_an_index_range_query(pg, two_channels):
    general, random = two_channels
    client = pg.client()
    feed = client.subscribe("messages:list", {"channelId": general})
    next(feed)
    for body in ("a", "b", "c"):
        client.mutation("messages:send", {"channelId": random, "body": body})
    client.mutation("notes:add", {"owner": "x", "text": "unrelated"})
    assert runs(pg, feed) == 1 and feed.drain() == []
    client.mutation("messages:send", {"channelId": general, "body": "here"})
    assert runs(pg, feed) == 2 and feed.drain() == [["welcome", "here"]]


def test_a_document_leaving_or_entering_a_range_reaches_both_queries(pg, two_channels):
    general, random = two_channels
    client = pg.client()
    in_general = client.subscribe("messages:list", {"channelId": general})
    in_random = client.subscribe("messages:list", {"channelId": random})
    [next(in_general), next(in_random)]
    [message] = [m["_id"] for m in pg.admin().table("messages")]
    client.mutation("messages:move", {"messageId": message, "channelId": random})
    assert in_general.drain() == [[]] and in_random.drain() == [["welcome"]]
    client.mutation("messages:remove", {"messageId": message})
    assert in_general.drain() == [] and in_random.drain() == [[]]


def test_a_get_by_id_reruns_only_for_that_document(pg, two_channels):
    general, random = two_channels
    client = pg.client()
    name = client.subscribe("messages:channelName", {"channelId": general})
    next(name)
    client.mutation("messages:renameChannel", {"channelId": random, "name": "off-topic"})
    client.mutation("messages:send", {"channelId": general, "body": "a message is not the channel"})
    assert runs(pg, name) == 1
    client.mutation("messages:renameChannel", {"channelId": general, "name": "lobby"})
    assert name.drain() == ["lobby"]


def test_table_scans_and_search_rerun_on_any_write_to_their_table(pg, two_channels):
    general, random = two_channels
    client = pg.client()
    count = client.subscribe("messages:countAll")
    found = client.subscribe("messages:search", {"term": "deploy"})
    assert (next(count), next(found)) == (1, [])
    client.mutation("notes:add", {"owner": "x", "text": "deploy notes are another table"})
    assert (runs(pg, count), runs(pg, found)) == (1, 1)
    client.mutation("messages:send", {"channelId": random, "body": "deploy is green"})
    assert count.drain() == [2] and found.drain() == [["deploy is green"]]


def test_a_paginated_live_query_sees_writes_to_its_range(pg, two_channels):
    general, random = two_channels
    client = pg.client()
    page = client.subscribe("messages:listPage", {"channelId": general, "paginationOpts": {"numItems": 10, "cursor": None}})
    assert [m["body"] for m in next(page)["page"]] == ["welcome"]
    client.mutation("messages:send", {"channelId": random, "body": "elsewhere"})
    assert runs(pg, page) == 1
    client.mutation("messages:send", {"channelId": general, "body": "second"})
    [latest] = page.drain()
    assert [m["body"] for m in latest["page"]] == ["welcome", "second"]


def test_every_kind_of_committed_write_reaches_live_queries(pg, two_channels):
    general, _ = two_channels
    client = pg.client()
    feed = client.subscribe("messages:list", {"channelId": general})
    next(feed)
    client.action("messages:sendFromAction", {"channelId": general, "body": "from an action"})
    assert feed.drain()[-1][-1] == "from an action"
    client.mutation("messages:sendLater", {"channelId": general, "body": "scheduled"})
    assert feed.drain() == []  # not run yet
    pg.run_scheduled()
    assert feed.drain()[-1][-1] == "scheduled"
    response = pg.fetch("/messages", method="POST", body=json.dumps({"channelId": general, "body": "over HTTP"}))
    assert response.status == 204
    assert feed.drain()[-1][-1] == "over HTTP"
    message = pg.admin().insert("messages", {"channelId": general, "author": "admin", "body": "seeded"})
    assert feed.drain()[-1][-1] == "seeded"
    pg.admin().patch(message, {"body": "edited"})
    assert feed.drain()[-1][-1] == "edited"
    pg.admin().delete(message)
    assert feed.drain()[-1][-1] == "over HTTP"


def test_a_write_that_leaves_the_result_unchanged_reruns_but_delivers_nothing(pg, two_channels):
    general, _ = two_channels
    client = pg.client()
    count = client.subscribe("messages:poisonable", {"channelId": general})
    next(count)
    [message] = [m["_id"] for m in pg.admin().table("messages")]
    pg.admin().patch(message, {"body": "welcome!"})  # in the range, same count
    assert runs(pg, count) == 2 and count.drain() == []


def test_a_failed_mutation_commits_nothing_and_reruns_nothing(pg, two_channels):
    client = pg.client()
    count = client.subscribe("messages:countAll")
    next(count)
    with pytest.raises(FunctionError):
        client.mutation("messages:fail")
    assert runs(pg, count) == 1


def test_closed_playground_refuses_live_query_listing():
    pg = Playground(CLIENT_APP)
    pg.close()
    with pytest.raises(PlaygroundError):
        pg.live_queries()


def test_a_subscription_garbage_collected_without_unsubscribe_stops_running(pg):
    import gc

    feed = pg.client().subscribe("messages:countAll")
    assert [q["id"] for q in pg.live_queries()] == [feed.id]
    del feed
    gc.collect()
    assert pg.live_queries() == []


def test_the_client_apps_generated_code_is_what_codegen_writes():
    import subprocess

    result = subprocess.run(["node", "tools/codegen.mjs", "--app", str(CLIENT_APP), "--check"],
                            cwd=REPO / "snippets", capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
