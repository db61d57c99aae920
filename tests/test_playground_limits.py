"""The deployment's limits on values, pagination options, admin bulk access and
search ranking, on a small app of our own (tests/fixtures/limits_app).

Every number and message asserted here is the Convex backend's (see the header
of src/convex_playground/sidecar/limits.mjs and search.mjs for the source files).
"""

from __future__ import annotations

import subprocess

import pytest

from convex_playground import FunctionError, Playground

from .conftest import REPO

LIMITS_APP = REPO / "tests" / "fixtures" / "limits_app"
MiB = 1 << 20


@pytest.fixture(scope="module")
def limits_playground():
    with Playground(LIMITS_APP) as pg:
        yield pg


@pytest.fixture
def pg(limits_playground):
    limits_playground.reset()
    return limits_playground


def refused(call, *args) -> str:
    with pytest.raises(FunctionError) as caught:
        call(*args)
    return caught.value.server_message


# ---------------------------------------------------------------- documents


def test_a_document_over_1_mib_is_refused_and_not_stored(pg):
    client = pg.client()
    message = refused(client.mutation, "values:storeBytes", {"bytes": 9 * MiB})
    assert message == "Value is too large (9.00 MiB > maximum size 1 MiB)"
    assert client.query("values:count") == 0
    client.mutation("values:storeBytes", {"bytes": MiB - 100})  # just under, with _id and _creationTime
    assert client.query("values:count") == 1


def test_document_nesting_stops_at_16_levels(pg):
    client = pg.client()
    client.mutation("values:storeNested", {"depth": 16})
    message = refused(client.mutation, "values:storeNested", {"depth": 17})
    assert message.endswith("isn't a valid document: Document is too nested (nested 17 levels deep > maximum nesting 16)")
    assert message.startswith("Document(value: {_creationTime: ")
    deep = refused(client.mutation, "values:storeNested", {"depth": 70})
    assert deep == ("Invalid argument `value` for `db.insert`: "
                    "Value is too nested (nested 65 levels deep > maximum nesting 64)")
    assert client.query("values:count") == 1


def test_array_length_and_field_count_limits(pg):
    client = pg.client()
    client.mutation("values:storeArray", {"length": 8192})
    assert refused(client.mutation, "values:storeArray", {"length": 8193}) == (
        "Invalid argument `value` for `db.insert`: Array length is too long (8193 > maximum length 8192)")
    client.mutation("values:storeFields", {"count": 1024})
    assert refused(client.mutation, "values:storeFields", {"count": 1025}) == (
        "Invalid argument `value` for `db.insert`: Object has too many fields (1025 > maximum number 1024)")


def test_top_level_fields_cannot_start_with_an_underscore(pg):
    message = refused(pg.client().mutation, "values:storeSystemField")
    assert message.endswith("isn't a valid document: Field '_secret' starts with an underscore, "
                            "which is only allowed for system fields like '_id'")


def test_a_refused_write_leaves_nothing_behind_when_the_function_catches_it(pg):
    client = pg.client()
    assert client.mutation("values:storeAfterRefusal") == "Value is too large (2.00 MiB > maximum size 1 MiB)"
    [document] = pg.admin().table("scratch")
    assert document["small"] is True


def test_a_patch_that_grows_a_document_past_1_mib_is_refused(pg):
    client = pg.client()
    doc_id = client.mutation("values:storeBytes", {"bytes": 10})
    assert refused(client.mutation, "values:grow", {"id": doc_id, "bytes": 2 * MiB}).startswith("Value is too large (2.00 MiB")
    assert pg.admin().get(doc_id)["blob"] == "x" * 10


def test_admin_writes_obey_the_document_limits_too(pg):
    with pytest.raises(FunctionError, match=r"Value is too large \(3\.00 MiB > maximum size 1 MiB\)"):
        pg.admin().insert("scratch", {"blob": "x" * (3 * MiB)})


# ---------------------------------------------------------------- arguments and return values


def test_arguments_over_16_mib_are_refused(pg):
    message = refused(pg.client().query, "values:echo", {"value": "x" * (17 * MiB)})
    assert message == "Arguments for values.js:echo are too large (actual: 17.00 MiB, limit: 16 MiB)"


