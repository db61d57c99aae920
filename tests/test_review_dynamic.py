"""The reviewer's dynamic pass on a tiny app of its own (tests/fixtures/review_dyn_app).

The app has each flaw the pass proves by calling (access control, identity
from arguments, growth with the table, a hot document, an unused index, a
function reaching the internet) and correct code that looks like a flaw (an
auth wrapper, a bounded per-user `.collect()`, public posts read anonymously,
a mutation that writes the caller's own document). One dynamic run at tiny
sizes serves every test of the module.
"""

from __future__ import annotations

import random
from pathlib import Path
from types import SimpleNamespace

import pytest

from guide_tools import facts

from convex.values import ConvexInt64

from convex_playground.records import Metrics
from convex_review.dynamic.probes import CallOutcome
from convex_review.dynamic.seeding import OWNED_PER_USER, TableInfo, seed, seeding_order
from convex_review.dynamic.verdicts import Limits, Where, _limit_findings
from convex_review.dynamic.values import Picker, Unsatisfiable, generate, generate_object
from convex_review.dynamic_pass import run_dynamic
from convex_review.errors import ReviewInputError

APP = Path(__file__).parent / "fixtures" / "review_dyn_app"
FLAWED_APP = Path(__file__).parents[1] / "snippets" / "flawed-app"
SIZES = (20, 80)


@pytest.fixture(scope="module")
def review():
    messages: list[str] = []
    result = run_dynamic(APP, sizes=SIZES, progress=messages.append)
    return result, messages


def found(result) -> set[tuple[str, str | None]]:
    return {(f.rule, f.function) for f in result.findings}


@pytest.mark.slow
def test_every_planted_flaw_is_proved(review):
    result, _ = review
    expected = {
        ("missing-access-control", "notes:get"),
        ("missing-access-control", "notes:remove"),
        ("identity-from-args", "notes:listForUser"),
        ("identity-from-args", "notes:create"),
        ("unbounded-collect", "posts:countAll"),
        ("reads-exceed-results", "posts:countAll"),
        ("filter-scan", "posts:byTitle"),
        ("broad-subscription", "posts:byTitle"),
        ("n-plus-one", "posts:listWithAuthors"),
        ("hot-document", "posts:recordView"),
        ("missing-args-validator", "posts:retitleFirst"),
        ("unused-index", None),
    }
    assert expected <= found(result), sorted(found(result))


@pytest.mark.slow
def test_correct_code_that_looks_flawed_is_not_reported(review):
    result, _ = review
    lookalikes = {"notes:listMine", "notes:getChecked", "notes:removeChecked", "notes:touch", "posts:listPublic"}
    assert [f for f in result.findings if f.function in lookalikes] == []
    unused = [f.evidence["index"] for f in result.findings if f.rule == "unused-index"]
    assert unused == ["by_text"]


@pytest.mark.slow
def test_findings_carry_measured_numbers_and_locations(review):
    result, _ = review
    collect = next(f for f in result.findings if (f.rule, f.function) == ("unbounded-collect", "posts:countAll"))
    assert collect.evidence["documentsRead"] == {20: 20, 80: 80}
    assert "reads 80 documents at 80 rows per table and 20 at 20" in collect.message
    assert collect.file == "convex/posts.ts" and collect.line is not None and collect.source == "dynamic"
    leak = next(f for f in result.findings if (f.rule, f.function) == ("missing-access-control", "notes:get"))
    assert leak.evidence["owner"] == "alice" and leak.evidence["caller"] in ("anonymous", "carol")
    assert leak.evidence["privateBecause"].startswith("notes:listMine")
    index = next(f for f in result.findings if f.rule == "unused-index")
    assert index.file == "convex/schema.ts"
    assert 'by_text' in (APP / index.file).read_text().splitlines()[index.line - 1]


