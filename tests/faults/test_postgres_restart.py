"""PostgreSQL stopped and restarted under a serving app: the app (gunicorn, 2 workers, in a
subprocess) answers 503 with a clean page / JSON error while the database is away — no
traceback, no hang — and serves again as soon as it is back, without being restarted.

The cluster is the test's own (``pg_cluster``), never the shared server on 5432."""
from __future__ import annotations

import re
import subprocess
import sys
import threading
import time

import pytest
import requests

from tests.conftest import enterprise_payload
from tests.faults.conftest import ROOT, free_port, run_cli

BOUND = 15.0  # seconds: no request may take longer, database or not
PASSWORD = "correct-horse-battery"


class App:
    """The app under gunicorn; a logged-in web session and an API token."""

    def __init__(self, database_url: str, log_path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        env = _env(database_url)
        self._log = log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{self.port}",
             "--timeout", "60", "--graceful-timeout", "5", "registry:create_app()"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self._log)
        self.web = requests.Session()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log()
            try:  # the workers import the app on their first request: that can be slow
                if requests.get(self.base + "/login", timeout=30).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not come up:\n{self.log()}")

    def login(self, username: str) -> None:
        page = self.web.get(self.base + "/login", timeout=BOUND).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        r = self.web.post(self.base + "/login", data={"username": username, "password": PASSWORD,
                                                      "csrf_token": token}, timeout=BOUND)
        assert r.status_code == 200 and "/login" not in r.url, r.text[:500]

    def api(self, method: str, path: str, token: str, **kw):
        return requests.request(method, self.base + "/api/v1" + path, timeout=BOUND,
                                headers={"Authorization": f"Bearer {token}"}, **kw)

    def page(self, path: str):
        return self.web.get(self.base + path, timeout=BOUND, allow_redirects=False)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(30)
        self._log.close()


def _env(database_url: str) -> dict[str, str]:
    import os

    return dict(os.environ, REGISTRY_ENV="production", DATABASE_URL=database_url,
                SECRET_KEY="restart-test-secret", SESSION_COOKIE_SECURE="0",
                SCHEDULER_ENABLED="0", DATABASE_CONNECT_TIMEOUT_SECONDS="5")


class Prober(threading.Thread):
    """Requests the API list and a logged-in web page in turn until stopped, recording
    (phase, what, status or error, seconds); a request begun in one phase and answered in
    the next counts as "between phases" (a 503 from a request begun just before the stop
    is right, not a failure of the "up" phase)."""

    def __init__(self, app: App, token: str):
        super().__init__(daemon=True)
        self.app, self.token = app, token
        self.phase, self.results, self.stopping = "up", [], threading.Event()

    def run(self):
        while not self.stopping.is_set():
            for what in ("api", "web"):
                phase, started = self.phase, time.monotonic()
                try:
                    r = (self.app.api("GET", "/enterprises", self.token) if what == "api"
                         else self.app.page("/enterprises"))
                    outcome = r.status_code
                except requests.RequestException as exc:
                    outcome = type(exc).__name__
                if self.phase != phase:  # in flight while the phase changed: either is right
                    phase = "between phases"
                self.results.append((phase, what, outcome, time.monotonic() - started))
            time.sleep(0.05)


def _assert_clean_503(r, json_api: bool) -> None:
    assert r.status_code == 503, (r.status_code, r.text[:500])
    assert r.headers["Retry-After"] == "30"
    assert "Traceback" not in r.text and "psycopg" not in r.text
    if json_api:
        assert r.headers["Content-Type"].startswith("application/json")
        assert r.json()["error"]["code"] == "database_unavailable"
    else:
        assert r.headers["Content-Type"].startswith("text/html")
        assert "数据库暂时无法连接" in r.text


def test_app_fails_cleanly_while_postgres_is_away_and_recovers_without_restart(
        pg_cluster, tmp_path):
    url = pg_cluster.create_database("registry")
    env = _env(url)
    for args in (["db", "upgrade"],
                 ["create-user", "chief", "--role", "admin", "--password", PASSWORD]):
        status, output = run_cli(args, env)
        assert status == 0, output
    status, output = run_cli(["create-token", "chief"], env)
    assert status == 0, output
    token = output.strip().splitlines()[-1]

    app = App(url, tmp_path / "gunicorn.log")
    try:
        app.wait_ready()
        app.login("chief")
        assert app.api("POST", "/enterprises", token, json=enterprise_payload(1)).status_code == 201
        prober = Prober(app, token)
        prober.start()
        time.sleep(1)

        prober.phase = "stopped"
        pg_cluster.stop("fast")
        for _ in range(4):  # both workers, both kinds of answer, a write
            _assert_clean_503(app.api("GET", "/enterprises", token), json_api=True)
            _assert_clean_503(app.page("/enterprises"), json_api=False)
            _assert_clean_503(app.api("POST", "/enterprises", token,
                                      json=enterprise_payload(2)), json_api=True)
        time.sleep(1)

        pg_cluster.start()
        prober.phase = "back"
        for _ in range(4):  # at once: the pools replace their dead connections
            assert app.api("GET", "/enterprises", token).json()["total"] == 1  # 503'd POST: nothing
            assert app.page("/enterprises").status_code == 200
        time.sleep(1)

        prober.phase = "restart"  # a restart while requests keep coming
        pg_cluster.stop("fast")
        pg_cluster.start()
        prober.phase = "after-restart"
        time.sleep(1)
        prober.stopping.set()
        prober.join(2 * BOUND)

        assert app.api("POST", "/enterprises", token, json=enterprise_payload(2)).status_code == 201
        assert app.api("GET", "/enterprises", token).json()["total"] == 2
    finally:
        app.stop()

    results = prober.results
    assert all(outcome in (200, 503) for _p, _w, outcome, _s in results), results
    assert max(seconds for *_rest, seconds in results) < BOUND
    by_phase = {phase: {o for p, _w, o, _s in results if p == phase} for phase in
                ("up", "stopped", "back", "after-restart")}
    assert by_phase["up"] == {200} and 503 in by_phase["stopped"]
    assert by_phase["back"] == {200} and by_phase["after-restart"] == {200}
    log = app.log()
    assert "Traceback" not in log, log[-3000:]
    assert "database unavailable (GET /api/v1/enterprises)" in log
    # The same two workers served throughout: none crashed and was replaced.
    assert log.count("Booting worker") == 2, log[-3000:]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
