"""The page "Run the playground on your own app" runs its tour on an app laid out
as real repositories are (functions under src/convex, no _generated, no
node_modules): every step shown there does what the page says."""

from __future__ import annotations

import importlib.util

import pytest

from .conftest import REPO

APP = REPO / "tests" / "fixtures" / "guide_app"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))  # bytes that are not UTF-8 text


def _tour():
    spec = importlib.util.spec_from_file_location("own_app_tour", REPO / "snippets" / "python" / "own_app_tour.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tour = _tour()


@pytest.fixture(scope="module")
def pg():
    with tour.open_app(APP) as playground:
        yield playground


@pytest.fixture
def ada(pg):
    pg.reset()
    pg.unfreeze_clock()
    return tour.sign_in(pg)


def test_the_app_root_and_its_environment(pg):
    assert pg.client().query("notes:greeting") == "Hello from the playground"
    assert "HOME" not in pg.env and pg.env["CONVEX_SITE_URL"] == pg.site_url
    assert not (APP / "src" / "convex" / "_generated").exists(), "the playground wrote into the reader's app"


def test_sign_in_gives_the_deployments_identity(pg, capsys):
    pg.reset()
    ada = tour.sign_in(pg)
    assert "SIGNED_OUT" in capsys.readouterr().out
    assert ada.identity["tokenIdentifier"] == "https://auth.notes.example|ada"
    assert ada.identity["preferredUsername"] == "ada" and "exp" not in ada.identity
    ada.mutation("notes:add", {"body": "first"})
    assert [note["author"] for note in ada.query("notes:mine")] == ["https://auth.notes.example|ada"]


def test_a_reminder_runs_a_minute_later_with_its_logs(pg, ada):
    runs = tour.remind_in_a_minute(pg, ada)
    # The clock starts from the wall clock: within a minute of the hour, the hourly cron falls due too.
    reminders = [run for run in runs if run.kind != "cron"]
    assert [(run.name, run.state) for run in reminders] == [("notes:remind", "success")]
    assert "Call Charles" in reminders[0].logs[0].message
    assert [note["reminded"] for note in ada.query("notes:mine")] == [True]


def test_the_hourly_cron_runs_every_hour_and_tidies(pg, ada):
    tour.remind_in_a_minute(pg, ada)
    cron_runs = tour.tidy_after_a_day(pg)
    assert 25 <= len(cron_runs) <= 26 and all(run.state == "success" for run in cron_runs)
    assert ada.query("notes:mine") == [], "a day after its reminder the note is tidied away"
    assert sum(run["removed"] for run in pg.admin().table("tidyRuns")) == 1


def test_a_file_round_trips_through_loopback_urls(pg, ada):
    note = ada.mutation("notes:add", {"body": "with a picture"})
    assert tour.attach_a_file(pg, ada, note, PNG) == PNG
    [stored] = pg.admin().table("_storage")
    assert stored["size"] == len(PNG) and stored["contentType"] == "image/png"


def test_an_http_action_acts_for_the_bearer(pg, ada, capsys):
    token = tour.unsigned_token({"iss": "https://auth.notes.example", "aud": "notes-app", "sub": "ada"})
    response = tour.post_from_another_service(pg, token)
    assert response.status == 201
    assert [note["body"] for note in ada.query("notes:mine")] == ["Posted by the calendar service"]
    out = capsys.readouterr().out
    assert "POST /notes 1" in out and "500 [Request ID:" in out


def test_search_ranks_by_relevance(pg, ada):
    for body in ["engine notes", "the analytical engine engine design", "tea with Charles"]:
        ada.mutation("notes:add", {"body": body})
    ranked = [note["body"] for note in ada.query("notes:search", {"text": "engine"})]
    assert ranked[0] == "the analytical engine engine design" and "tea with Charles" not in ranked


def test_the_official_client_connects_to_pg_url(pg, capsys):
    pg.reset()
    token = tour.unsigned_token({"iss": "https://auth.notes.example", "aud": "notes-app", "sub": "ada"})
    notes = tour.official_client_sees_a_write(pg, token)
    assert [note["body"] for note in notes] == ["Written over the WebSocket"]
    assert "[]" in capsys.readouterr().out
    assert [note["body"] for note in tour.sign_in(pg).query("notes:mine")] == ["Written over the WebSocket"]
