"""The tour on the page "Run the playground on your own app", one function per step.

Each step is a section the page includes; tests/test_own_app_tour.py runs them in
order against tests/fixtures/guide_app, a small notes app laid out as many real
repositories are: functions under src/convex (named by convex.json), no
_generated folder and no node_modules of its own.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import requests

from convex_playground import ConvexError, Playground

HOUR_MS = 60 * 60 * 1000


# --8<-- [start:open]
def open_app(app_root: Path) -> Playground:
    # The app's root folder: its convex.json says where the functions are.
    # Functions see only the variables given here, never your shell's.
    return Playground(app_root, env={"GREETING": "Hello from the playground"})
# --8<-- [end:open]


# --8<-- [start:token]
def unsigned_token(claims: dict, lifetime_s: int = 3600) -> str:
    """A JWT as an auth provider would issue one. The playground reads its claims
    but, having no network to fetch the provider's keys, does not check signatures."""
    now = int(time.time())
    header = {"alg": "none", "typ": "JWT"}
    payload = {"iat": now, "exp": now + lifetime_s, **claims}
    encode = lambda part: base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()
    return f"{encode(header)}.{encode(payload)}.unsigned"
# --8<-- [end:token]


# --8<-- [start:sign_in]
def sign_in(pg: Playground):
    ada = pg.client(unsigned_token({
        "iss": "https://auth.notes.example",  # must match a provider in auth.config.ts
        "aud": "notes-app",                    # ... and its applicationID
        "sub": "ada",
        "name": "Ada Lovelace",
        "preferred_username": "ada",
    }))
    anonymous = pg.client()
    try:
        anonymous.query("notes:mine")
    except ConvexError as refused:
        print("signed out:", refused.data)    # {'code': 'SIGNED_OUT'}
    return ada
# --8<-- [end:sign_in]


# --8<-- [start:clock]
def remind_in_a_minute(pg: Playground, ada) -> list:
    pg.freeze_clock()  # only advance() moves time now: results do not depend on how fast this machine is
    ada.mutation("notes:add", {"body": "Call Charles about the engine", "remindInMs": 60_000})
    runs = pg.advance(60_000)  # runs everything due in the next minute, in due-time order
    for run in runs:
        print(run.name, run.state, [line.message for line in run.logs])
    return runs
# --8<-- [end:clock]


# --8<-- [start:crons]
def tidy_after_a_day(pg: Playground) -> list:
    print(pg.crons())  # name, function, schedule and next run of each job in crons.ts
    runs = pg.advance(25 * HOUR_MS)  # 25 hourly runs; the last one finds the reminder over a day old
    return [run for run in runs if run.kind == "cron"]
# --8<-- [end:crons]


# --8<-- [start:files]
def attach_a_file(pg: Playground, ada, note_id: str, content: bytes) -> bytes:
    upload_url = ada.mutation("files:uploadUrl")  # a URL on 127.0.0.1, served by the playground
    answer = requests.post(upload_url, data=content, headers={"Content-Type": "image/png"}, timeout=10)
    storage_id = answer.json()["storageId"]
    ada.mutation("files:attach", {"noteId": note_id, "storageId": storage_id})
    [url] = ada.query("files:attachmentUrls", {"noteId": note_id})
    print(pg.admin().get(storage_id))  # the _storage document: size, sha256, contentType
    return requests.get(url, timeout=10).content
# --8<-- [end:files]


# --8<-- [start:http]
def post_from_another_service(pg: Playground, token: str):
    response = pg.fetch(
        "/notes", method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        body=json.dumps({"body": "Posted by the calendar service"}),
    )
    print(response.status, response.json())      # 201 {'id': ...}
    print(pg.calls[-1].function, pg.calls[-1].metrics.documents_written)
    # The same route answers any HTTP client at the app's site URL:
    refused = requests.post(f"{pg.site_url}/notes", json={"body": "no token"}, timeout=10)
    print(refused.status_code, refused.json()["code"])  # 500, the handler's error
    return response
# --8<-- [end:http]


# --8<-- [start:official]
def official_client_sees_a_write(pg: Playground, token: str) -> list:
    import convex  # Convex's own Python client, unchanged: pg.url is a deployment URL

    reader = convex.ConvexClient(pg.url)
    reader.set_auth(token)                       # the same JWT a deployment would get
    updates = iter(reader.subscribe("notes:mine"))
    print(next(updates))                         # [] : the current result
    writer = convex.ConvexClient(pg.url)         # another connection, as the same user
    writer.set_auth(token)
    writer.mutation("notes:add", {"body": "Written over the WebSocket"})
    return next(updates)                         # blocks until the write reaches the reader
# --8<-- [end:official]