@pytest.mark.slow
def test_measurements_and_blocked_network(review):
    result, _ = review
    count = result.measurements["posts:countAll"]
    assert count["documentsRead"] == {20: 20, 80: 80} and count["resultSize"] == {20: 1, 80: 1}
    assert result.measurements["posts:listPublic"]["anonymousAllowed"] is True
    assert result.measurements["notes:listMine"]["anonymousAllowed"] is False
    assert any("refused" in error for error in result.measurements["posts:ping"]["errors"])


@pytest.mark.slow
def test_progress_and_the_app_left_untouched(review):
    _, messages = review
    assert "seeding 80 per table (4 tables)" in messages
    assert any(m.startswith("calling 16 public functions as anonymous, alice, bob, carol") for m in messages)
    assert not (APP / "convex" / "_generated").exists()


@pytest.mark.slow
def test_seeded_documents_follow_the_schema(review):
    result, _ = review
    # posts:listPublic returned seeded posts: each has every required field, with the validator's type.
    assert result.measurements["posts:listPublic"]["resultSize"] == {20: 10, 80: 10}
    assert result.measurements["posts:listPublic"]["ok"] == {20: True, 80: True}


def test_a_missing_folder_is_bad_input(tmp_path):
    with pytest.raises(ReviewInputError, match="is not a folder"):
        run_dynamic(tmp_path / "nowhere", sizes=(5,))


def _picker(pools: dict[str, list[str]]) -> Picker:
    rng = random.Random(3)
    return Picker(rng=rng, pick_id=lambda table, _name: rng.choice(pools[table]) if pools.get(table) else None)


def test_values_follow_every_validator_kind():
    validator = {"type": "object", "value": {
        "kind": {"fieldType": {"type": "union", "value": [{"type": "literal", "value": "a"},
                                                          {"type": "literal", "value": "b"}]}, "optional": False},
        "count": {"fieldType": {"type": "bigint"}, "optional": False},
        "tags": {"fieldType": {"type": "array", "value": {"type": "string"}}, "optional": False},
        "scores": {"fieldType": {"type": "record", "keys": {"type": "string"},
                                 "values": {"fieldType": {"type": "number"}, "optional": False}}, "optional": False},
        "owner": {"fieldType": {"type": "id", "tableName": "users"}, "optional": False},
        "maybe": {"fieldType": {"type": "id", "tableName": "empty"}, "optional": True},
    }}
    for _ in range(20):
        value = generate(validator, _picker({"users": ["1users"]}))
        assert value["kind"] in ("a", "b") and isinstance(value["count"], ConvexInt64)
        assert all(isinstance(tag, str) for tag in value["tags"])
        assert all(isinstance(k, str) and isinstance(n, float) for k, n in value["scores"].items())
        assert value["owner"] == "1users" and "maybe" not in value
    with pytest.raises(Unsatisfiable):
        generate_object({"owner": {"fieldType": {"type": "id", "tableName": "empty"}, "optional": False}}, _picker({}))


def test_referenced_tables_are_seeded_first_even_in_a_cycle():
    def table(name: str, *refs: str) -> TableInfo:
        fields = {f"{ref}Id": {"fieldType": {"type": "id", "tableName": ref}, "optional": False} for ref in refs}
        return TableInfo(name, fields, [], {})

    order = seeding_order({t.name: t for t in [table("messages", "channels", "users"), table("channels", "users"),
                                                table("users"), table("a", "b"), table("b", "a")]})
    assert order.index("users") < order.index("channels") < order.index("messages")
    assert set(order) == {"users", "channels", "messages", "a", "b"}


