"""Who a playground client is: a JWT or a dict of claims, turned into the
`UserIdentity` a Convex deployment hands to `ctx.auth.getUserIdentity()`.

A deployment derives the identity from a verified token: it routes the token to
the provider in `convex/auth.config.ts` whose `domain` (OIDC) or `issuer`
(custom JWT) matches the token's `iss` (and whose `applicationID` is in `aud`),
refuses an expired token, renames the standard OpenID claims
(`preferred_username` -> `preferredUsername`, ...), drops housekeeping claims
(`exp`, `iat`, `aud`, `jti`, `nbf`, ...) and sets `tokenIdentifier` to
`issuer|subject` (convex-backend, crates/keybroker/src/broker.rs). The same
rules apply here, read from `identity_claims.json`, which the sidecar's HTTP
actions use too. What the playground cannot do is check a signature: it has no
network to fetch the provider's keys.

A dict of claims is the playground's shortcut for "a token from the app's
provider": it may use claim names (`sub`, `given_name`) or identity names
(`subject`, `givenName`), and without an issuer it gets the first provider's.
An app without `auth.config.ts` accepts any token or dict, as a test would
(a deployment accepts none); the issuer is then convex-test's
`https://convex.test` unless the claims name one. So is a dict's issuer when
auth.config.ts reads a variable that is not set (a deployment would refuse
to push it; `Playground.auth.warnings` says which).
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

CLAIMS: dict[str, Any] = json.loads(Path(__file__).with_name("identity_claims.json").read_text(encoding="utf-8"))
_MESSAGES: dict[str, str] = CLAIMS["messages"]

Identity = Mapping[str, Any]


class AuthenticationError(ValueError):
    """A token a deployment would refuse; `.code` is the deployment's error code
    (`Unauthenticated`, `NoAuthProvider`, `InvalidAuthHeader`)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class AuthProvider:
    """One entry of `auth.config.ts`'s `providers`."""

    type: str  # "oidc" | "customJwt"
    issuer: str | None  # its `domain` (OIDC) or `issuer` (custom JWT); None when an unset variable gave it
    application_id: str | None

    def describe(self) -> str:
        if self.type == "oidc":
            return f"OIDC(domain={self.issuer}, app_id={self.application_id})"
        return f"CustomJWT(issuer={self.issuer}, app_id={self.application_id or 'none'})"


@dataclass(frozen=True)
class AuthConfig:
    """The app's auth providers; `configured` is False when it has no `auth.config.ts`."""

    configured: bool = False
    providers: tuple[AuthProvider, ...] = ()
    warnings: tuple[str, ...] = ()

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any] | None) -> "AuthConfig":
        raw = raw or {}
        providers = tuple(AuthProvider(type=p["type"], issuer=p.get("issuer"), application_id=p.get("applicationID"))
                          for p in raw.get("providers", []))
        return cls(configured=bool(raw.get("configured")), providers=providers, warnings=tuple(raw.get("warnings", [])))

    def default_issuer(self) -> str:
        """The issuer a dict of claims without one gets: the first provider's. When no provider
        has one (its variable is not set, see `warnings`), convex-test's default, so that an app
        still runs before its auth variables are configured."""
        for provider in self.providers:
            if provider.issuer:
                return provider.issuer
        return CLAIMS["default_issuer"]

    def provider_for(self, issuer: str, audiences: list[str] | None) -> AuthProvider:
        """The provider a token with this `iss` and `aud` is routed to, as a deployment picks it."""
        for provider in self.providers:
            audience_ok = audiences is None or provider.application_id is None or provider.application_id in audiences
            if provider.issuer and _same_issuer(provider.issuer, issuer) and audience_ok:
                return provider
        if not self.providers:
            raise AuthenticationError("NoAuthProvider", _MESSAGES["no_providers"])
        described = ", ".join(provider.describe() for provider in self.providers)
        raise AuthenticationError("NoAuthProvider", _MESSAGES["no_provider"].replace("{providers}", described))


def _with_protocol(issuer: str) -> str:
    return issuer if issuer.startswith(("https://", "http://")) else f"https://{issuer}"


def _same_issuer(a: str, b: str) -> bool:
    return _with_protocol(a).rstrip("/") == _with_protocol(b).rstrip("/")


def decode_jwt_payload(token: str) -> dict[str, Any]:
    """A JWT's claims, without checking its signature."""
    parts = token.split(".")
    if len(parts) != 3:
        raise AuthenticationError("InvalidAuthHeader", _MESSAGES["not_a_jwt"])
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        raise AuthenticationError("InvalidAuthHeader", _MESSAGES["not_a_jwt"]) from None
    if not isinstance(claims, dict):
        raise AuthenticationError("InvalidAuthHeader", _MESSAGES["not_a_jwt"])
    return claims


