"""The guide's own reference app (snippets/) on the playground, as the notebooks use it."""

from __future__ import annotations

import convex
import pytest

from convex_playground import ArgumentValidationError, InternalFunctionError

ADA = {"subject": "ada", "name": "Ada Lovelace", "email": "ada@example.com"}
GRACE = {"subject": "grace", "name": "Grace Hopper", "email": "grace@example.com"}


@pytest.fixture
def pg(reference):
    return reference


@pytest.fixture
def channel(pg):
    ada = pg.client(ADA)
    ada.mutation("users:store")
    return ada, ada.mutation("channels:create", {"name": "general"})


def test_catalog_lists_public_and_internal_functions(pg):
    kinds = {fn.name: (fn.kind, fn.visibility) for fn in pg.functions}
    assert kinds["messages:send"] == ("mutation", "public")
    assert kinds["messages:list"] == ("query", "public")
    assert kinds["users:upsertFromAuthProvider"] == ("mutation", "internal")
    assert set(pg.tables) >= {"users", "channels", "memberships", "messages"}


def test_anonymous_caller_is_refused_with_a_code(pg):
    with pytest.raises(convex.ConvexError) as caught:
        pg.client().mutation("channels:create", {"name": "general"})
    assert caught.value.data["code"] == "NOT_AUTHENTICATED"


def test_only_members_may_post_and_read(pg, channel):
    _, general = channel
    grace = pg.client(GRACE)
    grace.mutation("users:store")
    for call in (lambda: grace.mutation("messages:send", {"channelId": general, "body": "hi"}),
                 lambda: grace.query("messages:list", {"channelId": general})):
        with pytest.raises(convex.ConvexError) as caught:
            call()
        assert caught.value.data["code"] == "NOT_A_MEMBER"
    grace.mutation("channels:join", {"channelId": general})
    grace.mutation("messages:send", {"channelId": general, "body": "hi"})
    assert [m["authorName"] for m in grace.query("messages:list", {"channelId": general})] == ["Grace Hopper"]


def test_email_is_unique_whatever_its_case(pg, channel):
    with pytest.raises(convex.ConvexError) as caught:
        pg.client({"subject": "mallory", "name": "M", "email": "ADA@example.com"}).mutation("users:store")
    assert caught.value.data["code"] == "EMAIL_TAKEN"


def test_validator_rejects_an_id_of_the_wrong_table(pg, channel):
    ada, _ = channel
    user_id = ada.query("users:me")["_id"]
    with pytest.raises(ArgumentValidationError, match="messages:send"):
        ada.mutation("messages:send", {"channelId": user_id, "body": "wrong table"})


def test_internal_sync_is_for_the_server_only(pg):
    args = {"tokenIdentifier": "https://clerk.example|u1", "name": "Webhook User", "email": "hook@example.com"}
    with pytest.raises(InternalFunctionError):
        pg.client().mutation("users:upsertFromAuthProvider", args)
    user_id = pg.admin().mutation("users:upsertFromAuthProvider", args)
    assert pg.admin().get(user_id)["email"] == "hook@example.com"


def test_a_subscription_sees_new_messages_from_another_member(pg, channel):
    ada, general = channel
    grace = pg.client(GRACE)
    grace.mutation("users:store")
    grace.mutation("channels:join", {"channelId": general})
    feed = ada.subscribe("messages:list", {"channelId": general})
    assert next(feed) == []
    grace.mutation("messages:send", {"channelId": general, "body": "first!"})
    [update] = feed.drain()
    assert [(m["authorName"], m["body"]) for m in update] == [("Grace Hopper", "first!")]
    grace.mutation("channels:join", {"channelId": general})  # already a member: nothing the feed shows changes
    assert feed.drain() == []


def test_self_rescheduling_clean_up_runs_to_completion(pg, channel):
    ada, general = channel
    author = ada.query("users:me")["_id"]
    admin = pg.admin()
    admin.insert("messages", [{"channelId": general, "authorId": author, "body": f"m{i}"} for i in range(250)])
    first = admin.mutation("messages:deleteForChannel", {"channelId": general, "batchSize": 100})
    assert first == {"deleted": 100.0, "hasMore": True}
    runs = pg.run_scheduled()  # each batch schedules the next with runAfter(0)
    assert [run.state for run in runs] == ["success", "success"]
    assert admin.count("messages") == 0


def test_list_reads_through_the_index_not_the_table(pg, channel):
    ada, general = channel
    other = ada.mutation("channels:create", {"name": "random"})
    author = ada.query("users:me")["_id"]
    pg.admin().insert("messages", [{"channelId": other, "authorId": author, "body": "noise"} for _ in range(1000)])
    ada.mutation("messages:send", {"channelId": general, "body": "signal"})
    ada.query("messages:list", {"channelId": general})
    assert ada.last_call.metrics.documents_read < 10
