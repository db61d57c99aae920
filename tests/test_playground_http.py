"""HTTP actions, identities, file storage and environment variables behave as on a deployment.

Runs tests/fixtures/http_app, a small app of its own: an HTTP router with
routes that throw, store and serve files and echo the caller's identity; an
auth.config.ts with an OIDC provider (domain from the environment) and a
custom JWT provider; a convex.config.ts declaring typed variables.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import time

import pytest
import requests

from convex_playground import (
    AppLoadError,
    AuthConfig,
    AuthenticationError,
    AuthProvider,
    Playground,
    PlaygroundError,
    identity_from_token,
)
from convex_playground.identity import CLAIMS

from .conftest import REPO
from .unsigned_jwt import unsigned_jwt

HTTP_APP = REPO / "tests" / "fixtures" / "http_app"
ISSUER = "https://issuer.http-app.test"
CUSTOM_ISSUER = "https://custom.http-app.test"
APP_ENV = {"GREETING": "hello", "HTTP_APP_ISSUER": ISSUER}
# A PNG signature and bytes that are not UTF-8: a body must arrive byte for byte.
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def jwt(claims: dict) -> str:
    """An (unsigned) JWT carrying `claims`: the playground reads claims, it cannot check signatures."""
    return unsigned_jwt(claims, {"alg": "RS256", "typ": "JWT"}, signature="c2lnbmF0dXJl")


def oidc_claims(**extra) -> dict:
    now = int(time.time())
    return {"iss": ISSUER, "sub": "user_ada", "aud": "http-app", "exp": now + 3600, "iat": now, "nbf": now,
            "jti": "token-1", "preferred_username": "ada_l", "given_name": "Ada", "email": "ada@example.com",
            "email_verified": True, "org_role": "admin", **extra}


@pytest.fixture(scope="module")
def http_playground():
    with Playground(HTTP_APP, env=APP_ENV) as pg:
        yield pg


@pytest.fixture
def pg(http_playground):
    http_playground.reset()
    return http_playground


def settle(pg) -> None:
    """Any request after a loopback call is answered after the sidecar's notice about it was read."""
    pg.env  # noqa: B018 (a round trip)


# ---------------------------------------------------------------- HTTP actions


def test_a_throwing_http_action_answers_500_with_the_deployments_json_body(pg):
    response = pg.fetch("/boom", method="POST")
    assert response.status == 500
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["code"].startswith("[Request ID: ")
    assert body["code"].endswith("] Server Error: Uncaught Error: boom")
    assert body["trace"].startswith("Uncaught Error: boom\n")
    assert "data" not in body
    record = pg.calls[-1]
    assert (record.function, record.kind, record.ok, record.error) == ("POST /boom", "httpAction", False, "Uncaught Error: boom")
    assert [line.message for line in record.logs] == ["about to fail"]


def test_a_convex_error_in_an_http_action_carries_its_data(pg):
    response = pg.fetch("/refuse", method="POST")
    assert response.status == 500
    assert response.json()["data"] == {"code": "REFUSED", "reason": "not today"}


@pytest.mark.parametrize("method, path", [("GET", "/nowhere"), ("DELETE", "/whoami")])
def test_unknown_routes_answer_404_as_a_deployment_does(pg, method, path):
    response = pg.fetch(path, method=method)
    assert (response.status, response.text) == (404, "No matching routes found")
    over_http = requests.request(method, pg.site_url + path, timeout=10)
    assert (over_http.status_code, over_http.text) == (404, "No matching routes found")


def test_binary_bodies_round_trip_through_fetch(pg):
    stored = pg.fetch("/upload", method="POST", body=PNG, headers={"Content-Type": "image/png", "X-File-Name": "pixel.png"})
    assert stored.status == 200 and stored.json()["size"] == len(PNG)
    served = pg.fetch(f"/file?id={stored.json()['storageId']}")
    assert served.status == 200
    assert served.content == PNG
    assert served.headers["content-type"] == "image/png"


def test_the_site_url_serves_the_same_routes_to_any_http_client(pg):
    stored = requests.post(pg.site_url + "/upload", data=PNG, headers={"Content-Type": "image/png"}, timeout=10)
    assert stored.status_code == 200
    served = requests.get(pg.site_url + "/file", params={"id": stored.json()["storageId"]}, timeout=10)
    assert served.content == PNG and served.headers["content-type"] == "image/png"
    assert requests.get(pg.site_url + "/url?x=1", timeout=10).json() == {"url": pg.site_url + "/url?x=1"}


def test_every_set_cookie_header_reaches_the_client(pg):
    assert requests.get(pg.site_url + "/cookies", timeout=10).cookies.get_dict() == {"a": "1", "b": "2"}
    assert pg.fetch("/cookies").headers["set-cookie"] == "a=1; Path=/, b=2; Path=/"


