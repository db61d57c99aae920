"""One entry point that works against a real deployment and locally.

    client = connect()

With `CONVEX_URL` set (e.g. https://happy-otter-123.convex.cloud) this is the
official `convex.ConvexClient`; otherwise a client of a playground running the
guide's reference app, shared by every `connect()` in the process.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .playground import DEFAULT_APP, Identity, Playground

_playgrounds: dict[Path, Playground] = {}


def using_real_deployment() -> bool:
    """True when `CONVEX_URL` points the notebooks at a real deployment."""
    return bool(os.environ.get("CONVEX_URL"))


def default_playground(app_dir: str | os.PathLike[str] | None = None) -> Playground:
    """The process-wide playground for an app folder, started on first use."""
    key = Path(app_dir).resolve() if app_dir is not None else DEFAULT_APP
    pg = _playgrounds.get(key)
    if pg is None or not pg.alive:
        pg = Playground(key)
        _playgrounds[key] = pg
    return pg


def connect(app_dir: str | os.PathLike[str] | None = None, *, identity: Identity | str | None = None) -> Any:
    """A client for `CONVEX_URL` if set, else for the local playground.

    `identity` (a JWT, or a dict of claims for the playground) signs the client in.
    """
    url = os.environ.get("CONVEX_URL")
    if url:
        from convex import ConvexClient

        client = ConvexClient(url)
        if identity is not None:
            if not isinstance(identity, str):
                raise ValueError("a real deployment needs a JWT from your auth provider, not a dict of claims")
            client.set_auth(identity)
        return client
    return default_playground(app_dir).client(identity)