def _oidc_fields(claims: Mapping[str, Any]) -> dict[str, Any]:
    """Standard claims renamed, housekeeping dropped, the rest kept as custom claims."""
    identity: dict[str, Any] = {}
    for claim, value in claims.items():
        if claim in CLAIMS["dropped"] or (value is None and claim in CLAIMS["renamed"]):
            continue  # a standard claim that is null is absent; a custom one keeps its null
        if claim == "address" and isinstance(value, Mapping):
            if isinstance(value.get("formatted"), str):
                identity["address"] = value["formatted"]  # the backend keeps only the formatted address
        elif claim == "updated_at" and isinstance(value, (int, float)) and not isinstance(value, bool):
            identity["updatedAt"] = datetime.fromtimestamp(value, timezone.utc).isoformat()
        else:
            identity[CLAIMS["renamed"].get(claim, claim)] = value
    return identity


def _flatten(claims: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in claims.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _check_expiry(claims: Mapping[str, Any], now: float, message: str, code: str = "Unauthenticated") -> None:
    exp = claims.get("exp")
    if isinstance(exp, (int, float)) and not isinstance(exp, bool) and exp <= now:
        raise AuthenticationError(code, message)


def _from_jwt(token: str, auth: AuthConfig, now: float) -> dict[str, Any]:
    claims = decode_jwt_payload(token)
    if not auth.configured:
        _check_expiry(claims, now, _MESSAGES["oidc_invalid"])
        issuer = claims["iss"] if isinstance(claims.get("iss"), str) else CLAIMS["default_issuer"]
        return _finish(_oidc_fields(claims), issuer)
    issuer = claims.get("iss")
    if not isinstance(issuer, str):
        raise AuthenticationError("InvalidAuthHeader", _MESSAGES["missing_issuer"])
    audience = claims.get("aud")
    audiences = [] if audience is None else [audience] if isinstance(audience, str) else list(audience)
    provider = auth.provider_for(issuer, audiences)
    if provider.type == "customJwt":
        exp = claims.get("exp")
        if not isinstance(exp, (int, float)):
            raise AuthenticationError("InvalidAuthHeader", _MESSAGES["custom_missing_expiry"])
        expired_at = datetime.fromtimestamp(exp, timezone.utc).isoformat().replace("+00:00", ".000Z")
        _check_expiry(claims, now, _MESSAGES["custom_expired"].replace("{expired}", expired_at), "InvalidAuthHeader")
        custom = {key: value for key, value in claims.items()
                  if key not in CLAIMS["custom_jwt_registered"] and key not in CLAIMS["custom_jwt_dropped"]}
        return _finish({**_flatten(custom), "subject": claims.get("sub")}, issuer)
    if not isinstance(claims.get("exp"), (int, float)) or not isinstance(claims.get("sub"), str):
        raise AuthenticationError("Unauthenticated", _MESSAGES["oidc_invalid"])
    _check_expiry(claims, now, _MESSAGES["oidc_invalid"])
    return _finish(_oidc_fields(claims), issuer)


def _from_claims(claims: Mapping[str, Any], auth: AuthConfig, now: float) -> dict[str, Any]:
    _check_expiry(claims, now, _MESSAGES["oidc_invalid"])
    identity = _oidc_fields(claims)
    explicit_token_identifier = identity.pop("tokenIdentifier", None)
    issuer = identity.pop("issuer", None)
    if issuer is None:
        issuer = auth.default_issuer()
    elif auth.configured and str(issuer) != auth.default_issuer():
        # A dict may not claim an issuer the app does not trust. The default one is trusted: an identity the
        # playground made (its issuer convex-test's when the provider's variable is unset) can be passed back.
        auth.provider_for(str(issuer), None)
    return _finish(identity, str(issuer), explicit_token_identifier)


def _finish(identity: dict[str, Any], issuer: str, token_identifier: str | None = None) -> dict[str, Any]:
    subject = identity.get("subject")
    if not subject and not token_identifier:
        raise AuthenticationError("InvalidAuthHeader", _MESSAGES["no_subject"])
    identity["issuer"] = issuer
    identity["tokenIdentifier"] = token_identifier or f"{issuer}|{subject}"
    return identity


def identity_from_token(token: str | Identity, auth: AuthConfig | None = None, *, now: float | None = None) -> dict[str, Any]:
    """The `UserIdentity` a deployment would give functions for a JWT or a dict of claims.

    `auth` is the app's provider list (`Playground.auth`); without it, any
    issuer is accepted. A token the deployment would refuse raises
    `AuthenticationError` (a `ValueError`) with the deployment's message. The
    JWT's signature is not checked.
    """
    auth = auth or AuthConfig()
    now = time.time() if now is None else now
    if isinstance(token, Mapping):
        return _from_claims(token, auth, now)
    if isinstance(token, str):
        return _from_jwt(token, auth, now)
    raise TypeError(f"set_auth() takes a JWT string or a dict of claims, not {type(token).__name__}")


def expiry_of(token: str | Identity) -> float | None:
    """When a token (or claims with `exp`) stops being accepted, in seconds since the epoch."""
    claims = token if isinstance(token, Mapping) else decode_jwt_payload(token)
    exp = claims.get("exp")
    return float(exp) if isinstance(exp, (int, float)) and not isinstance(exp, bool) else None


def refuse_if_expired(expires_at: float | None) -> None:
    """Raises the deployment's error for a token whose `exp` has passed."""
    if expires_at is not None and expires_at <= time.time():
        raise AuthenticationError("Unauthenticated", _MESSAGES["oidc_invalid"])
