"""Benchmark: the reminder sweep vs a naive loop over ORM objects (issue #4), the preview
and the drill schedule (issue #18.3), and sending throughput (issue #18.4).

    .venv/bin/python bench/reminders.py [--sizes 1000,10000,100000] [--send-sizes 1000,10000]
                                        [--database-url URL]

For each size it builds a fresh database (SQLite file in a temp dir by default) with that many
enterprises and current plans — signing dates spread over the last 3.3 years, so about a tenth
are overdue and a few per cent due within 90 days — a drill for every third enterprise (held
in the last 500 days) with one open corrective action each, and one officer per county;
then times, as of one day:

* sweep: ``registry.reminders.service.collect_due`` — every rule: one indexed candidate
  query per rule, the pure rule per candidate row, one query for what is already recorded;
* naive: for the same rules (plan review, drill due, corrective action due), load every
  subject as an ORM object, apply the rule in Python, ask the outbox about each due one
  (one query each; the drill clock: two more queries per enterprise);
* preview: the 90-day preview, first page (``service.preview``), for an administrator;
* schedule: the drill schedule, first page (``drills.schedule.drill_schedule``).

The sweep and the naive loop must find the same reminders (the script stops otherwise).
With ``--send-sizes``, the reminders found are recorded and delivered to a local SMTP sink
(``python -m aiosmtpd``, a separate process): mails/s for single mails with one claim and
one commit per mail (``REMINDERS_SEND_BATCH=1``, the old way), single mails in batches of
100, and the default digests (one mail per recipient).
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("REGISTRY_ENV", "testing")

TODAY = date(2026, 6, 15)
COUNTIES = ["411002", "411003", "411024", "411025", "411081", "411082"]


def build(app, n: int) -> None:
    import sqlalchemy as sa

    from registry.auth.service import create_user
    from registry.extensions import db
    from registry.models import CorrectiveAction, Drill, Enterprise, Plan
    from registry.models.base import utcnow
    from registry.models.drills import drill_enterprises
    from registry.permissions import SystemActor

    rng = random.Random(n)
    now = utcnow()
    enterprises, plans = [], []
    for i in range(1, n + 1):
        county = COUNTIES[i % len(COUNTIES)]
        signed = TODAY - timedelta(days=rng.randrange(0, 1205))
        enterprises.append(dict(id=i, name=f"基准测试企业{i:06d}", credit_code=f"B{i:017d}",
                                county_code=county, address="许昌市", longitude=113.8,
                                latitude=34.0, contact_email=f"c{i}@example.com",
                                cross_region=False, is_demo=False, created_at=now, updated_at=now))
        try:
            due = signed.replace(year=signed.year + 3)
        except ValueError:
            due = signed.replace(year=signed.year + 3, day=28)
        plans.append(dict(id=i, enterprise_id=i, version=1, title="应急预案", signed_on=signed,
                          filed_on=signed, filing_number=f"{county}-{signed.year}-{i:06d}-L",
                          filing_number_irregular=False, filing_deadline=signed + timedelta(days=28),
                          deadline_approximate=False, filed_late=False, risk_level="general",
                          review_due_on=due, is_current=True, revision_required=False,
                          is_demo=False, created_at=now, updated_at=now))
    drills, links, actions = [], [], []
    for i in range(3, n + 1, 3):
        held = TODAY - timedelta(days=rng.randrange(1, 500))
        drills.append(dict(id=i, title=f"基准演练{i}", held_on=held, duration_hours=2.0,
                           county_code=COUNTIES[i % len(COUNTIES)], longitude=113.8,
                           latitude=34.0, organiser_level="enterprise", theme="environmental",
                           status="open", is_demo=False, created_at=now, updated_at=now))
        links.append(dict(drill_id=i, enterprise_id=i))
        actions.append(dict(id=i, drill_id=i, description="应急池容量不足", category="equipment",
                            owner_name="张三", due_on=TODAY + timedelta(days=rng.randrange(-60, 30)),
                            status="open", plan_needs_revision=False, is_demo=False,
                            created_at=now, updated_at=now))
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(sa.insert(Enterprise.__table__), enterprises)
        conn.execute(sa.insert(Plan.__table__), plans)
        conn.execute(sa.insert(Drill.__table__), drills)
        conn.execute(sa.insert(drill_enterprises), links)
        conn.execute(sa.insert(CorrectiveAction.__table__), actions)
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE")
    with app.app_context():
        actor = SystemActor("bench")
        create_user(actor, "bench_admin", "admin", "bench-password-1", email="admin@example.com")
        for county in COUNTIES:
            create_user(actor, f"bench_{county}", "officer", "bench-password-1", [county],
                        email=f"officer{county}@example.com")
        db.session.remove()


def sweep(app):
    from registry.extensions import db
    from registry.reminders.service import collect_due

    with app.app_context():
        found = collect_due(TODAY)
        keys = {(src.rule, s.id, d.milestone) for src, s, d in found}
        db.session.remove()
    return keys


def naive(app):
    """The same rules, the way an ORM-first loop would do it."""
    import sqlalchemy as sa

    from registry.drills import action_reminders, drill_due_reminders
    from registry.drills.rules import next_drill_due
    from registry.extensions import db
    from registry.models import CorrectiveAction, Drill, Enterprise, Plan, Reminder
    from registry.models.drills import drill_enterprises
    from registry.reminders.plan_source import schedule

    def recorded(rule, subject_id, milestone):
        return db.session.scalar(sa.select(Reminder.id).where(
            Reminder.rule == rule, Reminder.subject_id == subject_id,
            Reminder.milestone == milestone).limit(1)) is not None

    with app.app_context():
        keys = set()
        sched = schedule(app.config)
        for plan in db.session.scalars(sa.select(Plan).where(Plan.is_current.is_(True))).unique():
            latest = sched.latest(plan.review_due_on, TODAY)
            if latest is None or not plan.enterprise:
                continue
            if not recorded("plan_review", plan.id, latest[0]):
                keys.add(("plan_review", plan.id, latest[0]))
        sched = drill_due_reminders.schedule(app.config)
        for enterprise in db.session.scalars(sa.select(Enterprise)):
            plan = db.session.scalar(sa.select(Plan).where(Plan.enterprise_id == enterprise.id,
                                                           Plan.is_current.is_(True)))
            if plan is None:
                continue
            last_on = db.session.scalar(
                sa.select(sa.func.max(Drill.held_on))
                .join(drill_enterprises, drill_enterprises.c.drill_id == Drill.id)
                .where(drill_enterprises.c.enterprise_id == enterprise.id, Drill.held_on <= TODAY))
            first_on = db.session.scalar(sa.select(sa.func.min(Plan.filed_on))
                                         .where(Plan.enterprise_id == enterprise.id))
            months = int(app.config[f"DRILL_INTERVAL_MONTHS_{plan.risk_level.upper()}"])
            due = next_drill_due(last_on, first_on, months)
            latest = sched.latest(due, TODAY)
            if latest is None:
                continue
            milestone = f"{due.isoformat()}/{latest[0]}"
            if not recorded("drill_due", enterprise.id, milestone):
                keys.add(("drill_due", enterprise.id, milestone))
        sched = action_reminders.schedule(app.config)
        for action in db.session.scalars(sa.select(CorrectiveAction)):
            if action.status not in ("open", "in_progress") or action.due_on is None:
                continue
            latest = sched.latest(action.due_on, TODAY)
            if latest is not None and not recorded("action_due", action.id, latest[0]):
                keys.add(("action_due", action.id, latest[0]))
        db.session.remove()
    return keys


def preview_page(app):
    from registry.extensions import db
    from registry.permissions import SYSTEM
    from registry.reminders.service import preview

    with app.app_context():
        result = preview(SYSTEM, TODAY, 90, 1, 100)
        db.session.remove()
    return result.total


def schedule_page(app):
    from registry.drills.schedule import drill_schedule
    from registry.drills.schemas import ScheduleQuery
    from registry.extensions import db
    from registry.permissions import SYSTEM

    with app.app_context():
        _rows, total = drill_schedule(SYSTEM, ScheduleQuery(), TODAY)
        db.session.remove()
    return total


def sink():
    """A local SMTP sink in its own process (aiosmtpd's Sink handler): (process, port)."""
    import socket
    import subprocess

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-c",
                             "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"])
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, port
        time.sleep(0.1)
    proc.kill()
    sys.exit("the SMTP sink did not start")