def test_an_action_can_call_the_apps_own_site_url(pg):
    assert pg.client().action("settings:fetchOwnSite", {"path": "/url"}) == {"url": pg.site_url + "/url"}


def test_http_calls_over_loopback_are_recorded_with_logs_and_metrics(pg):
    requests.post(pg.site_url + "/upload", data=b"abc", headers={"X-File-Name": "a.txt"}, timeout=10)
    settle(pg)
    record = pg.calls[-1]
    assert (record.function, record.kind, record.ok) == ("POST /upload", "httpAction", True)
    assert [line.message for line in record.logs] == ["stored 3 bytes"]
    assert record.metrics.documents_written >= 1


def test_a_write_over_loopback_updates_live_subscriptions(pg):
    names = pg.client().subscribe("files:list")
    assert next(names) == []
    requests.post(pg.site_url + "/upload", data=b"abc", headers={"X-File-Name": "a.txt"}, timeout=10)
    settle(pg)
    assert next(names) == ["a.txt"]


# ---------------------------------------------------------------- identities


def test_a_bearer_token_gives_the_http_action_an_identity_with_the_deployments_fields(pg):
    response = requests.get(pg.site_url + "/whoami", headers={"Authorization": f"Bearer {jwt(oidc_claims())}"}, timeout=10)
    assert response.json() == {
        "subject": "user_ada", "issuer": ISSUER, "tokenIdentifier": f"{ISSUER}|user_ada",
        "preferredUsername": "ada_l", "givenName": "Ada", "email": "ada@example.com", "emailVerified": True,
        "org_role": "admin",
    }
    settle(pg)
    assert pg.calls[-1].identity == "user_ada"


def test_fetch_without_a_token_is_anonymous(pg):
    assert pg.fetch("/whoami").json() is None


@pytest.mark.parametrize("claims, message", [
    (oidc_claims(exp=int(time.time()) - 60), CLAIMS["messages"]["oidc_invalid"]),
    (oidc_claims(iss="https://someone-else.test"), "No auth provider found matching the given token"),
    (oidc_claims(aud="another-app"), "No auth provider found matching the given token"),
])
def test_a_refused_token_makes_get_user_identity_throw_the_deployments_error(pg, claims, message):
    response = pg.fetch("/whoami", headers={"Authorization": f"Bearer {jwt(claims)}"})
    assert response.status == 500
    assert message in response.json()["code"]


def test_an_authorization_header_that_is_not_bearer_is_refused(pg):
    response = pg.fetch("/whoami", headers={"Authorization": "Basic YWRhOnB3"})
    assert response.status == 500
    assert "Header must begin with `bearer `" in response.json()["code"]


def test_client_identities_take_their_issuer_from_auth_config(pg):
    client = pg.client({"subject": "grace", "name": "Grace"})
    assert client.query("me:identity") == {"subject": "grace", "name": "Grace", "issuer": ISSUER,
                                           "tokenIdentifier": f"{ISSUER}|grace"}


def test_claims_given_as_a_dict_are_renamed_and_dropped_like_a_tokens(pg):
    claims = oidc_claims(updated_at=1_700_000_000, address={"formatted": "1 Main St", "country": "UK"},
                         website="https://ada.example", fva=[3, 4])
    from_dict = pg.client(claims).query("me:identity")
    from_jwt = pg.client(jwt(claims)).query("me:identity")
    over_http = pg.fetch("/whoami", headers={"Authorization": f"Bearer {jwt(claims)}"}).json()
    assert from_dict == from_jwt == over_http
    assert not {"exp", "iat", "nbf", "jti", "aud", "fva", "preferred_username"} & set(from_dict)
    assert (from_dict["updatedAt"], from_dict["address"], from_dict["websiteUrl"]) == (
        "2023-11-14T22:13:20+00:00", "1 Main St", "https://ada.example")


def test_an_expired_jwt_is_refused_by_clients(pg):
    with pytest.raises(AuthenticationError, match="hasn't expired") as refused:
        pg.client(jwt(oidc_claims(exp=int(time.time()) - 1)))
    assert refused.value.code == "Unauthenticated"
    soon = pg.client(jwt(oidc_claims(exp=time.time() + 0.5)))
    assert soon.query("me:identity")["subject"] == "user_ada"
    time.sleep(0.6)
    with pytest.raises(AuthenticationError, match="hasn't expired"):
        soon.query("me:identity")


def test_a_dict_may_not_claim_an_issuer_the_app_does_not_trust(pg):
    with pytest.raises(AuthenticationError, match="No auth provider found"):
        pg.client({"sub": "mallory", "iss": "https://evil.test"})


