"""Backups: one bundle file (a tar archive) holding the database and the instance files.

Bundle layout::

    manifest.json          what is inside: database kind, Alembic revision, row counts, time
    database.sqlite3       SQLite: a consistent copy made with the sqlite3 online backup API
    database.pgdump        PostgreSQL: ``pg_dump -Fc`` (custom format)
    files/uploads/...      uploaded filing documents (UPLOAD_DIR)
    files/geodata/...      imported official map layers (GEODATA_DIR)

The database is copied first, the files second: uploads are written before the row that
names them is committed and are never deleted, so every file the copied database refers
to is in the bundle. Restore checks the whole bundle before it touches anything, restores
the database in one transaction (SQLite: the online backup API; PostgreSQL:
``pg_restore --clean --single-transaction``) and then swaps the file directories in.
Stop the web workers and the scheduler before a restore.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime, UTC
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from registry import data_version
from registry.extensions import db

FORMAT = 1
FILE_DIRS = {"uploads": "UPLOAD_DIR", "geodata": "GEODATA_DIR"}


class BackupError(Exception):
    """A backup or restore that could not be done; nothing was changed."""


def _kind(engine) -> str:
    name = engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


def _sqlite_path(engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return database


def _pg_args(engine) -> tuple[list[str], dict]:
    """Connection arguments for pg_dump/pg_restore; the password goes in the environment,
    never on the command line (where ``ps`` would show it)."""
    url = engine.url
    args = ["--dbname", url.database or "postgres"]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return args, env


def _run(cmd: list[str], env: dict) -> None:
    try:
        result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{cmd[0]} not found: install the PostgreSQL client tools") from None
    if result.returncode != 0:
        raise BackupError(f"{cmd[0]} failed ({result.returncode}): {result.stderr.strip()}")


def _counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return _counts_on(conn)


def _counts_on(conn) -> dict[str, int]:
    names = sorted(sa.inspect(conn).get_table_names())
    return {name: conn.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one()
            for name in names}


def _sqlite_counts(path: Path) -> dict[str, int]:
    """Row counts of the copied database file itself: exactly what the bundle holds."""
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        return _counts(engine)
    finally:
        engine.dispose()


def _pg_dump_with_counts(engine, dump: Path) -> tuple[dict[str, int], str | None]:
    """pg_dump in a snapshot exported by a REPEATABLE READ transaction that also counts the
    rows and reads the revision, so the manifest describes exactly the dump (#17.11)."""
    args, env = _pg_args(engine)
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
        snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
              f"--snapshot={snapshot}", "--file", str(dump), *args], env)
        counts = _counts_on(conn)
        revision = (conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
                    if sa.inspect(conn).has_table("alembic_version") else None)
    return counts, revision


def _revision(engine) -> str | None:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(datetime.now().timestamp()), 0o600
    tar.addfile(info, io.BytesIO(data))


def backup(path: str | os.PathLike) -> dict:
    """Write a bundle to ``path`` (written beside it, then renamed: never half a file)."""
    engine = db.engine
    kind = _kind(engine)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as tmp:
        if kind == "sqlite":
            dump, name = Path(tmp) / "database.sqlite3", "database.sqlite3"
            source = sqlite3.connect(_sqlite_path(engine))
            copy = sqlite3.connect(dump)
            try:
                source.backup(copy)
            finally:
                copy.close()
                source.close()
            counts, revision = _sqlite_counts(dump), _revision(engine)
        else:
            dump, name = Path(tmp) / "database.pgdump", "database.pgdump"
            counts, revision = _pg_dump_with_counts(engine, dump)
        manifest = {"format": FORMAT, "database": kind, "revision": revision,
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "counts": counts, "files": {}}
        partial = Path(tmp) / "bundle.tar"
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname=name)
            for label, setting in FILE_DIRS.items():
                directory = Path(current_app.config[setting])
                count = 0
                if directory.is_dir():
                    for file in sorted(p for p in directory.rglob("*") if p.is_file()):
                        if file.name.endswith(".part"):
                            continue  # an upload still being written
                        tar.add(file, arcname=f"files/{label}/{file.relative_to(directory)}")
                        count += 1
                manifest["files"][label] = count
            _add_bytes(tar, "manifest.json",
                       json.dumps(manifest, ensure_ascii=False, indent=2).encode())
        os.replace(partial, target)
    return manifest


