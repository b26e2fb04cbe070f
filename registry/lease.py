"""Named leases in the database: at most one holder per name across all processes.

PostgreSQL: a session-level advisory lock on a connection kept open by the holder; the
server drops it the moment the holder's connection dies, so a standby takes over at its
next poll. SQLite: a row in ``leases`` with an expiry the holder renews; a standby takes
over once it has lapsed (``ttl_seconds`` after the holder stopped renewing), or at once
when the holder was a process on this host that no longer exists (killed, crashed).
"""
from __future__ import annotations

import hashlib
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from registry.models.base import utcnow


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def holder_is_dead(holder: str) -> bool:
    """True when ``holder`` (from ``holder_id``) names a process on this host that has
    gone. Unknown shapes, other hosts and live (or reused) pids count as alive: the
    lease then waits for its expiry, which is always safe."""
    host, _sep, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_advisory_lock``."""
    return int.from_bytes(hashlib.sha256(f"registry:{name}".encode()).digest()[:8], "big",
                          signed=True)


class DbLease:
    """``try_acquire()`` takes or renews the lease (True while held); ``release()`` gives
    it up. One instance per would-be holder; not shared between threads."""

    def __init__(self, engine: Engine, name: str, ttl_seconds: float = 60,
                 holder: str | None = None, clock: Callable[[], datetime] = utcnow):
        self.engine, self.name, self.ttl = engine, name, timedelta(seconds=ttl_seconds)
        self.holder = holder or holder_id()
        self.clock = clock
        self._conn: Connection | None = None
        self.postgres = engine.dialect.name == "postgresql"

    @property
    def held(self) -> bool:
        return self._conn is not None if self.postgres else self._held

    _held = False

    def try_acquire(self) -> bool:
        if self.postgres:
            return self._pg_acquire()
        self._held = self._row_acquire()
        return self._held

    def release(self) -> None:
        if self.postgres:
            if self._conn is not None:
                try:
                    self._conn.execute(sa.select(sa.func.pg_advisory_unlock(advisory_key(self.name))))
                    self._conn.commit()
                    self._conn.close()
                except DBAPIError:
                    self._conn.invalidate()
                self._conn = None
            return
        if self._held:
            from registry.models import Lease

            with self.engine.begin() as conn:
                conn.execute(sa.delete(Lease.__table__).where(Lease.name == self.name,
                                                              Lease.holder == self.holder))
            self._held = False

    # PostgreSQL ---------------------------------------------------------------------
    def _pg_acquire(self) -> bool:
        if self._conn is not None:
            try:  # still ours while our session lives
                self._conn.execute(sa.text("SELECT 1"))
                self._conn.commit()
                return True
            except DBAPIError:
                self._conn.invalidate()
                self._conn = None
        conn = self.engine.connect()
        try:
            got = conn.execute(sa.select(sa.func.pg_try_advisory_lock(advisory_key(self.name)))).scalar()
            conn.commit()
        except DBAPIError:
            conn.invalidate()
            return False
        if got:
            self._conn = conn
            return True
        conn.close()
        return False

    def abandon(self) -> None:
        """Drop the connection without unlocking (as if the process died); for tests
        and for a holder that lost its database."""
        if self._conn is not None:
            self._conn.invalidate()
            self._conn = None
        self._held = False

    # SQLite (and any database without advisory locks) ---------------------------------
    def _row_acquire(self) -> bool:
        from registry.models import Lease

        table = Lease.__table__
        now = self.clock()
        values = {"holder": self.holder, "expires_at": now + self.ttl}
        with self.engine.begin() as conn:
            renewed = conn.execute(
                sa.update(table).where(table.c.name == self.name, table.c.holder == self.holder)
                .values(**values)).rowcount
            if renewed:
                return True
            taken = conn.execute(
                sa.update(table).where(table.c.name == self.name, table.c.expires_at < now)
                .values(acquired_at=now, **values)).rowcount
            if taken:
                return True
            current = conn.execute(sa.select(table.c.holder)
                                   .where(table.c.name == self.name)).scalar()
            if current is not None:
                return holder_is_dead(current) and bool(conn.execute(
                    sa.update(table).where(table.c.name == self.name, table.c.holder == current)
                    .values(acquired_at=now, **values)).rowcount)
            try:
                with conn.begin_nested():
                    conn.execute(sa.insert(table).values(name=self.name, acquired_at=now, **values))
            except IntegrityError:  # another process inserted it first
                return False
            return True