def test_custom_jwt_claims_keep_their_names_and_nested_ones_are_dotted(pg):
    token = jwt({"iss": CUSTOM_ISSUER, "sub": "svc", "exp": int(time.time()) + 60, "given_name": "Bot",
                 "properties": {"team": "core", "level": 3}, "fva": [1, 2]})
    assert pg.fetch("/whoami", headers={"Authorization": f"Bearer {token}"}).json() == {
        "subject": "svc", "issuer": CUSTOM_ISSUER, "tokenIdentifier": f"{CUSTOM_ISSUER}|svc",
        "given_name": "Bot", "properties.team": "core", "properties.level": 3,
    }
    assert pg.client(token).query("me:identity")["properties.team"] == "core"


def test_the_reference_apps_users_get_the_clerk_issuer_from_its_auth_config():
    issuer = "https://clerk.http-test.example"
    with Playground(REPO / "snippets", env={"CLERK_JWT_ISSUER_DOMAIN": issuer}) as reference:
        assert reference.auth.warnings == ()
        reference.client({"subject": "user_1", "name": "Ada", "email": "ada@example.com"}).mutation("users:store")
        assert [user["tokenIdentifier"] for user in reference.admin().table("users")] == [f"{issuer}|user_1"]


def test_identity_from_token_works_without_a_playground():
    assert identity_from_token({"sub": "ada", "picture": "https://img.test/a.png", "updated_at": 0}) == {
        "subject": "ada", "pictureUrl": "https://img.test/a.png", "updatedAt": "1970-01-01T00:00:00+00:00",
        "issuer": "https://convex.test", "tokenIdentifier": "https://convex.test|ada",
    }
    auth = AuthConfig(configured=True, providers=(AuthProvider("oidc", "issuer.example", "app"),))
    assert identity_from_token({"sub": "ada"}, auth)["tokenIdentifier"] == "issuer.example|ada"
    assert identity_from_token(jwt({"iss": "https://issuer.example/", "sub": "x", "aud": ["app"], "exp": 4e9}), auth)["issuer"] \
        == "https://issuer.example/"


def test_an_auth_config_variable_that_is_not_set_is_reported(tmp_path):
    with Playground(HTTP_APP, env={"GREETING": "hi"}) as pg:
        assert pg.auth.warnings == (
            "Environment variable HTTP_APP_ISSUER is used in auth config file but its value was not set "
            "(a deployment refuses to push this auth.config.ts; pass it in Playground(app, env={...}) or pg.set_env())",)
        assert pg.auth.providers[0].issuer is None
        # The custom JWT provider still works, and a dict without an issuer gets its issuer.
        assert pg.client({"subject": "ada"}).query("me:identity")["issuer"] == CUSTOM_ISSUER
        pg.set_env("HTTP_APP_ISSUER", ISSUER)
        assert pg.auth.warnings == ()
        assert pg.client({"subject": "ada"}).query("me:identity")["issuer"] == ISSUER


# ---------------------------------------------------------------- file storage


def test_upload_urls_are_served_on_loopback_and_answer_a_storage_id(pg):
    client = pg.client({"subject": "ada"})
    upload_url = client.mutation("files:generateUploadUrl")
    assert upload_url.startswith(pg.cloud_url + "/api/storage/upload?token=")
    answer = requests.post(upload_url, data=PNG, headers={"Content-Type": "image/png"}, timeout=10)
    assert answer.status_code == 200
    storage_id = answer.json()["storageId"]
    assert set(answer.json()) == {"storageId"}
    file_url = client.query("files:url", {"storageId": storage_id})
    assert file_url.startswith(pg.cloud_url + "/api/storage/")
    served = requests.get(file_url, timeout=10)
    assert served.content == PNG and served.headers["content-type"] == "image/png"
    metadata = client.query("files:metadata", {"storageId": storage_id})
    assert metadata["contentType"] == "image/png"
    assert metadata["size"] == len(PNG)
    assert metadata["sha256"] == base64.b64encode(hashlib.sha256(PNG).digest()).decode()


def test_an_upload_needs_a_token_from_generate_upload_url(pg):
    refused = requests.post(pg.cloud_url + "/api/storage/upload?token=made-up", data=b"x", timeout=10)
    assert refused.status_code == 401
    assert refused.json()["code"] == "InvalidStorageToken"


def test_an_upload_url_expires_after_an_hour_on_the_playground_clock(pg):
    upload_url = pg.client().mutation("files:generateUploadUrl")
    pg.advance(60 * 60 * 1000)
    expired = requests.post(upload_url, data=b"late", timeout=10)
    assert (expired.status_code, expired.json()["code"]) == (401, "StorageTokenExpired")