def test_each_users_rows_are_among_the_oldest_and_the_newest_of_a_large_table():
    """A query for the newest rows of a big table ("the 50 most recent invoices", with no owner filter) must
    meet alice's data, or the probes cannot show that it leaks her rows to another user."""

    class RecordingAdmin:
        def __init__(self) -> None:
            self.inserted: dict[str, list[str]] = {}

        def insert(self, table: str, documents: list[dict]) -> list[str]:
            ids = [f"{table}{len(self.inserted.get(table, [])) + n}" for n in range(len(documents))]
            self.inserted.setdefault(table, []).extend(ids)
            return ids

    owner = {"ownerId": {"fieldType": {"type": "id", "tableName": "users"}, "optional": False},
             "number": {"fieldType": {"type": "string"}, "optional": False}}
    users = TableInfo("users", {"name": {"fieldType": {"type": "string"}, "optional": False}}, [], {})
    tables = {"users": users, "invoices": TableInfo("invoices", owner, [], {})}
    identities = {name: {"subject": name, "tokenIdentifier": f"issuer|{name}", "email": f"{name}@example.com",
                         "name": name} for name in ("alice", "bob", "carol")}
    admin = RecordingAdmin()
    state = seed(admin, tables, identities, 2000, random.Random(7))
    invoices = admin.inserted["invoices"]
    for user in ("alice", "bob"):
        theirs = [i for i in invoices if state.owner.get(i) == user]
        assert len(theirs) == OWNED_PER_USER
        assert set(theirs) & set(invoices[:10]) and set(theirs) & set(invoices[-10:]), user


@pytest.mark.slow
def test_the_flawed_app_with_argument_names_from_the_static_pass():
    # What the static pass reports for a function without a validator: its argument names.
    static = SimpleNamespace(schema={"tables": {}}, functions=[
        {"name": "users:updateProfile", "file": "convex/users.ts", "line": 31, "args": ["userId", "fields"]}])
    result = run_dynamic(FLAWED_APP, static=static, sizes=(10, 40))
    assert {
        ("missing-access-control", "admin:purgeChannel"),
        ("missing-access-control", "messages:send"),
        ("identity-from-args", "messages:send"),
        ("missing-access-control", "users:updateProfile"),
        ("identity-from-args", "users:updateProfile"),
        ("filter-scan", "messages:listByChannel"),
        ("unbounded-collect", "messages:countAll"),
        ("missing-args-validator", "users:updateProfile"),
    } <= found(result), sorted(found(result))
    assert not {f.function for f in result.findings} & {"users:store", "channels:create"}
    profile = next(f for f in result.findings if f.rule == "identity-from-args" and f.function == "users:updateProfile")
    assert (profile.file, profile.line) == ("convex/users.ts", 31)


@pytest.mark.slow
def test_an_app_that_does_not_load_names_its_own_folder(tmp_path):
    app = tmp_path / "broken"
    (app / "convex").mkdir(parents=True)
    (app / "convex" / "schema.ts").write_text("export default 42 +;\n")
    with pytest.raises(ReviewInputError) as raised:
        run_dynamic(app, sizes=(5,))
    assert "schema.ts" in str(raised.value) and "review-copies" not in str(raised.value)


def _outcome(size: int, *, documents_read: int = 0, error: str | None = None) -> CallOutcome:
    return CallOutcome(function="m:f", kind="query", caller="alice", purpose="measure", size=size, args={},
                       ok=error is None, error=error, result=[], metrics=Metrics(documents_read=documents_read))


def test_read_limit_from_a_failure_or_half_a_limit_taken_from_the_facts_registry():
    limits = Limits.from_facts()
    assert limits.documents_read == facts.value("transactions.documents_scanned")
    where = Where("convex/m.ts", 3)
    failed = _limit_findings("m:f", where, {2000: _outcome(2000, error="Scanned too many documents in a single "
                                                                     "function execution (limit: 32000).")}, limits)
    assert [f.rule for f in failed] == ["read-limit"] and "fails at 2,000 rows per table" in failed[0].message
    near = _limit_findings("m:f", where, {2000: _outcome(2000, documents_read=limits.documents_read // 2 + 1)}, limits)
    assert [f.rule for f in near] == ["read-limit"] and near[0].evidence["documentsRead"] > limits.documents_read // 2
    assert _limit_findings("m:f", where, {2000: _outcome(2000, documents_read=100)}, limits) == []
