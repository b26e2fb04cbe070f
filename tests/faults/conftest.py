"""Fault injection: the real CLI in a subprocess killed with SIGKILL at a point the test
has seen it reach, and a throwaway PostgreSQL cluster the test may stop and restart.

Components these tests need (PostgreSQL server binaries for ``initdb``/``pg_ctl``) are
skipped when missing outside CI and fail the test under ``REQUIRE_BROWSER=1`` / ``CI``
(set by ``.ci/run`` and ``make hardening``), like the browser tests."""
from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]


def require(component: str, present: bool, hint: str) -> None:
    """Skip (developer machine) or fail (CI, ``make hardening``) when a component is missing."""
    if present:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1" or os.environ.get("CI"):
        pytest.fail(f"{component} is required for this test: {hint}")
    pytest.skip(f"{component} not installed ({hint})")


def cli_env(database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a CLI subprocess working on ``database_url``."""
    env = dict(os.environ, REGISTRY_ENV="development", DATABASE_URL=database_url,
               SCHEDULER_ENABLED="0", UPLOAD_DIR=str(tmp_path / "uploads"),
               GEODATA_DIR=str(tmp_path / "geodata"), MAIL_OUTBOX_DIR=str(tmp_path / "outbox"),
               COLUMNS="100", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


class Cli:
    """``flask --app registry ARGS`` in a subprocess on a pseudo-terminal, so that click
    shows its real progress bar; ``wait_for`` reads the output until a predicate holds."""

    def __init__(self, args: list[str], env: dict[str, str]):
        master, slave = pty.openpty()
        self.proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "registry", *args],
                                     cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=slave,
                                     stderr=slave, close_fds=True)
        os.close(slave)
        self.fd, self.output = master, ""

    def _read(self, timeout: float) -> bool:
        ready, _w, _x = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # the child closed the terminal (it exited)
            return False
        self.output += chunk.decode("utf-8", "replace")
        return bool(chunk)

    def wait_for(self, predicate, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self.output):
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"timed out; output so far:\n{self.output[-3000:]}")
            if not self._read(0.2) and self.proc.poll() is not None:
                raise AssertionError(f"exited with {self.proc.returncode} first:\n"
                                     f"{self.output[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no handler, no clean-up, no rollback in the process."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        self.close()

    def finish(self, timeout: float = 300) -> tuple[int, str]:
        deadline = time.monotonic() + timeout
        while self._read(0.2) or self.proc.poll() is None:
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"did not finish; output:\n{self.output[-3000:]}")
        self.proc.wait(30)
        self.close()
        return self.proc.returncode, self.output

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def run_cli(args: list[str], env: dict[str, str], timeout: float = 300) -> tuple[int, str]:
    """Run the CLI to the end (no terminal): exit status and output."""
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "registry", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=timeout)
    return done.returncode, done.stdout + done.stderr


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order: two snapshots are equal exactly when
    the data is (sequences aside)."""
    from registry.extensions import db

    out = {}
    with engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


def integrity_problems(engine) -> list[str]:
    """Database-level consistency: SQLite's integrity and foreign-key checks; on both, the
    rules the schema cannot state alone (one current plan per enterprise, filing serials
    equal to the count of numbered plans, every plan's enterprise present)."""
    problems = []
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            result = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
            if result != "ok":
                problems.append(f"integrity_check: {result}")
            problems += [f"foreign key: {tuple(r)}"
                         for r in conn.exec_driver_sql("PRAGMA foreign_key_check")]
        problems += [f"enterprise {r[0]} has {r[1]} current plans" for r in conn.execute(sa.text(
            "SELECT enterprise_id, count(*) FROM plans WHERE is_current "
            "GROUP BY enterprise_id HAVING count(*) > 1"))]
        problems += [f"plan {r[0]} without enterprise" for r in conn.execute(sa.text(
            "SELECT p.id FROM plans p LEFT JOIN enterprises e ON e.id = p.enterprise_id "
            "WHERE e.id IS NULL"))]
    return problems


# A throwaway PostgreSQL cluster --------------------------------------------------------

def _pg_bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster of our own in a temporary directory, on a free port, owned by
    ``postgres`` when the tests run as root (``initdb`` refuses root). Never the shared
    server on 5432."""

    def __init__(self, bindir: Path, directory: Path):
        self.bindir, self.dir = bindir, directory
        self.data, self.log = directory / "data", directory / "server.log"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bindir / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=check)

    def init(self) -> None:
        if self.as_postgres:
            shutil.chown(self.dir, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories="
                   f"{self.dir} -c fsync=off -c max_connections=60")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-m", mode, "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        self._run("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-c",
                  f"CREATE DATABASE {name}")
        return self.url(name)


@pytest.fixture
def pg_cluster():
    bindir = _pg_bindir()
    require("PostgreSQL server binaries (initdb, pg_ctl)", bindir is not None,
            "apt-get install postgresql")
    import tempfile

    # Not tmp_path: that is private to root, and the server runs as postgres.
    directory = Path(tempfile.mkdtemp(prefix="registry-pg-"))
    directory.chmod(0o755)
    cluster = Cluster(bindir, directory)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster._run("pg_ctl", "-D", str(cluster.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(directory, ignore_errors=True)
