"""`make app`: the reference app's Next.js UI (snippets/app) live against the playground.

Starts a playground on the reference app (snippets/convex), seeds the demo
users of snippets/app/demo/demoUsers.json with a few channels and enough
messages for "Load older messages", then starts Next.js on 127.0.0.1 (port
3000 unless told otherwise) with NEXT_PUBLIC_CONVEX_URL set to the
playground's URL. Ctrl-C stops both.

The demo's sign-in is a stand-in for the app's auth provider: Next signs each
user's JWT with an RSA key generated here at every start and handed over in
the environment (DEMO_AUTH_PRIVATE_KEY), for the issuer the app's
auth.config.ts trusts on the playground (CLERK_JWT_ISSUER_DOMAIN in
snippets/playground.env). No key is stored anywhere.

The browser test (tests/test_reference_ui.py) uses `seed_demo` and
`running_next` directly.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import requests

REPO = Path(__file__).resolve().parents[2]
SNIPPETS = REPO / "snippets"
DEMO_USERS_FILE = SNIPPETS / "app" / "demo" / "demoUsers.json"
NEXT_BIN = SNIPPETS / "node_modules" / "next" / "dist" / "bin" / "next"
ISSUER_VARIABLE = "CLERK_JWT_ISSUER_DOMAIN"  # the variable snippets/convex/auth.config.ts reads
DEFAULT_PORT = 3000
# Messages seeded into #general: more than one page of the history view (30) and
# fewer than the live view's default limit (50), so both views have something to show.
GENERAL_HISTORY = 45
READY_TIMEOUT_SECONDS = 300  # a first `next dev` compile on a busy 2-core machine


class AppStartError(RuntimeError):
    """`make app` cannot start; the message says why and what to do."""


@dataclass(frozen=True)
class DemoUser:
    key: str
    name: str
    email: str

    @property
    def subject(self) -> str:
        """The `sub` the demo provider puts in this user's JWT (snippets/app/demo/demoAuth.ts)."""
        return f"demo|{self.key}"

    def identity(self) -> dict[str, str]:
        return {"subject": self.subject, "name": self.name, "email": self.email}


@dataclass(frozen=True)
class SeededDemo:
    """What `seed_demo` created: the users, and each channel's name and id."""

    users: tuple[DemoUser, ...]
    channels: dict[str, str]


def demo_users() -> tuple[DemoUser, ...]:
    raw = json.loads(DEMO_USERS_FILE.read_text(encoding="utf-8"))
    return tuple(DemoUser(key=user["key"], name=user["name"], email=user["email"]) for user in raw)


def seed_demo(pg) -> SeededDemo:
    """Users, channels and memberships, and a history in #general, through the app's own functions.

    Every user is in #general; the first two are also in #design, the third
    only in #random, so the channel lists differ from user to user.
    """
    users = demo_users()
    clients = [pg.client(identity=user.identity()) for user in users]
    for client in clients:
        client.mutation("users:store")
    owner, second, third = clients[0], clients[1], clients[2]
    channels = {name: owner.mutation("channels:create", {"name": name}) for name in ("general", "design")}
    channels["random"] = third.mutation("channels:create", {"name": "random"})
    for client in (second, third):
        client.mutation("channels:join", {"channelId": channels["general"]})
    second.mutation("channels:join", {"channelId": channels["design"]})
    for number in range(1, GENERAL_HISTORY + 1):
        author = clients[number % len(clients)]
        author.mutation("messages:send", {"channelId": channels["general"], "body": f"History message {number}"})
    owner.mutation("messages:send", {"channelId": channels["design"], "body": "Sketches for the new sign-in page are up."})
    third.mutation("messages:send", {"channelId": channels["random"], "body": "Anyone for chess?"})
    return SeededDemo(users=users, channels=channels)