def send(app, port: int, delivery: str, batch: int) -> tuple[int, int, float, float]:
    """Record what is due afresh and deliver it: (reminders sent, mails, seconds, CPU
    seconds of this process — what a mail costs the app, whatever else runs)."""
    import sqlalchemy as sa

    from registry.extensions import db
    from registry.models import Reminder
    from registry.reminders.service import collect_due, deliver_pending, record_due

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, REMINDERS_SEND_BATCH=batch,
                      REMINDERS_DELIVERY_DEFAULT=delivery)
    with app.app_context():
        db.session.execute(sa.delete(Reminder))
        db.session.commit()
        record_due(collect_due(TODAY))
        start, cpu = time.perf_counter(), time.process_time()
        summary = deliver_pending(today=TODAY)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        db.session.remove()
    if summary.failed:
        sys.exit(f"{summary.failed} mails failed to reach the sink")
    return summary.sent, summary.mails, elapsed, cpu


def timed(fn, app, repeat: int):
    best, result = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(app)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def fresh_app(url: str | None, workdir: Path, n: int):
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from config import normalise_database_url
    from registry import create_app
    from registry.extensions import db

    if url is None:
        uri = f"sqlite:///{workdir / f'bench-{n}.sqlite3'}"
    else:
        uri = normalise_database_url(url)
        engine = sa.create_engine(uri)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "TODAY": TODAY.isoformat()})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return app


