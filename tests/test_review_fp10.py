"""The reviewer on correct code that looks flawed, as open-source apps have it (tests/fixtures/reviewfp10_app).

The static pass suspects missing-access-control in every public function that
reads the users table without checking who is calling. A chat that shows each
message's author name does that by design; one that hands out the author's
whole users document leaks emails and token identifiers. Only a call tells the
two apart: the dynamic pass calls each anonymously and looks for anyone's
personal values in what comes back. The merge withdraws the first suspicion
and proves the second.

The rest of the app is what open-source apps do and the reviewer got wrong:
its auth provider reads a deployment variable the reviewer does not have (the
signed-in probes must work anyway); its sign-in adapter's public functions
check a shared secret instead of a user (Auth.js adapters); a visitor is known
by the random session id the browser holds, a bot by its API key; an action
runs only a public function, granting nothing a client could not do itself;
a mutation leaves a database call unawaited that fails after it returned (the
playground must survive it, as a deployment does); the schema spreads in
tables as an auth library hands them, whose indexes the library's own code reads.
One review at tiny sizes serves the module.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from convex_playground.identity import AuthConfig, AuthenticationError, AuthProvider, identity_from_token
from convex_review import RULES, Finding
from convex_review.dynamic.seeding import VECTOR_TABLE_ROWS, TableInfo, seed
from convex_review.formats import render_json, render_text
from convex_review.merge import withdraw_refuted
from convex_review.review import run_review

APP = Path(__file__).parent / "fixtures" / "reviewfp10_app"
SIZES = (10, 40)


def suspicion(function: str, **evidence) -> Finding:
    rule = RULES["missing-access-control"]
    return Finding(rule=rule.id, category=rule.category, severity=rule.severity, file="convex/chat.ts", line=3,
                   function=function, message="never checks who is calling",
                   evidence={"checksAuth": False, "tablesWritten": [], "userTablesRead": [], "runs": [], **evidence})


CLEARED = {"chat:list": {"caller": "anonymous", "tablesRead": ["messages", "users"], "what": "nothing personal"}}


def test_a_read_only_suspicion_a_call_cleared_is_withdrawn_with_both_evidences():
    kept, withdrawn = withdraw_refuted([suspicion("chat:list", userTablesRead=["users"])], CLEARED)
    assert kept == []
    assert [(f.function, f.source) for f in withdrawn] == [("chat:list", "both")]
    assert withdrawn[0].evidence["dynamic"]["what"] == "nothing personal"
    assert withdrawn[0].evidence["static"]["userTablesRead"] == ["users"]


@pytest.mark.parametrize("evidence", [
    {"userTablesRead": ["users"], "tablesWritten": ["messages"]},   # a write without a check: a call cannot clear it
    {"userTablesRead": ["users"], "runs": ["chat:send"]},
    {"userTablesRead": ["profiles"]},                                 # a user table the anonymous call never read
    {"userTablesRead": []},
])
def test_a_suspicion_the_call_does_not_answer_stays(evidence):
    kept, withdrawn = withdraw_refuted([suspicion("chat:list", **evidence)], CLEARED)
    assert (len(kept), withdrawn) == (1, [])


def test_another_function_or_rule_is_never_withdrawn():
    other = suspicion("chat:other", userTablesRead=["users"])
    rule = RULES["identity-from-args"]
    identity = Finding(rule=rule.id, category=rule.category, severity=rule.severity, file="convex/chat.ts", line=9,
                       function="chat:list", message="takes userId", evidence={"userTablesRead": ["users"]})
    kept, withdrawn = withdraw_refuted([other, identity], CLEARED)
    assert (kept, withdrawn) == ([other, identity], [])


def test_an_identity_the_playground_made_can_be_passed_back_when_the_providers_variable_is_unset():
    """auth.config.ts reads `process.env.X` for its domain and X is not set: the playground signs dicts of
    claims with convex-test's issuer; the identity it made is accepted again, another issuer still is not."""
    unset = AuthConfig(configured=True, providers=(AuthProvider("oidc", None, None),))
    made = identity_from_token({"subject": "alice"}, unset)
    assert identity_from_token(made, unset) == made
    with pytest.raises(AuthenticationError, match="No auth provider found"):
        identity_from_token({"subject": "alice", "issuer": "https://elsewhere.example"}, unset)


@pytest.fixture(scope="module")
def review():
    return run_review(APP, sizes=SIZES)


@pytest.mark.slow
def test_a_query_that_shows_only_author_names_is_not_reported(review):
    assert [(f.rule, f.function) for f in review.findings if f.function == "messages:list"] == []
    withdrawn = review.summary()["withdrawn"]
    assert [(w["rule"], w["function"], w["file"]) for w in withdrawn] == [
        ("missing-access-control", "messages:list", "convex/messages.ts")]
    assert "returned no email, token identifier" in withdrawn[0]["because"]
    assert "withdrawn: missing-access-control in messages:list" in render_text(review, APP)


