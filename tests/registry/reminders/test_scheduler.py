"""The daily job at 08:00 Asia/Shanghai; one active scheduler per database; takeover."""
import os
import time
from datetime import datetime, timedelta, UTC

import pytest

from tests.registry.reminders.conftest import file_plan, outbox




def test_daily_run_fires_at_0800_shanghai_with_coalesce_and_grace(app):
    from registry.scheduler import build

    app.config["TIMEZONE"] = "Asia/Shanghai"
    scheduler = build(app)
    scheduler.start(paused=True)  # jobs get their defaults when the scheduler starts
    try:
        job = scheduler.get_job("reminders-daily")
        assert job.coalesce is True and job.misfire_grace_time == 6 * 3600
        assert job.max_instances == 1 and str(job.trigger.timezone) == "Asia/Shanghai"
    finally:
        scheduler.shutdown(wait=False)
    trigger = job.trigger
    # 07:59 in Shanghai on 16 June is 23:59 UTC on the 15th: the next run is 08:00 the 16th.
    assert trigger.get_next_fire_time(None, datetime(2026, 6, 15, 23, 59, tzinfo=UTC)) == \
        datetime(2026, 6, 16, 0, 0, tzinfo=UTC)
    # One second after 08:00 Shanghai the next run is the following day.
    assert trigger.get_next_fire_time(None, datetime(2026, 6, 16, 0, 0, 1, tzinfo=UTC)) == \
        datetime(2026, 6, 17, 0, 0, tzinfo=UTC)
    app.config["REMINDERS_RUN_AT"] = "7:30"
    assert build(app).get_job("reminders-daily").trigger.get_next_fire_time(
        None, datetime(2026, 6, 16, 0, 0, tzinfo=UTC)) == datetime(2026, 6, 16, 23, 30, tzinfo=UTC)
    app.config["REMINDERS_RUN_AT"] = "25:00"
    with pytest.raises(ValueError, match="REMINDERS_RUN_AT='25:00'"):
        build(app)


def test_job_opens_its_own_app_context_and_sends(app, smtp, admin_api):
    from registry.reminders.jobs import run_daily
    from registry.scheduler import build

    file_plan(admin_api, 1, "2023-09-13")
    build(app)  # the scheduler's app is the one jobs run in
    run_daily()  # no app context here
    assert smtp.recipients() == ["contact1@example.com"]
    assert [r.status for r in outbox(app)] == ["sent"]


def _takeover(app, first, second):
    if first.lease.postgres:
        first.lease.abandon()  # the connection dies with the process: the server unlocks
        for _ in range(100):  # the server notices the closed session asynchronously
            if second.step():
                return True
            time.sleep(0.05)
        return False
    # SQLite: the holder stops renewing; once the lease has lapsed a standby takes it.
    from registry.models.base import utcnow

    # A standby polls: under load the first one's catch-up job may hold SQLite's write lock
    # for a moment ("database is locked" is a failed poll, not a lost takeover).
    second.lease.clock = lambda: utcnow() + timedelta(seconds=app.config["SCHEDULER_LEASE_SECONDS"] + 1)
    for _ in range(100):
        if second.step():
            return True
        time.sleep(0.05)
    return False


def test_second_scheduler_stays_idle_while_the_first_holds_the_lease(app):
    from registry.scheduler import SchedulerRunner

    log = []
    first, second = SchedulerRunner(app, report=log.append), SchedulerRunner(app, report=log.append)
    try:
        assert first.step() and first.active
        assert not second.step() and not second.active
        assert first.step() and not second.step()  # renewals keep it
        first.stop()  # a clean hand-over
        assert second.step() and second.active
        assert second.scheduler.get_job("reminders-daily") is not None
    finally:
        first.stop()
        second.stop()
    assert sum("active" in line for line in log) == 2


def test_standby_takes_over_when_the_active_scheduler_dies(app):
    from registry.scheduler import SchedulerRunner

    first, second = SchedulerRunner(app), SchedulerRunner(app)
    try:
        assert first.step() and not second.step()
        assert _takeover(app, first, second)
        assert second.active
        if not first.lease.postgres:
            assert not first.step() and not first.active  # the old holder stands down
    finally:
        first.stop()
        second.stop()


