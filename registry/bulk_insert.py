"""Inserting many rows in the session's transaction, as fast as each database allows.

SQLite: one executemany (sqlite3 loops in C). PostgreSQL: one ``COPY … FROM STDIN``:
psycopg's pipelined executemany spends ~50 µs a row in Python, COPY a few. The values go
through the same SQLAlchemy bind processing (JSON, booleans…) and Python-side column
defaults as an ordinary ``insert()``, so the stored rows are identical either way.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from registry.extensions import db


def _defaults(table: sa.Table, given) -> dict:
    """Python-side defaults of the columns not given (created_at…), evaluated once."""
    values = {}
    for column in table.columns:
        default = column.default
        if column.name in given or default is None or column.primary_key:
            continue
        if default.is_scalar:
            values[column.name] = default.arg
        elif default.is_callable:
            values[column.name] = default.arg(None)
    return values


def insert_many(table: sa.Table, rows: list[dict]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table``; never commits."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql":
        connection.execute(sa.insert(table), rows)
        return
    keys = list(rows[0])
    defaults = _defaults(table, keys)
    names = keys + list(defaults)
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                  for name in names]
    fixed = list(defaults.values())
    columns = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    table_name = dialect.identifier_preparer.format_table(table)
    with connection.connection.driver_connection.cursor() as cursor, \
            cursor.copy(f"COPY {table_name} ({columns}) FROM STDIN") as copy:
        for row in rows:
            values = [row[k] for k in keys] + fixed
            copy.write_row([p(v) if p else v for p, v in zip(processors, values)])


def refresh_statistics(*tables: sa.Table) -> None:
    """``ANALYZE`` ``tables`` after a bulk load, in a transaction of its own (commits).

    The query planner judges a table by its statistics; until autovacuum next looks (a
    minute or more on PostgreSQL, never on SQLite), a table just filled from empty looks
    empty, and the enterprise list joins every plan instead of reading a page off its
    index (measured: a third of its throughput, bench/load.py).

    Best effort: it runs after the load has committed, so a failure (SQLite busy past its
    time-out, say) is logged, not raised — the load itself succeeded."""
    try:
        for table in tables:
            db.session.execute(sa.text(f'ANALYZE "{table.name}"'))
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.warning("ANALYZE after a bulk load failed: %s", error)
