"""Load benchmark: the app under gunicorn on PostgreSQL, driven by wrk from a second process.

    .venv/bin/python bench/load.py                       # 64 connections, 60 s each, 3 runs
    .venv/bin/python bench/load.py --duration 10 --runs 1   # quick (make hardening)

It creates a scratch database (``--database-url``, default
postgresql://postgres@127.0.0.1:5432/bench_load — dropped and created again), migrates it,
loads the demo data (527 enterprises and plans) and an administrator, starts gunicorn with
``--workers`` sync workers on a free port on 127.0.0.1, logs in, and runs wrk against:

* ``floor``        GET /healthz — answers without touching anything: the app's ceiling;
* ``healthz/db``   GET /healthz/db — one ``SELECT 1``;
* ``list (web)``   GET /enterprises — the enterprise list page, logged in (session cookie);
* ``list (API)``   GET /api/v1/enterprises — the same list as JSON (bearer token), which
  a worker keeps while the data stand still (registry/data_version.py);
* ``list (API, no cache)`` the same with ``Cache-Control: no-cache``: built afresh each time;
* ``map data``     GET /api/v1/map/enterprises.geojson — every enterprise as GeoJSON;
* ``filing mix``   bench/wrk/filing_mix.lua — plan list, search, new enterprise, plan filing.

The endpoints take turns within each run (each starting on idle workers), so the machine's
noise hits them alike; the table
gives medians over the runs. ``ratio`` is requests/s over the floor's in the same run
(target ≥ 0.3 for the list); the ratio to ``healthz/db`` (one database round trip) is
given too. ``non-2xx/3xx`` and ``socket errors`` are totals; any of them
makes the exit status 1. ``app CPU`` and ``database CPU`` are the CPU the gunicorn workers
and the PostgreSQL server processes spent per request during the run (from /proc): where
a request's cost goes. After the runs the filed plans are checked: serials gapless.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK_DIR = Path(__file__).resolve().parent / "wrk"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_load"
PASSWORD = "bench-load-password"
CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of process ``pid`` so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _pids(marker: str, exclude: int | None = None) -> list[int]:
    """Processes whose command line contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != exclude:
            try:
                if marker in (entry / "cmdline").read_bytes().decode(errors="ignore"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


class CpuMeter:
    """CPU spent during a run by the gunicorn workers and by the PostgreSQL server
    processes (read from /proc; Linux), to divide by the requests served: where each
    request's cost goes, which the ratio alone does not say."""

    def __init__(self, server: Server):
        self.server = server

    def _now(self) -> tuple[float, float]:
        workers = _pids("gunicorn", exclude=self.server.proc.pid)
        return (sum(map(_cpu_seconds, workers)),
                sum(map(_cpu_seconds, _pids("postgres: "))))

    def __enter__(self):
        self.start = self._now()
        return self

    def __exit__(self, *_exc):
        end = self._now()
        self.app, self.database = end[0] - self.start[0], end[1] - self.start[1]


def flask(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "registry", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def scratch_database(url: str) -> None:
    """Drop and create the database named in ``url`` (connecting to ``postgres``)."""
    import sqlalchemy as sa

    from config import normalise_database_url

    base, _, name = url.rpartition("/")
    if not re.fullmatch(r"bench_load\w*", name):
        sys.exit(f"refusing to drop {name!r}: the scratch database name must start bench_load")
    engine = sa.create_engine(normalise_database_url(f"{base}/postgres"),
                              isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


class Server:
    """gunicorn with ``workers`` sync workers; a logged-in session cookie and an API token."""

    def __init__(self, env: dict[str, str], workers: int, log: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
             "--timeout", "120", "--log-level", "warning", "registry:create_app()"],
            cwd=ROOT, env=env, stdout=self._log, stderr=self._log)

    def wait_ready(self) -> None:
        import requests

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                sys.exit("gunicorn exited; see its log")
            try:
                if requests.get(self.base + "/healthz/db", timeout=30).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.3)
        sys.exit("gunicorn did not answer within 120 s")

    def drain(self) -> None:
        """Wait until the workers are idle: when wrk stops, the requests already queued on
        the listening socket are still served, and would eat into the next endpoint's
        time. Idle = three /healthz answers in a row, each within 50 ms."""
        import requests

        quick, deadline = 0, time.monotonic() + 300
        while quick < 3 and time.monotonic() < deadline:
            started = time.monotonic()
            requests.get(self.base + "/healthz", timeout=300)
            quick = quick + 1 if time.monotonic() - started < 0.05 else 0

    def session_cookie(self, username: str) -> str:
        import requests

        web = requests.Session()
        page = web.get(self.base + "/login", timeout=30).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        r = web.post(self.base + "/login", timeout=30,
                     data={"username": username, "password": PASSWORD, "csrf_token": token})
        if "/login" in r.url:
            sys.exit("could not log in to the benchmark server")
        return "; ".join(f"{c.name}={c.value}" for c in web.cookies)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)  # quick shutdown: do not serve a backlog
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(30)
        self._log.close()