def generate_signing_key() -> str:
    """A fresh RSA private key (PKCS#8 PEM) for the demo provider, made by Node's crypto."""
    script = ("const { generateKeyPairSync } = require('node:crypto');"
              "process.stdout.write(generateKeyPairSync('rsa', { modulusLength: 2048 })"
              ".privateKey.export({ type: 'pkcs8', format: 'pem' }));")
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise AppStartError(f"could not generate the demo signing key with Node: {result.stderr.strip()}")
    return result.stdout


def check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As a server binds: connections of a server that just stopped (TIME_WAIT) do not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise AppStartError(
                f"{host}:{port} is already in use (another `make app` or a dev server?). "
                f"Stop it, or pick another port: make app APP_PORT={port + 1}") from None


def next_environment(convex_url: str, issuer: str, signing_key: str) -> dict[str, str]:
    return {
        **os.environ,
        "NEXT_PUBLIC_CONVEX_URL": convex_url,
        "DEMO_AUTH_ISSUER": issuer,
        "DEMO_AUTH_PRIVATE_KEY": signing_key,
        "NEXT_TELEMETRY_DISABLED": "1",
    }


@contextmanager
def running_next(convex_url: str, issuer: str, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                 log: Path | None = None) -> Iterator[str]:
    """`next dev` on snippets/ (app router in snippets/app), until the block ends; yields its URL.

    Its output goes to `log` (the terminal when None). The dev server compiles
    each route on its first request; `.next/` under snippets/ is its cache.
    """
    if not NEXT_BIN.is_file():
        raise AppStartError(f"{NEXT_BIN.relative_to(REPO)} is missing: run `make install` first")
    check_port_free(host, port)
    output = open(log, "w", encoding="utf-8") if log else None  # noqa: SIM115 - closed in finally
    # A process group of its own: Next starts workers, and all of them must stop with it.
    process = subprocess.Popen(
        ["node", str(NEXT_BIN), "dev", "--hostname", host, "--port", str(port)],
        cwd=SNIPPETS, env=next_environment(convex_url, issuer, generate_signing_key()),
        stdout=output, stderr=subprocess.STDOUT if output else None, start_new_session=True)
    url = f"http://{host}:{port}"
    try:
        _wait_until_serving(process, f"{url}/sign-in", log)
        yield url
    finally:
        _stop(process)
        if output:
            output.close()


def _wait_until_serving(process: subprocess.Popen, url: str, log: Path | None) -> None:
    """Until the sign-in page answers (its first request compiles it)."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(encoding="utf-8")[-3000:] if log else ""
            raise AppStartError(f"next dev exited with code {process.returncode} before serving {url}\n{tail}")
        try:
            if requests.get(url, timeout=120).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AppStartError(f"next dev did not serve {url} within {READY_TIMEOUT_SECONDS} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def main(argv: list[str] | None = None) -> int:
    from convex_playground import Playground

    parser = argparse.ArgumentParser(prog="python -m guide_tools.app", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    options = parser.parse_args(argv)
    try:
        check_port_free(options.host, options.port)
        with Playground(SNIPPETS) as pg:
            seeded = seed_demo(pg)
            issuer = pg.env[ISSUER_VARIABLE]
            print(f"Playground (the reference app, seeded): {pg.url}")
            print(f"Starting Next.js on http://{options.host}:{options.port} (the first page compiles for a while)...",
                  flush=True)
            with running_next(pg.url, issuer, host=options.host, port=options.port) as url:
                print(f"\nThe reference UI: {url}\n")
                print("Demo users (sign in at /sign-in; no password, this is a demo):")
                for user in seeded.users:
                    print(f"  {user.name} <{user.email}>")
                print("Open two windows (one private), sign in as two users, open #general in both and send a message.")
                print("Ctrl-C stops Next.js and the playground.", flush=True)
                while True:
                    time.sleep(3600)
    except AppStartError as error:
        print(f"make app: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopped.")
        return 0


if __name__ == "__main__":
    sys.exit(main())
