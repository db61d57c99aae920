"""`make app` (guide_tools.app) without a browser: a taken port is a clear error, and the
demo sign-in's JWT is one the playground accepts as a token from the app's provider.

The token is minted by the reference UI's own code (snippets/app/demo/demoAuth.ts,
run with tsx) for the small app tests/fixtures/app14_demo_auth, whose OIDC
provider takes its issuer from a deployment variable, as the reference app's does.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess

import convex
import pytest
import requests

from guide_tools.app import SNIPPETS, generate_signing_key, main

from .conftest import REPO

APP = REPO / "tests" / "fixtures" / "app14_demo_auth"
ISSUER = "https://auth.app14.test"  # AUTH_ISSUER in the fixture's playground.env
MINT = """
import { DEMO_USERS, checkDemoToken, mintDemoToken } from "./app/demo/demoAuth.ts";
const token = mintDemoToken(DEMO_USERS[0]);
const [header, claims, signature] = token.split(".");
const tampered = [header, claims, signature.slice(0, -6) + (signature.endsWith("AAAAAA") ? "BBBBBB" : "AAAAAA")].join(".");
console.log(JSON.stringify({ token, accepted: checkDemoToken(token) === token, tamperedAccepted: checkDemoToken(tampered) !== null }));
"""


def test_a_taken_port_is_a_clear_error_before_anything_starts(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--port", str(port)]) == 1
    error = capsys.readouterr().err
    assert f"127.0.0.1:{port} is already in use" in error
    assert f"make app APP_PORT={port + 1}" in error


def mint_demo_token(issuer: str) -> dict:
    environment = {**os.environ, "DEMO_AUTH_ISSUER": issuer, "DEMO_AUTH_PRIVATE_KEY": generate_signing_key()}
    run = subprocess.run(["node", "--import", "tsx", "--input-type=module", "-e", MINT], cwd=SNIPPETS,
                         env=environment, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


@pytest.mark.slow
def test_the_demo_token_signs_in_as_the_providers_user():
    from convex_playground import Playground

    minted = mint_demo_token(ISSUER)
    assert minted["accepted"] and not minted["tamperedAccepted"]
    foreign = mint_demo_token("https://elsewhere.test")["token"]
    with Playground(APP) as pg:
        client = convex.ConvexClient(pg.url)
        assert client.query("whoami:identity") is None
        client.set_auth(minted["token"])
        assert client.query("whoami:identity") == {
            "subject": "demo|ada", "issuer": ISSUER, "tokenIdentifier": f"{ISSUER}|demo|ada",
            "name": "Ada Lovelace", "email": "ada@vibesaas.test"}
        # A token for an issuer the app does not trust is refused, as a deployment refuses it.
        refused = requests.post(f"{pg.url}/api/query", json={"path": "whoami:identity", "args": {}}, timeout=30,
                                headers={"Authorization": f"Bearer {foreign}"})
        assert refused.status_code == 401 and refused.json()["code"] == "NoAuthProvider"