def endpoints(cookie: str, token: str) -> list[tuple[str, str, list[str], str]]:
    """(name, path, wrk -H headers, script)."""
    bearer = [f"Authorization: Bearer {token}"]
    get = str(WRK_DIR / "get.lua")
    return [("floor /healthz", "/healthz", [], get),
            ("healthz/db", "/healthz/db", [], get),
            ("list (web)", "/enterprises", [f"Cookie: {cookie}"], get),
            ("list (API)", "/api/v1/enterprises", bearer, get),
            ("list (API, no cache)", "/api/v1/enterprises", bearer + ["Cache-Control: no-cache"], get),
            ("map data", "/api/v1/map/enterprises.geojson", bearer, get),
            ("filing mix", "/", [], str(WRK_DIR / "filing_mix.lua"))]


def run_wrk(wrk: str, base: str, path: str, headers: list[str], script: str, args,
            extra_env: dict[str, str]) -> dict:
    command = [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
               "--timeout", "30s", "--latency", "-s", script]
    for header in headers:
        command += ["-H", header]
    done = subprocess.run(command + [base + path], capture_output=True, text=True,
                          env=dict(os.environ, **extra_env))
    line = next((out for out in done.stdout.splitlines() if out.startswith("@@LOAD ")), None)
    if done.returncode or line is None:
        sys.exit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    result = json.loads(line[len("@@LOAD "):])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["socket"] = result["connect"] + result["read"] + result["write"] + result["timeout"]
    return result


