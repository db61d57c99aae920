"""The reference UI (snippets/app, what `make app` serves) in Chromium, live against the playground.

One playground on the reference app, seeded as `make app` seeds it, one
`next dev` and one browser serve the module. Two browser contexts are two
people, each signed in through the demo sign-in page as a different user.
They see each other's messages without a reload, the sender sees an
optimistic message while its mutation has not reached the server, and the
history view loads an older page.

The optimistic update is observed honestly: the sender's Convex WebSocket is
routed through Playwright, which holds the `Mutation` message back, so the
server has not seen it while the sender's screen already shows it.
"""

from __future__ import annotations

import json
import re
import shutil
import socket

import pytest

from guide_tools.app import ISSUER_VARIABLE, SNIPPETS, running_next, seed_demo

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# A dev server compiles each route on its first request: generous, on 2 busy cores.
FIRST_LOAD_MS = 180_000
LIVE_MS = 20_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def demo():
    from convex_playground import Playground

    with Playground(SNIPPETS) as pg:
        yield pg, seed_demo(pg)


@pytest.fixture(scope="module")
def app_url(demo, tmp_path_factory):
    pg, _ = demo
    log = tmp_path_factory.mktemp("next") / "next-dev.log"
    with running_next(pg.url, pg.env[ISSUER_VARIABLE], port=_free_port(), log=log) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class HeldMutations:
    """Routes a page's Convex WebSocket through the test; while `holding`, Mutation messages wait here."""

    def __init__(self, convex_url: str):
        self.sync_host = convex_url.split("://", 1)[1]
        self.holding = False
        self.held: list[str] = []
        self.server = None

    def matches(self, url: str) -> bool:
        return self.sync_host in url

    def route(self, socket_route) -> None:
        self.server = socket_route.connect_to_server()
        socket_route.on_message(self._from_page)
        self.server.on_message(socket_route.send)

    def _from_page(self, message) -> None:
        if self.holding and isinstance(message, str) and json.loads(message).get("type") == "Mutation":
            self.held.append(message)
        else:
            self.server.send(message)

    def release(self) -> None:
        self.holding = False
        for message in self.held:
            self.server.send(message)
        self.held.clear()


def _signed_in_page(browser, app_url: str, user_name: str, held: HeldMutations | None = None):
    context = browser.new_context(base_url=app_url)
    context.set_default_timeout(FIRST_LOAD_MS)
    page = context.new_page()
    if held is not None:
        page.route_web_socket(held.matches, held.route)
    page.goto("/sign-in")
    page.get_by_role("button", name=f"Sign in as {user_name}").click()
    page.get_by_test_id("signed-in-as").filter(has_text=user_name).wait_for()
    return context, page


@pytest.fixture(scope="module")
def two_people(browser, app_url, demo):
    """Ada and Grace, each in their own browser context, both on #general; Ada's mutations can be held."""
    pg, seeded = demo
    ada_name, grace_name = seeded.users[0].name, seeded.users[1].name
    held = HeldMutations(pg.url)
    ada_context, ada = _signed_in_page(browser, app_url, ada_name, held)
    grace_context, grace = _signed_in_page(browser, app_url, grace_name)
    for page in (ada, grace):
        page.get_by_role("link", name="#general").click()
        page.get_by_role("textbox", name="Message").wait_for()
        page.get_by_text("History message 45").wait_for()
    yield ada, grace, held
    ada_context.close()
    grace_context.close()


def _send(page, body: str) -> None:
    page.get_by_role("textbox", name="Message").fill(body)
    page.get_by_role("button", name="Send").click()


def _messages(page, body: str):
    return page.get_by_role("listitem").filter(has_text=body)


def test_each_person_sees_their_own_channels(two_people):
    ada, grace, _ = two_people
    ada.get_by_role("link", name="Channels").click()
    ada.get_by_role("link", name="#design").wait_for()
    assert ada.get_by_role("link", name="#random").count() == 0  # Ada is not in #random
    ada.go_back()
    ada.get_by_role("textbox", name="Message").wait_for()


def test_a_message_sent_in_one_window_appears_in_the_other_without_reload(two_people):
    ada, grace, _ = two_people
    grace.evaluate("window.__notReloaded = true")
    _send(grace, "Hello from Grace")
    _messages(ada, "Hello from Grace").wait_for(timeout=LIVE_MS)
    assert _messages(ada, "Hello from Grace").inner_text().startswith("Grace Hopper")
    assert grace.evaluate("window.__notReloaded") is True


def test_the_optimistic_message_shows_before_the_server_has_it_then_is_reconciled(two_people):
    ada, grace, held = two_people
    held.holding = True
    _send(ada, "Optimistic hello from Ada")
    # On Ada's screen at once, while the mutation has not left the browser.
    _messages(ada, "Optimistic hello from Ada").wait_for(timeout=LIVE_MS)
    assert held.held, "the mutation was not held: the message cannot have come from the server"
    assert _messages(grace, "Optimistic hello from Ada").count() == 0
    held.release()
    # The server's result replaces the optimistic one: once for Ada, and now for Grace too.
    _messages(grace, "Optimistic hello from Ada").wait_for(timeout=LIVE_MS)
    ada.wait_for_timeout(500)
    assert _messages(ada, "Optimistic hello from Ada").count() == 1


def test_history_loads_an_older_page(two_people):
    _, grace, _ = two_people
    grace.get_by_role("link", name="History").click()
    load_more = grace.get_by_role("button", name="Load older messages")
    load_more.wait_for()
    shown = grace.get_by_role("listitem").filter(has_text="History message")
    oldest = _messages(grace, re.compile(r"History message 1$"))
    assert oldest.count() == 0
    first_page = shown.count()
    load_more.click()
    oldest.wait_for(timeout=LIVE_MS)
    assert shown.count() > first_page
    assert grace.get_by_role("button", name="Start of the channel").is_disabled()
