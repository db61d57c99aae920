"""JWTs for tests: the claims an auth provider would sign, without a signature.

The playground checks a token's issuer, audience and expiry as a deployment
does, but cannot check its signature (it cannot fetch the provider's keys), so
an unsigned token is all a test needs to sign a client in."""

from __future__ import annotations

import base64
import json


def _part(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def unsigned_jwt(claims: dict, header: dict | None = None, signature: str = "unsigned") -> str:
    """A compact JWT carrying `claims` (header `{"alg": "none"}` unless given)."""
    return f"{_part(header or {'alg': 'none'})}.{_part(claims)}.{signature}"
