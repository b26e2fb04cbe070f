"""APScheduler 3.x wiring. Jobs are module-level functions listed in ``JOBS`` that open
their own app context; ``make run`` runs the scheduler in the dev server
(SCHEDULER_ENABLED=1), production runs ``flask --app registry scheduler``.

Only one scheduler is active per database: a process runs its jobs only while it holds the
``scheduler`` lease (registry/lease.py: a PostgreSQL advisory lock, a lease row on SQLite).
Others stand by, polling, and take over when the holder stops or dies.

Each daily run is recorded in ``job_runs`` (started, finished). The active scheduler looks
at every poll for a daily job whose time has passed today without a finished run — the
holder died mid-run, or nothing ran during downtime — and runs it once more at once
(issue #17.8). The reminders' run is exactly-once, so running it again only sends what the
interrupted run did not; the mails the dead run had claimed wait for their claim to lapse
(``REMINDERS_CLAIM_SECONDS``) and go at the next run.
"""
from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

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


# How long after a daily job's time a missing run counts as missed (its own trigger has
# long started it by then).
CATCH_UP_AFTER = timedelta(minutes=2)


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@contextlib.contextmanager
def recorded_run(job_id: str, day: date) -> Iterator[dict]:
    """Record a run of ``job_id`` for ``day``: a row on start, ``finished_at`` when the body
    ends well (the body may set ``outcome["text"]``, and ``outcome["finished"] = False``
    when it did nothing, e.g. another run held the lock). Commits on its own session."""
    from registry.extensions import db
    from registry.models import JobRun

    row = JobRun(job=job_id, run_for=day, holder=_holder())
    db.session.add(row)
    db.session.flush()
    run_id, outcome = row.id, {"finished": True, "text": None}  # read before the commit:
    db.session.commit()  # after it, reading would open a (SQLite: write-locking) transaction
    try:
        yield outcome
    except BaseException as exc:
        db.session.rollback()
        db.session.execute(db.update(JobRun).where(JobRun.id == run_id).values(
            outcome=f"failed: {exc}"[:300]))
        db.session.commit()
        raise
    values = {"outcome": (outcome["text"] or "")[:300] or None}
    if outcome["finished"]:
        values["finished_at"] = utcnow()
    db.session.execute(db.update(JobRun).where(JobRun.id == run_id).values(**values))
    db.session.commit()


def missed_jobs(app: Flask, now: datetime | None = None) -> list[tuple[str, str, date]]:
    """The daily jobs whose time today (TIMEZONE) has passed without a finished run, and
    none started in the last ``SCHEDULER_LEASE_SECONDS`` (it may still be running): (job
    id, target, day)."""
    from registry.extensions import db
    from registry.models import JobRun

    config = app.config
    local = (now or datetime.now(UTC)).astimezone(ZoneInfo(config["TIMEZONE"]))
    recent = utcnow() - timedelta(seconds=config["SCHEDULER_LEASE_SECONDS"])
    found = []
    with app.app_context():
        for job_id, target, cron in JOBS:
            fields = cron(config) if callable(cron) else cron
            if set(fields) != {"hour", "minute"}:
                continue  # not a daily job
            due = local.replace(hour=fields["hour"], minute=fields["minute"], second=0,
                                microsecond=0)
            if local < due + CATCH_UP_AFTER:
                continue  # today's run is not due yet (or its own trigger is starting it)
            day = local.date()
            runs = db.session.execute(db.select(JobRun.finished_at, JobRun.started_at).where(
                JobRun.job == job_id, JobRun.run_for == day)).all()
            if any(r.finished_at for r in runs) or any(r.started_at > recent for r in runs):
                continue
            found.append((job_id, target, day))
        db.session.remove()
    return found


class SchedulerRunner:
    """Runs the jobs while this process holds the scheduler lease; stands by otherwise.
    ``step()`` takes or renews the lease and starts or stops the scheduler to match."""

    def __init__(self, app: Flask, scheduler_cls=BackgroundScheduler, clock=utcnow,
                 report: Callable[[str], None] | None = None,
                 now: Callable[[], datetime] | None = None):
        from registry.extensions import db

        self.app, self.scheduler_cls = app, scheduler_cls
        with app.app_context():
            engine = db.engine
        self.lease = DbLease(engine, "scheduler", app.config["SCHEDULER_LEASE_SECONDS"],
                             clock=clock)
        self.scheduler = None
        self.report = report or app.logger.info
        self.now = now  # the wall clock the catch-up judges "today's time has passed" by

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
        if held:
            self.catch_up()
        return held

    def catch_up(self) -> None:
        """Run at once, once, each daily job that should have finished today and did not."""
        try:
            missed = missed_jobs(self.app, self.now() if self.now else None)
        except Exception:  # noqa: BLE001 - database unreachable: try again next poll
            self.app.logger.exception("scheduler catch-up check failed")
            return
        now = datetime.now(UTC)
        for job_id, _target, day in missed:
            # The daily job itself is brought forward (not a one-off "date" job: APScheduler
            # removes a spent one-off job after running it, which raises in its thread when
            # the scheduler is being shut down at that moment). Its max_instances=1 keeps
            # the catch-up from ever running beside the job's own run.
            job = self.scheduler.get_job(job_id)
            if job is None or (job.next_run_time is not None and job.next_run_time <= now):
                continue  # already brought forward, about to run
            job.modify(next_run_time=now)
            self.report(f"scheduler: {job_id} for {day} did not finish; running it now")

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