@pytest.mark.slow
def test_a_query_that_hands_out_emails_is_reported_with_the_leaked_value(review):
    report = json.loads(render_json(review, APP))
    found = [(f["rule"], f["function"], f["source"]) for f in report["findings"]]
    # Everything else in the app is correct code that looks flawed, but for relay.ts's api.* reference.
    assert sorted(found) == [("api-from-server", "relay:send", "static"),
                             ("floating-promise", "messages:rename", "static"),
                             ("missing-access-control", "messages:listWithAuthors", "both")], found
    leak = next(f for f in report["findings"] if f["rule"] == "missing-access-control")
    proof = leak["evidence"]["dynamic"]
    assert proof["caller"] == "anonymous" and proof["table"] == "users"
    assert proof["field"] in ("email", "tokenIdentifier")
    assert "returned the" in leak["message"]


class CountingAdmin:
    """Stands in for the playground's admin handle: stores what the seeder inserts, gives ids as convex-test does."""

    def __init__(self):
        self.inserted: dict[str, int] = {}

    def insert(self, table, documents):
        start = self.inserted.get(table, 0)
        self.inserted[table] = start + len(documents)
        return [f"{start + n:032d}{table}" for n in range(len(documents))]


def test_a_vector_indexed_table_is_seeded_with_a_few_hundred_documents_and_says_so():
    """2,000 documents of 1,536 numbers each took six minutes to seed (convex-demos' vector-search)."""
    number = {"fieldType": {"type": "number"}, "optional": False}
    tables = {
        "foods": TableInfo("foods", {"embedding": {"fieldType": {"type": "array", "value": {"type": "number"}},
                                                   "optional": False}}, [], {"embedding": 8}),
        "orders": TableInfo("orders", {"total": number}, [], {}),
    }
    admin = CountingAdmin()
    state = seed(admin, tables, {}, 1000, random.Random(1))
    assert admin.inserted == {"foods": VECTOR_TABLE_ROWS, "orders": 1000}
    assert len(state.documents[state.ids["foods"][0]]["embedding"]) == 8
    assert [w for w in state.warnings if w.startswith("seeding foods:")], state.warnings


@pytest.mark.slow
def test_functions_that_check_a_shared_secret_check_their_caller(review):
    catalog = {f["name"]: f for f in review.static.functions}
    assert catalog["adapter:createUser"]["checksAuth"] is True
    assert catalog["adapter:getUserByEmail"]["checksAuth"] is True
    assert [f for f in review.findings if (f.function or "").startswith("adapter:")] == []


@pytest.mark.slow
def test_a_lookup_by_a_credential_the_caller_holds_checks_the_caller(review):
    catalog = {f["name"]: f for f in review.static.functions}
    assert catalog["sessions:me"]["checksAuth"] is True      # a session id
    assert catalog["sessions:botPost"]["checksAuth"] is True  # an API key
    assert [f for f in review.findings if (f.function or "").startswith("sessions:")] == []


@pytest.mark.slow
def test_an_action_that_only_runs_a_public_function_is_not_suspected(review):
    assert [f.rule for f in review.findings if f.function == "relay:send"] == ["api-from-server"]


@pytest.mark.slow
def test_a_promise_that_fails_after_its_mutation_returned_does_not_end_the_playground(review):
    """messages:rename does not await a patch that fails: the sidecar used to die of the unhandled rejection."""
    assert review.dynamic.measurements["messages:rename"]["calls"] >= 2
    assert review.dynamic.measurements["messages:send"]["ok"] == {10: True, 40: True}


@pytest.mark.slow
def test_indexes_of_tables_a_library_spreads_into_the_schema_are_not_judged_unused(review):
    """Convex Auth's `...authTables`: no call of the app reads authVerificationCodes.code, its library does."""
    assert [f for f in review.findings if f.rule == "unused-index"] == []
    assert any(w.startswith("unused-index not judged for loginAttempts") for w in review.warnings), review.warnings


@pytest.mark.slow
def test_a_package_of_the_app_that_does_not_load_is_named_from_the_apps_own_folder(tmp_path):
    """The review runs a copy whose node_modules links to the app's: a package's file used to read
    `../../../../<app>/node_modules/...` in the message."""
    from convex_review.dynamic_pass import run_dynamic
    from convex_review.errors import ReviewInputError

    app = tmp_path / "shop"
    (app / "convex").mkdir(parents=True)
    (app / "node_modules" / "broken-helper").mkdir(parents=True)
    (app / "node_modules" / "broken-helper" / "package.json").write_text('{"name": "broken-helper", "main": "index.js"}')
    (app / "node_modules" / "broken-helper" / "index.js").write_text("export const helper = (;\n")
    (app / "package.json").write_text('{"dependencies": {"broken-helper": "1.0.0"}}')
    (app / "convex" / "items.ts").write_text(
        'import { query } from "./_generated/server";\nimport { helper } from "broken-helper";\n'
        'export const list = query({ args: {}, handler: async () => String(helper) });\n')
    with pytest.raises(ReviewInputError) as raised:
        run_dynamic(app, sizes=(5,))
    message = str(raised.value)
    assert "node_modules/broken-helper/index.js" in message and "../" not in message, message
