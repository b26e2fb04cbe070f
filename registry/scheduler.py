"""APScheduler 3.x wiring. Jobs are module-level functions listed in ``JOBS`` that open
their own app context; ``make run`` runs the scheduler in the dev server
(SCHEDULER_ENABLED=1), production runs ``flask --app registry scheduler``.

Only one scheduler is active per database: a process runs its jobs only while it holds the
``scheduler`` lease (registry/lease.py: a PostgreSQL advisory lock, a lease row on SQLite).
Others stand by, polling, and take over when the holder stops or dies.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from registry.lease import DbLease
from registry.models.base import utcnow


def daily_at(setting: str) -> Callable[[Mapping], dict]:
    """Cron fields for a daily job at the ``HH:MM`` named by ``setting`` (in TIMEZONE)."""
    def cron(config: Mapping) -> dict:
        raw = str(config[setting])
        try:
            hour, minute = (int(part) for part in raw.split(":"))
            if not (0 <= hour < 24 and 0 <= minute < 60):
                raise ValueError
        except ValueError:
            raise ValueError(f"{setting}={raw!r}: expected a time HH:MM, e.g. 08:00") from None
        return {"hour": hour, "minute": minute}
    return cron


# (job id, "module:function", cron fields or config -> cron fields) — areas add their jobs here.
JOBS: list[tuple[str, str, dict | Callable[[Mapping], dict]]] = [
    ("reminders-daily", "registry.reminders.jobs:run_daily", daily_at("REMINDERS_RUN_AT")),
]

_APP: Flask | None = None


def job_app() -> Flask:
    """The app a job runs in: the one the scheduler was built for, else a new one."""
    if _APP is not None:
        return _APP
    from registry import create_app

    return create_app()


def build(app: Flask, scheduler_cls=BackgroundScheduler):
    global _APP
    _APP = app
    grace = app.config.get("SCHEDULER_MISFIRE_GRACE_HOURS", 6) * 3600
    scheduler = scheduler_cls(timezone=app.config["TIMEZONE"],
                              job_defaults={"coalesce": True, "max_instances": 1,
                                            "misfire_grace_time": grace})
    for job_id, target, cron in JOBS:
        fields = cron(app.config) if callable(cron) else cron
        scheduler.add_job(target, "cron", id=job_id, replace_existing=True, **fields)
    return scheduler


class SchedulerRunner:
    """Runs the jobs while this process holds the scheduler lease; stands by otherwise.
    ``step()`` takes or renews the lease and starts or stops the scheduler to match."""

    def __init__(self, app: Flask, scheduler_cls=BackgroundScheduler, clock=utcnow,
                 report: Callable[[str], None] | None = None):
        from registry.extensions import db

        self.app, self.scheduler_cls = app, scheduler_cls
        with app.app_context():
            engine = db.engine
        self.lease = DbLease(engine, "scheduler", app.config["SCHEDULER_LEASE_SECONDS"],
                             clock=clock)
        self.scheduler = None
        self.report = report or app.logger.info

    @property
    def active(self) -> bool:
        return self.scheduler is not None

    def step(self) -> bool:
        try:
            held = self.lease.try_acquire()
        except Exception:  # noqa: BLE001 - database unreachable: stand by, retry next poll
            self.app.logger.exception("scheduler lease check failed")
            held = False
        if held and self.scheduler is None:
            self.scheduler = build(self.app, self.scheduler_cls)
            self.scheduler.start()
            self.report(f"scheduler: active ({self.lease.holder})")
        elif not held and self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
            self.report("scheduler: lease lost; standing by")
        return held

    def run(self, stop: threading.Event) -> None:
        """Poll until ``stop`` is set, then hand over (release the lease)."""
        self.report(f"scheduler: started ({self.lease.holder}); waiting for the lease")
        try:
            while not stop.is_set():
                self.step()
                stop.wait(self.app.config["SCHEDULER_POLL_SECONDS"])
        finally:
            self.stop()

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)
            self.scheduler = None
        self.lease.release()
        self.report("scheduler: stopped")


def start_in_process(app: Flask) -> None:
    import atexit
    import os

    # The reloader runs the app twice; only the serving child schedules.
    if app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return
    runner = SchedulerRunner(app)
    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop,), name="scheduler", daemon=True)
    thread.start()
    atexit.register(lambda: (stop.set(), thread.join(30)))
    app.extensions["scheduler"] = runner
