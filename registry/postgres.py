"""PostgreSQL transactions of read-only requests: begun READ ONLY, ended with COMMIT.

A GET, HEAD or OPTIONS request reads; it never writes (every change is a POST, PATCH or
DELETE, and each service commits its own unit of work). On PostgreSQL such a request's
transaction is begun ``READ ONLY`` (psycopg's ``read_only``: no extra round trip), so a
write slipped into a read fails loudly instead of being silently rolled back.

Because the database itself guarantees the transaction wrote nothing, it can end with
``COMMIT`` rather than ``ROLLBACK``, and that matters: psycopg forgets every prepared
statement of a connection on ``ROLLBACK`` (a rolled-back transaction might have dropped
what they refer to). Ending every request with ``ROLLBACK`` meant no statement was ever
prepared and the server planned each query anew on every request; measured on the API's
enterprise list, 1.38 → 0.43 ms of server CPU a request (docs/performance.md).

Pooled connections are checked without a round trip. A connection the server has closed
(a restart, an administrator's ``pg_terminate_backend``, an idle time-out) has something
to read: the server's farewell message or the end of the stream, where an idle pooled
connection has nothing. So at checkout the socket is polled without waiting, and a
readable or closed connection is replaced (up to three tries, SQLAlchemy's pool). This
replaces ``pool_pre_ping``, which sent a ``SELECT 1`` before every request: a round trip
that cost 5-10 % of a list request's throughput. What the poll cannot see, a peer gone
silent without closing (a cut cable), fails the request's first query instead: a 503,
and SQLAlchemy drops the whole pool so the next request connects afresh.
"""
from __future__ import annotations

import select

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError

from registry.extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _read_only_request() -> bool:
    return has_request_context() and request.method in READ_ONLY_METHODS


def install(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection, _record, _proxy):
        if not connection_alive(dbapi_connection):
            raise DisconnectionError("the server closed this pooled connection")

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # Every transaction decides afresh, before its first statement (psycopg has not
        # sent its BEGIN yet): READ ONLY in a read-only request, the default elsewhere
        # (writes, the command line, the scheduler).
        read_only = _read_only_request()
        conn.connection.dbapi_connection.read_only = True if read_only else None
        conn.info["read_only_request"] = read_only  # kept with the pooled connection

    @app.teardown_request
    def _commit_read_only(exc):
        # Runs before Flask-SQLAlchemy removes the session (teardown_appcontext), which
        # would roll back. A failed transaction cannot commit: it is rolled back as before.
        if exc is not None or not _read_only_request() or not db.session.registry.has():
            return
        session = db.session()
        if not session.in_transaction():
            return
        try:
            # Only a transaction this read-only request began READ ONLY: one begun outside
            # it (an app context kept across requests, as in tests) is left to roll back.
            if session.connection().info.get("read_only_request"):
                session.commit()
        except SQLAlchemyError as error:  # a failed transaction: roll back, as before
            current_app.logger.warning("read-only transaction could not commit: %s", error)
            try:
                session.rollback()
            except SQLAlchemyError:
                session.close()


def connection_alive(dbapi_connection) -> bool:
    """False when an idle psycopg connection is closed or has something to read (see the
    module's docstring); no round trip."""
    if dbapi_connection.closed:
        return False
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
    return not poller.poll(0)