def main() -> None:
    import logging

    logging.disable(logging.WARNING)  # alembic's per-migration INFO lines
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--send-sizes", default="1000,10000",
                        help="sizes at which to time sending too (empty: none)")
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL URL of a scratch database (its schema is dropped!)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    send_sizes = {int(s) for s in args.send_sizes.split(",") if s}
    print("| plans | due found | sweep (s) | naive ORM loop (s) | naive / sweep "
          "| preview p.1 (s) | schedule p.1 (s) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    sending = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            app = fresh_app(args.database_url, Path(tmp), n)
            build(app, n)
            t_sweep, found = timed(sweep, app, 3)
            t_naive, expected = timed(naive, app, 1)
            if found != expected:
                sys.exit(f"sweep and naive loop disagree at {n} plans: "
                         f"{len(found - expected)} only in the sweep, "
                         f"{len(expected - found)} only in the loop")
            t_preview, _total = timed(preview_page, app, 3)
            t_schedule, _total = timed(schedule_page, app, 3)
            print(f"| {n:,} | {len(found):,} | {t_sweep:.3f} | {t_naive:.3f} | "
                  f"{t_naive / t_sweep:.0f}× | {t_preview:.3f} | {t_schedule:.3f} |", flush=True)
            if n in send_sizes:
                proc, port = sink()
                try:
                    for label, delivery, batch in (("single, batch 1 (old)", "single", 1),
                                                   ("single, batch 100", "single", 100),
                                                   ("digest, batch 100", "digest", 100)):
                        sending.append((n, label, *send(app, port, delivery, batch)))
                finally:
                    proc.kill()
                    proc.wait()
            with app.app_context():
                from registry.extensions import db

                db.engine.dispose()
    if sending:
        print()
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print("| plans | delivery | reminders | mails | seconds | mails/s | app CPU ms/mail "
              "| mails per app CPU-second |")
        print("|---:|---|---:|---:|---:|---:|---:|---:|")
        for n, label, sent, mails, seconds, cpu in sending:
            print(f"| {n:,} | {label} | {sent:,} | {mails:,} | {seconds:.2f} | "
                  f"{mails / seconds:.0f} | {1000 * cpu / mails:.1f} | {mails / cpu:.0f} |")


if __name__ == "__main__":
    main()
