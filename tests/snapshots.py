"""Copies of a test database's rows and files, so data that is slow to build (the Xuchang
demo: `flask load-demo` takes 15-40 s) is built once per database and process and then
copied into each test that asks for it.

A snapshot holds every table of ``db.metadata`` (PostgreSQL: tables in a schema of the
same database; SQLite: a file beside the database, attached while copying) and the upload
and outbox directories. Restoring empties the tables, copies the rows back in dependency
order, moves the id sequences past the copied ids and copies the files in."""
from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

SCHEMA = "test_snapshot"  # PostgreSQL; dropped with the schema when the suite starts
FILE_SETTINGS = ("UPLOAD_DIR", "MAIL_OUTBOX_DIR")


@dataclass
class Snapshot:
    name: str
    directory: Path  # SQLite: <name>.sqlite3; files: <name>-files/<setting>/

    @property
    def sqlite_file(self) -> Path:
        return self.directory / f"{self.name}.sqlite3"

    @property
    def files(self) -> Path:
        return self.directory / f"{self.name}-files"


def _tables(db) -> list[sa.Table]:
    """Parents before children; not ``data_version``, which the triggers set afresh when
    the rows are put back (registry/data_version.py)."""
    return [t for t in db.metadata.sorted_tables if t.name != "data_version"]


def _sqlite_path(db) -> str:
    return db.engine.url.database


def take(app, name: str, directory: Path) -> Snapshot:
    """Copy the rows of every table and the upload and outbox files of ``app`` as ``name``."""
    from registry.extensions import db

    snapshot = Snapshot(name, directory)
    with app.app_context():
        db.session.remove()
        tables = _tables(db)
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"')
                for t in tables:
                    conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{SCHEMA}"."{name}__{t.name}"')
                    conn.exec_driver_sql(
                        f'CREATE TABLE "{SCHEMA}"."{name}__{t.name}" AS TABLE "{t.name}"')
        else:
            _sqlite_script(_sqlite_path(db), snapshot.sqlite_file, [
                f'DROP TABLE IF EXISTS snap."{t.name}"; '
                f'CREATE TABLE snap."{t.name}" AS SELECT * FROM main."{t.name}"' for t in tables])
    for setting in FILE_SETTINGS:
        source = Path(app.config[setting])
        if source.is_dir():
            shutil.copytree(source, snapshot.files / setting, dirs_exist_ok=True)
    return snapshot


def restore(app, snapshot: Snapshot) -> None:
    """Replace the rows of every table and add the files of ``snapshot`` to ``app``'s."""
    from registry.extensions import db

    with app.app_context():
        db.session.remove()
        tables = _tables(db)
        if db.engine.dialect.name == "postgresql":
            statements = [f'DELETE FROM "{t.name}"' for t in reversed(tables)]
            statements += [f'INSERT INTO "{t.name}" SELECT * FROM "{SCHEMA}"."{snapshot.name}__{t.name}"'
                           for t in tables]
            statements += [_restart_sequence(t) for t in tables if _serial_column(t) is not None]
            with db.engine.begin() as conn:
                conn.exec_driver_sql("; ".join(statements))
        else:
            _sqlite_script(_sqlite_path(db), snapshot.sqlite_file,
                           [f'DELETE FROM main."{t.name}"' for t in reversed(tables)]
                           + [f'INSERT INTO main."{t.name}" SELECT * FROM snap."{t.name}"'
                              for t in tables])
    for setting in FILE_SETTINGS:
        source = snapshot.files / setting
        if source.is_dir():
            shutil.copytree(source, app.config[setting], dirs_exist_ok=True)


def _serial_column(table: sa.Table):
    columns = list(table.primary_key.columns)
    if len(columns) == 1 and columns[0].autoincrement in (True, "auto") \
            and isinstance(columns[0].type, sa.Integer):
        return columns[0]
    return None


def _restart_sequence(table: sa.Table) -> str:
    column = _serial_column(table).name
    return (f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{column}'), "
            f'COALESCE(MAX("{column}"), 0) + 1, false) FROM "{table.name}"')


def _sqlite_script(database: str, snapshot_file: Path, statements: list[str]) -> None:
    """Run ``statements`` in one transaction on ``database`` with ``snapshot_file``
    attached as ``snap`` (ATTACH cannot run inside the app's BEGIN IMMEDIATE)."""
    conn = sqlite3.connect(database, isolation_level=None, timeout=30)
    try:
        conn.execute("ATTACH DATABASE ? AS snap", (str(snapshot_file),))
        conn.executescript("BEGIN IMMEDIATE; " + "; ".join(statements) + "; COMMIT;")
        conn.execute("DETACH DATABASE snap")
    finally:
        conn.close()