def test_return_values_over_16_mib_are_refused(pg):
    client = pg.client()
    assert len(client.query("values:returnBytes", {"bytes": MiB})) == 2
    message = refused(client.query, "values:returnBytes", {"bytes": 17 * MiB})
    assert message == "Function values.js:returnBytes return value is too large (actual: 17.00 MiB, limit: 16 MiB)"
    nested = refused(client.query, "values:returnNested", {"depth": 70})
    assert nested == ("Function values.js:returnNested return value invalid: "
                      "Value is too nested (nested 65 levels deep > maximum nesting 64)")


def test_an_unsupported_return_value_keeps_the_convex_librarys_message(pg):
    assert "is not a supported Convex type" in refused(pg.client().query, "values:returnFunction")


def test_a_mutation_whose_result_is_too_large_rolls_back(pg):
    client = pg.client()
    assert "return value is too large" in refused(client.mutation, "values:storeThenReturnTooMuch")
    assert client.query("values:count") == 0


def test_nested_calls_are_held_to_the_same_limits(pg):
    message = refused(pg.client().action, "values:fetchTooMuch")
    assert "values.js:returnBytes return value is too large" in message


def test_limits_off_accepts_what_a_deployment_refuses():
    with Playground(LIMITS_APP, enforce_limits=False) as loose:
        loose.client().mutation("values:storeBytes", {"bytes": 2 * MiB})
        loose.client().mutation("values:storeNested", {"depth": 20})
        assert loose.client().query("values:count") == 2


# ---------------------------------------------------------------- pagination


@pytest.mark.parametrize(("options", "message"), [
    ({"numItems": 0}, "Must request at least 1 document while paginating"),
    ({"numItems": 2.5}, "Invalid arguments for `queryPage`: invalid type: floating point `2.5`, expected usize"),
    ({"numItems": 32_001}, "Requested too many items: 32001"),
    ({"numItems": 5, "maximumRowsRead": 0}, "maximumRowsRead and maximumBytesRead must be greater than 0"),
])
def test_pagination_options_are_validated_as_on_a_deployment(pg, options, message):
    client = pg.client()
    client.mutation("rows:seed", {"count": 5})
    assert refused(client.query, "rows:page", {"paginationOpts": {"cursor": None, **options}}) == message


def test_paginate_after_filter_counts_every_document_scanned(pg):
    client = pg.client()
    client.mutation("rows:seed", {"count": 20})
    first = client.query("rows:oddPage", {"paginationOpts": {"numItems": 3, "cursor": None}})
    assert [row["n"] for row in first["page"]] == [1, 3, 5]
    assert client.last_call.metrics.documents_read == 6  # rows 0..5: three returned, three rejected
    second = client.query("rows:oddPage", {"paginationOpts": {"numItems": 3, "cursor": first["continueCursor"]}})
    assert [row["n"] for row in second["page"]] == [7, 9, 11]
    assert client.last_call.metrics.documents_read == 6
    client.query("rows:oddStreamed", {"count": 3})  # the same scan, streamed, costs the same
    assert client.last_call.metrics.documents_read == 6


# ---------------------------------------------------------------- the admin handle


def test_admin_seeds_and_reads_a_table_past_the_function_limits(pg):
    admin = pg.admin()
    ids = admin.insert("rows", [{"n": n, "even": True} for n in range(40_000)])
    assert len(ids) == 40_000
    assert admin.count("rows") == 40_000
    rows = admin.table("rows")
    assert len(rows) == 40_000 and rows[0]["n"] == 0 and rows[-1]["n"] == 39_999
    assert [row["n"] for row in admin.table("rows", limit=3)] == [0, 1, 2]
    # Functions still have the limits: a scan of every row, or a filter that
    # rejects them all while paginating, reads more than 32,000 documents.
    client = pg.client()
    assert refused(client.query, "rows:all").startswith("Scanned too many documents in a single function execution (limit: 32000)")
    assert refused(client.query, "rows:oddPage", {"paginationOpts": {"numItems": 10, "cursor": None}}).startswith(
        "Scanned too many documents")