def check_filings(env: dict[str, str]) -> str:
    """Every filing serial of the run, per county and year, is 1..n without a gap."""
    import sqlalchemy as sa

    from config import normalise_database_url

    engine = sa.create_engine(normalise_database_url(env["DATABASE_URL"]))
    with engine.connect() as conn:
        numbers = conn.execute(sa.text("SELECT filing_number FROM plans "
                                       "WHERE filing_number LIKE '%-2026-%'")).scalars().all()
        last = dict(conn.execute(sa.text(
            "SELECT county_code, last_serial FROM filing_serials WHERE year = 2026")).all())
    engine.dispose()
    serials: dict[str, list[int]] = {}
    for number in numbers:
        county, _year, serial, _letter = number.split("-")
        serials.setdefault(county, []).append(int(serial))
    gaps = {c: s for c, s in serials.items()
            if sorted(s) != list(range(1, len(s) + 1)) or last.get(c) != len(s)}
    if gaps:
        return f"FILING SERIALS BROKEN in {sorted(gaps)}"
    return f"{len(numbers)} plans filed in 2026: serials 1..n in every county, no gap"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds per endpoint and run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--only", metavar="NAMES",
                        help="comma-separated endpoints to run besides the floor and healthz/db, "
                             "by the start of their name (e.g. 'list (API)')")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    sys.path.insert(0, str(ROOT))

    env = dict(os.environ, REGISTRY_ENV="production", DATABASE_URL=args.database_url,
               SECRET_KEY="bench-load-secret", SESSION_COOKIE_SECURE="0", SCHEDULER_ENABLED="0",
               LOGIN_MAX_FAILURES="1000")
    scratch_database(args.database_url)
    flask(["db", "upgrade"], env)
    flask(["load-demo"], env)
    flask(["create-user", "bench", "--role", "admin", "--password", PASSWORD], env)
    token = flask(["create-token", "bench"], env).strip().splitlines()[-1]

    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-load-gunicorn-{os.getpid()}.log"
    server = Server(env, args.workers, log)
    rows: dict[str, list[dict]] = {}
    try:
        server.wait_ready()
        targets = endpoints(server.session_cookie("bench"), token)
        if args.only:
            wanted = [w.strip() for w in args.only.split(",")]
            targets = [t for t in targets if t[0] in ("floor /healthz", "healthz/db")
                       or any(t[0].startswith(w) for w in wanted)]
        for _name, path, headers, script in targets:  # warm every worker's caches
            quick = argparse.Namespace(**{**vars(args), "duration": 2})
            server.drain()
            run_wrk(wrk, server.base, path, headers, script, quick,
                    {"LOAD_TOKEN": token, "LOAD_NONCE": CHARS[-1]})
        for run in range(args.runs):
            for name, path, headers, script in targets:
                server.drain()
                with CpuMeter(server) as cpu:
                    result = run_wrk(wrk, server.base, path, headers, script, args,
                                     {"LOAD_TOKEN": token, "LOAD_NONCE": CHARS[run % 30]})
                result["app_ms"] = 1000 * cpu.app / max(result["requests"], 1)
                result["db_ms"] = 1000 * cpu.database / max(result["requests"], 1)
                rows.setdefault(name, []).append(result)
                print(f"run {run + 1}/{args.runs} {name:<15} {result['rps']:8.1f} req/s",
                      file=sys.stderr, flush=True)
    finally:
        server.stop()
    print(table(rows, args))
    filings = check_filings(env)
    print(filings)
    failures = sum(r["status"] + r["socket"] for results in rows.values() for r in results)
    if failures:
        print(f"FAILED: {failures} error answers or socket errors; gunicorn log: {log}")
    return 1 if failures or "BROKEN" in filings else 0


def table(rows: dict[str, list[dict]], args) -> str:
    floor, db_floor = rows["floor /healthz"], rows["healthz/db"]
    med = statistics.median
    lines = [f"gunicorn {args.workers} sync workers, PostgreSQL; wrk {args.threads} threads, "
             f"{args.connections} connections, {args.duration} s per endpoint, "
             f"median of {args.runs} run(s)", "",
             "| endpoint | requests/s | ratio to floor | ratio to healthz/db | p50 ms | p99 ms "
             "| app CPU ms/req | database CPU ms/req | non-2xx/3xx | socket errors |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, results in rows.items():
        ratio = med(r["rps"] / f["rps"] for r, f in zip(results, floor))
        db_ratio = med(r["rps"] / f["rps"] for r, f in zip(results, db_floor))
        lines.append(f"| {name} | {med(r['rps'] for r in results):,.1f} | {ratio:.2f} | "
                     f"{db_ratio:.2f} | "
                     f"{med(r['p50'] for r in results) / 1000:.1f} | "
                     f"{med(r['p99'] for r in results) / 1000:.1f} | "
                     f"{med(r['app_ms'] for r in results):.2f} | "
                     f"{med(r['db_ms'] for r in results):.2f} | "
                     f"{sum(r['status'] for r in results)} | {sum(r['socket'] for r in results)} |")
    mix = rows.get("filing mix")
    if mix:
        lines.append("")
        lines.append(f"filing mix: {sum(r.get('created', 0) for r in mix)} enterprises created, "
                     f"{sum(r.get('filed', 0) for r in mix)} plans filed")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