def test_actions_store_read_and_delete_files(pg):
    client = pg.client()
    storage_id = client.action("files:storeText", {"text": "hello file", "contentType": "text/plain"})
    assert client.action("files:readText", {"storageId": storage_id}) == "hello file"
    assert client.query("files:metadata", {"storageId": storage_id})["contentType"] == "text/plain"
    url = client.query("files:url", {"storageId": storage_id})
    assert requests.get(url, timeout=10).text == "hello file"
    client.mutation("files:remove", {"storageId": storage_id})
    assert client.query("files:url", {"storageId": storage_id}) is None
    assert requests.get(url, timeout=10).status_code == 404


def test_admin_reads_the_storage_table(pg):
    storage_id = pg.client().action("files:storeText", {"text": "x", "contentType": "text/plain"})
    rows = pg.admin().table("_storage")
    assert [row["_id"] for row in rows] == [storage_id]
    assert pg.admin().get(storage_id)["size"] == 1
    assert pg.admin().count("_storage") == 1


# ---------------------------------------------------------------- environment


def test_functions_see_only_the_apps_variables_and_the_two_urls(pg):
    assert pg.client().query("settings:names") == sorted([*APP_ENV, "CONVEX_CLOUD_URL", "CONVEX_SITE_URL"])
    assert pg.client().query("settings:read", {"names": ["CONVEX_SITE_URL", "CONVEX_CLOUD_URL", "HOME", "PATH"]}) == [
        pg.site_url, pg.cloud_url, None, None]
    assert pg.client().query("settings:greeting") == "hello"
    assert pg.env == {**APP_ENV, "CONVEX_SITE_URL": pg.site_url, "CONVEX_CLOUD_URL": pg.cloud_url}


def test_set_env_changes_what_functions_see_and_checks_declarations(pg):
    pg.set_env("MODE", "dev")
    assert pg.client().query("settings:read", {"names": ["MODE"]}) == ["dev"]
    with pytest.raises(PlaygroundError, match="MODE does not match its declared validator"):
        pg.set_env("MODE", "staging")
    with pytest.raises(PlaygroundError, match="Cannot delete required environment variables: GREETING"):
        pg.set_env("GREETING", None)
    with pytest.raises(PlaygroundError, match='"CONVEX_SITE_URL" is built-in and cannot be overridden'):
        pg.set_env("CONVEX_SITE_URL", "https://elsewhere.test")
    with pytest.raises(PlaygroundError, match="The environment variable name 2FA is invalid"):
        pg.set_env("2FA", "on")
    with pytest.raises(PlaygroundError, match="8193 bytes, which is too large"):
        pg.set_env("BIG", "x" * 8193)
    pg.set_env("MODE", None)
    assert pg.client().query("settings:read", {"names": ["MODE"]}) == [None]


def test_a_missing_required_variable_stops_the_start_with_the_deployments_message():
    with pytest.raises(AppLoadError, match="convex.config.ts: Required environment variables are not set: GREETING"):
        Playground(HTTP_APP)
    with pytest.raises(AppLoadError, match=re.escape('MODE does not match its declared validator: expected "dev" | "prod"')):
        Playground(HTTP_APP, env={**APP_ENV, "MODE": "staging"})
    with pytest.raises(AppLoadError, match='"CONVEX_CLOUD_URL" is built-in and cannot be overridden'):
        Playground(HTTP_APP, env={**APP_ENV, "CONVEX_CLOUD_URL": "https://elsewhere.test"})


def test_variables_come_from_an_env_file_with_env_over_it(tmp_path):
    env_file = tmp_path / ".env.convex"
    env_file.write_text("GREETING='from the file'\nHTTP_APP_ISSUER=https://file.test\n# a comment\nMODE=prod\n")
    with Playground(HTTP_APP, env_file=env_file, env={"MODE": "dev"}) as pg:
        assert pg.client().query("settings:read", {"names": ["GREETING", "HTTP_APP_ISSUER", "MODE"]}) == [
            "from the file", "https://file.test", "dev"]
    with pytest.raises(PlaygroundError, match="does not exist"):
        Playground(HTTP_APP, env_file=tmp_path / "missing.env")


def test_the_host_environment_does_not_leak_into_functions(monkeypatch):
    monkeypatch.setenv("HTTP_APP_SECRET_ON_THE_HOST", "leaked")
    with Playground(HTTP_APP, env=APP_ENV) as pg:
        assert pg.client().query("settings:read", {"names": ["HTTP_APP_SECRET_ON_THE_HOST"]}) == [None]
    assert os.environ["HTTP_APP_SECRET_ON_THE_HOST"] == "leaked"