def test_row_lease_of_a_dead_process_on_this_host_is_taken_over_at_once(app):
    """A killed holder cannot release its lease row; when it was a process on this host
    that no longer exists the next holder need not wait for the expiry. A live holder, one
    on another host, or an unknown holder shape keeps it until it lapses."""
    import socket
    import subprocess
    import sys

    from registry.extensions import db
    from registry.lease import DbLease

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    host = socket.gethostname()
    cases = [(f"{host}:{gone.stdout.strip()}:dead0001", True),
             (f"{host}:{os.getpid()}:alive001", False),
             (f"elsewhere:{gone.stdout.strip()}:remote01", False), ("scheduler-a", False)]
    for holder, taken in cases:
        with app.app_context():
            old = DbLease(db.engine, "takeover-test", ttl_seconds=600, holder=holder)
            old.postgres = False  # the row lease, also on PostgreSQL
            assert old.try_acquire()
            new = DbLease(db.engine, "takeover-test", ttl_seconds=600)
            new.postgres = False
            assert new.try_acquire() is taken, holder
            (new if taken else old).release()


# Catch-up (issue #17.8): a run that did not finish, or never ran, is made up at once.

SHANGHAI_0900 = datetime(2026, 6, 15, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, the pinned day
SHANGHAI_0700 = datetime(2026, 6, 14, 23, 0, tzinfo=UTC)  # 07:00 the same day


def _runs(app):
    from registry.extensions import db
    from registry.models import JobRun

    with app.app_context():
        rows = db.session.scalars(db.select(JobRun).order_by(JobRun.id)).all()
        db.session.expunge_all()
        return rows


def _wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_standby_finishes_the_run_the_dead_holder_left(app, smtp, admin_api):
    """The holder died after recording its start and sending nothing more: the standby
    that takes the lease runs the day's reminders at once, not 24 hours later."""
    from registry.extensions import db
    from registry.models import JobRun
    from registry.models.base import utcnow
    from registry.scheduler import SchedulerRunner

    app.config["TIMEZONE"] = "Asia/Shanghai"
    for n in range(3):
        file_plan(admin_api, n + 1, "2023-09-13")
    with app.app_context():  # the dead run: started ten minutes ago, never finished
        db.session.add(JobRun(job="reminders-daily", run_for=datetime(2026, 6, 15).date(),
                              started_at=utcnow() - timedelta(minutes=10), holder="dead:1"))
        db.session.commit()
    log = []
    standby = SchedulerRunner(app, report=log.append, now=lambda: SHANGHAI_0900)
    try:
        assert standby.step()
        assert any("did not finish; running it now" in line for line in log), log
        assert _wait_for(lambda: len(smtp.recipients()) == 3), smtp.recipients()
        assert _wait_for(lambda: any(r.finished_at for r in _runs(app)))
        standby.step()
        assert len(smtp.recipients()) == 3  # finished: not run again
        runs = _runs(app)
        assert [r.holder for r in runs][0] == "dead:1" and runs[-1].finished_at is not None
        assert "sent 3" in runs[-1].outcome
    finally:
        standby.stop()


def test_a_run_missed_by_downtime_is_made_up_at_start(app, smtp, admin_api):
    from registry.scheduler import SchedulerRunner

    app.config["TIMEZONE"] = "Asia/Shanghai"
    file_plan(admin_api, 1, "2023-09-13")
    runner = SchedulerRunner(app, report=lambda line: None, now=lambda: SHANGHAI_0900)
    try:
        assert runner.step()
        assert _wait_for(lambda: smtp.recipients() == ["contact1@example.com"])
        assert _wait_for(lambda: any(r.finished_at for r in _runs(app)))
    finally:
        runner.stop()


def test_nothing_is_made_up_before_the_run_time_or_after_a_finished_run(app, smtp, admin_api):
    from registry.scheduler import SchedulerRunner, missed_jobs, recorded_run

    app.config["TIMEZONE"] = "Asia/Shanghai"
    file_plan(admin_api, 1, "2023-09-13")
    assert missed_jobs(app, SHANGHAI_0700) == []  # 07:00: today's run is still ahead
    assert [j for j, _t, _d in missed_jobs(app, SHANGHAI_0900)] == ["reminders-daily"]
    with app.app_context(), recorded_run("reminders-daily", datetime(2026, 6, 15).date()):
        pass
    assert missed_jobs(app, SHANGHAI_0900) == []
    runner = SchedulerRunner(app, report=lambda line: None, now=lambda: SHANGHAI_0900)
    try:
        assert runner.step()
        time.sleep(1)
        assert smtp.recipients() == []
    finally:
        runner.stop()
