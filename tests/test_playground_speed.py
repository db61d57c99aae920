"""What the playground's fast paths must keep: the same values, and notices in order.

Runs tests/fixtures/speed_wire_app, a small app of its own: a query that echoes
any value, one returning values that travel as special JSON ($integer, $bytes,
$float) beside a string that looks like one, and a counter bumped by a mutation
or by an HTTP action that reaches the playground from outside (a notice).
"""

from __future__ import annotations

import math

import pytest
import requests
from convex.values import ConvexInt64, coerce_args_to_convex, convex_to_json

from convex_playground import Playground, PlaygroundError
from convex_playground._wire import to_wire

from .conftest import REPO

WIRE_APP = REPO / "tests" / "fixtures" / "speed_wire_app"

ARGUMENTS = [
    {},
    {"text": "héllo \"$x\"", "n": 3, "ratio": 0.25, "flag": True, "nothing": None},
    {"nested": {"list": [1, 2.5, "three", [False]], "deeper": {"a": {"b": -7}}}},
    {"bytes": b"\x00\xff"},
    {"big": ConvexInt64(2**40)},
    {"special": [float("nan"), float("inf"), -0.0]},
    {"tuple": (1, 2)},
    {"unsafe": 2**53 + 1},
    {"$reserved": 1},
    {"bad\nname": 1},
    {"x" * 1025: 1},
]


def official(args):
    try:
        return convex_to_json(coerce_args_to_convex(args))
    except Exception as error:  # the official client's own error, which to_wire must raise too
        return (type(error), str(error))


def fast(args):
    try:
        return to_wire(args)
    except Exception as error:
        return (type(error), str(error))


@pytest.mark.parametrize("args", ARGUMENTS, ids=range(len(ARGUMENTS)))
def test_arguments_convert_as_the_official_client_converts_them(args):
    # NaN != NaN: compare the JSON text instead of the values
    assert repr(fast(args)) == repr(official(args))


@pytest.fixture(scope="module")
def pg():
    with Playground(WIRE_APP) as playground:
        yield playground


def test_values_that_need_converting_still_come_back_converted(pg):
    special = pg.client().query("values:special")
    assert special["big"] == 2**40 and not isinstance(special["big"], float)
    assert special["bytes"] == b"\x00\x01\xfe\xff"
    assert special["negativeZero"] == 0 and math.copysign(1, special["negativeZero"]) == -1
    assert special["dollarText"] == '{"$integer": "not one"}'
    assert special["plain"] == 1.5


@pytest.mark.parametrize("value", [3, "$5 off", {"a": [1, {"b": None}]}, "ünïcode", [True, False, 2.5]])
def test_plain_values_make_the_round_trip(pg, value):
    expected = float(value) if isinstance(value, int) else value
    if isinstance(value, dict):
        expected = {"a": [1.0, {"b": None}]}
    assert pg.client().query("values:echo", {"value": value}) == expected


def test_a_request_larger_than_a_pipe_buffer_arrives_whole_and_the_next_one_still_does(pg):
    """The sidecar reassembles a request that reaches it in many pieces; escaped newlines inside values do not end it."""
    value = "line one\nline two, ünïcode €\n" * 40_000  # over 1 MB of JSON, many 64 KiB pipe reads
    client = pg.client()
    assert client.query("values:echo", {"value": value}) == value
    assert client.query("values:echo", {"value": "small"}) == "small"


def test_a_notice_from_outside_is_handled_before_the_next_answer(pg):
    """An HTTP request to the site URL reaches Python as a notice; the next call sees its effects."""
    watcher = pg.client().subscribe("values:count", {"name": "outside"})
    assert next(watcher) == 0
    calls_before = len(pg.calls)
    response = requests.post(f"{pg.site_url}/bump?name=outside", timeout=30)
    assert response.status_code == 204
    pg.client().mutation("values:bump", {"name": "other"})  # any request: its answer comes after the notice
    assert watcher.current == 1
    assert any(record.kind == "httpAction" for record in list(pg.calls)[calls_before:])
    watcher.unsubscribe()


def test_a_start_that_takes_too_long_says_how_to_allow_more_time():
    with pytest.raises(PlaygroundError, match="start_timeout") as raised:
        Playground(WIRE_APP, start_timeout=0.001)
    assert "stuck in a loop" not in str(raised.value)