def test_an_admin_insert_is_one_transaction(pg):
    rows = [{"n": n, "even": n % 2 == 0} for n in range(20_000)] + [{"n": "not a number", "even": True}]
    with pytest.raises(FunctionError, match="Validator error"):
        pg.admin().insert("rows", rows)
    assert pg.admin().count("rows") == 0


# ---------------------------------------------------------------- search


def add_notes(pg, *bodies, author="ann"):
    client = pg.client()
    for body in bodies:
        client.mutation("notes:add", {"body": body, "author": author})


def search(pg, text, **args):
    return pg.client().query("notes:search", {"text": text, **args})


def test_search_ranks_by_relevance_not_creation_order(pg):
    add_notes(pg, "apple banana", "a note on cherries", "apple apple apple")
    assert search(pg, "apple") == ["apple apple apple", "apple banana"]


def test_only_the_last_search_term_matches_as_a_prefix(pg):
    add_notes(pg, "banana split", "apple pie")
    assert search(pg, "ban apple") == ["apple pie"]  # "ban" is not last: it must match a whole word
    assert set(search(pg, "apple ban")) == {"apple pie", "banana split"}


def test_an_exact_match_outranks_a_prefix_match(pg):
    add_notes(pg, "carpets everywhere", "car everywhere")
    assert search(pg, "car") == ["car everywhere", "carpets everywhere"]


def test_equal_scores_return_the_newest_first(pg):
    add_notes(pg, "alpha words", "gamma words", "delta words")  # same length, one match each
    assert search(pg, "words") == ["delta words", "gamma words", "alpha words"]


def test_search_folds_case_and_ignores_punctuation(pg):
    add_notes(pg, "Hello, WORLD!")
    assert search(pg, "world") == ["Hello, WORLD!"]
    assert search(pg, "HELLO") == ["Hello, WORLD!"]


def test_search_keeps_the_first_16_terms_and_drops_long_ones(pg):
    add_notes(pg, "apple")
    sixteen_others = " ".join(f"word{i}" for i in range(16))
    assert search(pg, f"{sixteen_others} apple") == []
    assert search(pg, f"apple {sixteen_others}") == ["apple"]
    add_notes(pg, "x" * 32 + " short")
    assert search(pg, "x" * 32) == []  # terms of 32 bytes or more are not indexed


def test_search_filter_fields_narrow_the_results(pg):
    add_notes(pg, "shared topic", author="ann")
    add_notes(pg, "shared topic too", author="bob")
    assert search(pg, "shared", author="bob") == ["shared topic too"]


def test_search_on_a_field_the_index_does_not_cover_is_refused(pg):
    message = refused(pg.client().query, "notes:searchWrongField", {"text": "ann"})
    assert message == ('Search query against notes.search_body contains a search filter against "author", '
                       'which doesn\'t match the indexed `searchField` "body".')


def test_search_results_are_capped_at_1024(pg):
    pg.admin().insert("notes", [{"body": f"common word {i}", "author": "ann"} for i in range(1030)])
    assert len(search(pg, "common", limit=10)) == 10
    message = refused(pg.client().query, "notes:search", {"text": "common"})
    assert message.startswith("Search query scanned too many documents (fetched 1024).")


def test_search_pages_follow_the_ranking(pg):
    add_notes(pg, "kiwi", "kiwi kiwi", "kiwi kiwi kiwi", "kiwi and more words here", "kiwi kiwi pie")
    ranked = search(pg, "kiwi")
    pages, cursor = [], None
    while True:
        page = pg.client().query("notes:searchPage", {"text": "kiwi", "paginationOpts": {"numItems": 2, "cursor": cursor}})
        pages.extend(page["page"])
        if page["isDone"]:
            break
        cursor = page["continueCursor"]
    assert pages == ranked and len(ranked) == 5


def test_the_limits_apps_generated_code_is_what_codegen_writes():
    result = subprocess.run(["node", "tools/codegen.mjs", "--app", str(LIMITS_APP), "--check"],
                            cwd=REPO / "snippets", capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