def read_manifest(path: str | os.PathLike) -> dict:
    try:
        with tarfile.open(path, "r") as tar:
            member = tar.extractfile("manifest.json")
            manifest = json.load(member)
    except (OSError, KeyError, tarfile.TarError, ValueError) as exc:
        raise BackupError(f"{path} is not a registry backup bundle ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown bundle format {manifest.get('format')!r}")
    return manifest


def restore(path: str | os.PathLike) -> dict:
    """Replace the database and the instance files with the bundle's. Checks everything
    first; raises BackupError (with nothing changed) if the bundle does not fit."""
    manifest = read_manifest(path)
    engine = db.engine
    kind = _kind(engine)
    if manifest["database"] != kind:
        raise BackupError(f"the bundle holds a {manifest['database']} database; this app uses "
                          f"{kind} (convert with an export instead)")
    if kind == "postgresql":
        # pg_restore --clean drops only what the dump holds: a bundle of an earlier schema
        # would leave the later tables, functions and triggers behind, in a state that no
        # migration expects. (SQLite's file is replaced whole, so any revision restores.)
        live = _revision(engine)
        if live is not None and manifest.get("revision") != live:
            raise BackupError(
                f"the bundle is at schema revision {manifest.get('revision')}, this database "
                f"at {live}: restore it into a new, empty database (createdb), then run "
                f"flask --app registry db upgrade")
    dirs = {label: Path(current_app.config[setting]) for label, setting in FILE_DIRS.items()}
    work = Path(tempfile.mkdtemp(prefix=".restore-", dir=_common_parent(dirs.values())))
    try:
        try:
            with tarfile.open(path, "r") as tar:
                # data_filter refuses absolute paths, "..", links out of the tree, devices.
                tar.extractall(work, filter="data")
        except tarfile.FilterError as exc:
            raise BackupError(f"{path}: refused, an entry points outside the bundle ({exc})") from None
        dump = work / ("database.sqlite3" if kind == "sqlite" else "database.pgdump")
        if not dump.is_file():
            raise BackupError(f"{path}: the database copy is missing from the bundle")
        db.session.remove()
        engine.dispose()
        if kind == "sqlite":
            _restore_sqlite(dump, _sqlite_path(engine))
        else:
            args, env = _pg_args(engine)
            _run(["pg_restore", "--clean", "--if-exists", "--single-transaction", "--no-owner",
                  "--no-privileges", "--exit-on-error", *args, str(dump)], env)
        with engine.begin() as conn:  # answers kept under the restored token are not its
            data_version.renew(conn)
        for label, directory in dirs.items():
            fresh = work / "files" / label
            old = directory.with_name(directory.name + ".before-restore")
            shutil.rmtree(old, ignore_errors=True)
            if directory.exists():
                directory.rename(old)
            if fresh.is_dir():
                directory.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(fresh), str(directory))
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    engine.dispose()
    return manifest


def _common_parent(paths) -> Path:
    """A scratch directory on the same file system as the instance directories, so the
    restored trees are moved into place by a rename."""
    parent = Path(os.path.commonpath([str(Path(p).resolve().parent) for p in paths]))
    parent.mkdir(parents=True, exist_ok=True)
    return parent


def _restore_sqlite(dump: Path, live: str) -> None:
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        ok = source.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise BackupError(f"the bundle's database fails SQLite's integrity check: {ok}")
        target = sqlite3.connect(live, timeout=30)
        try:
            source.backup(target)  # page by page, under the target's write lock
        finally:
            target.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the bundle's database cannot be read: {exc}") from None
    finally:
        source.close()
