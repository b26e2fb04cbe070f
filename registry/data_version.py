"""Answers built once per data version and reused by a worker while the data stand still.

The ``data_version`` row holds a token that database triggers change in the same
transaction as any insert, update, delete or truncate of the enterprises, plans or
counties (migration 0007). A worker that built an answer under token T may serve it again
as long as the token it reads is still T: the rows it was built from are then the same.
Reading the token is a one-row primary-key lookup, however many enterprises there are.

Order matters for correctness: the token is read *before* the answer is built. Under
READ COMMITTED a change may commit between the two reads; the answer then holds rows
newer than its token, and the next request, reading the new token, builds afresh. Read
the other way round, an answer could hold older rows than its token and be served stale.

What an answer depends on besides these tables goes into its key: the caller's counties,
the filters, today's date and the settings that shape it. Each app (each worker process)
keeps its own entries; all are dropped when the token moves. No token (the row missing)
means nothing is reused. A request with ``Cache-Control: no-cache`` is built afresh (and
the fresh answer stored), as a browser's forced reload expects.
"""
from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Hashable

import sqlalchemy as sa
from flask import current_app, g, has_request_context, request

from registry.extensions import db
from registry.models import data_version
from registry.postgres import READ_ONLY_METHODS

# The tables whose changes move the token (the triggers of migration 0007, and of 0012 for
# the risk inventories the list filters by substance on; a later change here needs a
# migration, and tests/registry/test_data_version.py checks both agree).
TABLES = ("enterprises", "plans", "counties", "risk_inventories", "risk_inventory_items")

_TOKEN = sa.select(data_version.c.token).where(data_version.c.id == 1)
_lock = threading.Lock()


def current() -> int | None:
    """The data token now, or None when there is none (nothing may then be reused).

    In a read-only request the token read first is kept for the rest of it: the API reads
    it with the caller's token (``seen``), in the same round trip. Reading it early is
    the safe side, as above; a request that writes reads it afresh."""
    if _read_only_request() and "data_token" in g:
        return g.data_token
    return db.session.execute(_TOKEN).scalar()


def renew(conn) -> None:
    """Give the data a token no worker has seen, on ``conn`` (a Core connection in a
    transaction). For a restore: it brings back an earlier token with the earlier rows,
    but an answer kept under that token may hold rows newer than it (read above), and
    a worker may still have it. A database of a schema before the token has none."""
    if not sa.inspect(conn).has_table("data_version"):
        return
    conn.execute(sa.update(data_version).where(data_version.c.id == 1)
                 .values(token=secrets.randbits(62)))


def token_column():
    """The token as a column to add to a request's first query (see ``seen``)."""
    return _TOKEN.scalar_subquery().label("data_token")


def seen(token: int | None) -> None:
    """Keep ``token``, read by the request's first query, for ``current``."""
    if _read_only_request():
        g.data_token = token


def _read_only_request() -> bool:
    return has_request_context() and request.method in READ_ONLY_METHODS


def _no_cache_requested() -> bool:
    return has_request_context() and "no-cache" in request.headers.get("Cache-Control", "")


def cached(name: str, key: Hashable, build: Callable[[], bytes], *, max_bytes: int) -> bytes:
    """``build()``'s answer for ``key``, reused while the data token stands.

    ``name`` separates the callers' entries; each keeps at most ``max_bytes`` of answers
    (past that they are all dropped and the count starts again, as when the token moves).
    An answer larger than that on its own is not kept."""
    token = current()
    caches = current_app.extensions.setdefault("data_version_cache", {})
    if token is not None and not _no_cache_requested():
        with _lock:
            entry = caches.get(name)
            if entry is not None and entry.token == token and key in entry.bodies:
                return entry.bodies[key]
    body = build()
    if token is not None and len(body) <= max_bytes:
        with _lock:
            entry = caches.get(name)
            if entry is None or entry.token != token or entry.size + len(body) > max_bytes:
                entry = caches[name] = _Entry(token)
            if key not in entry.bodies:
                entry.size += len(body)
            entry.bodies[key] = body
    return body


class _Entry:
    """The answers one caller keeps under one token."""

    __slots__ = ("token", "bodies", "size")

    def __init__(self, token: int):
        self.token, self.bodies, self.size = token, {}, 0
