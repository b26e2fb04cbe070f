"""Benchmark: the reminder sweep vs a naive loop over ORM objects (issue #4).

    .venv/bin/python bench/reminders.py [--sizes 1000,10000,100000] [--database-url URL]

For each size it builds a fresh database (SQLite file in a temp dir by default) with that many
enterprises and current plans — signing dates spread over the last 3.3 years, so about a tenth
are overdue and a few per cent due within 90 days — then times, as of one day:

* sweep: ``registry.reminders.service.collect_due`` — the indexed candidate query
  (is_current, review_due_on), the pure rule per candidate row, one query for what is
  already recorded;
* naive: load every current plan as an ORM object (with its enterprise), apply the same
  rule in Python, and ask the outbox about each due plan (one query each).

Both must find the same reminders; the table gives the times and the ratio.
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

    from registry.extensions import db
    from registry.models import Enterprise, Plan
    from registry.models.base import utcnow

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
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(sa.insert(Enterprise.__table__), enterprises)
        conn.execute(sa.insert(Plan.__table__), plans)
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE")


def sweep(app):
    from registry.extensions import db
    from registry.reminders.service import collect_due

    with app.app_context():
        found = collect_due(TODAY)
        keys = {(s.id, d.milestone) for _src, s, d in found}
        db.session.remove()
    return keys


def naive(app):
    import sqlalchemy as sa

    from registry.extensions import db
    from registry.models import Plan, Reminder
    from registry.reminders.plan_source import schedule

    with app.app_context():
        sched = schedule(app.config)
        keys = set()
        for plan in db.session.scalars(sa.select(Plan).where(Plan.is_current.is_(True))).unique():
            latest = sched.latest(plan.review_due_on, TODAY)
            if latest is None or not plan.enterprise:
                continue
            recorded = db.session.scalar(sa.select(Reminder.id).where(
                Reminder.rule == "plan_review", Reminder.subject_id == plan.id,
                Reminder.milestone == latest[0]).limit(1))
            if recorded is None:
                keys.add((plan.id, latest[0]))
        db.session.remove()
    return keys


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
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL URL of a scratch database (its schema is dropped!)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print("| plans | due found | sweep (s) | naive ORM loop (s) | naive / sweep |")
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            app = fresh_app(args.database_url, Path(tmp), n)
            build(app, n)
            t_sweep, found = timed(sweep, app, 3)
            t_naive, expected = timed(naive, app, 1)
            if found != expected:
                sys.exit(f"sweep and naive loop disagree at {n} plans")
            print(f"| {n:,} | {len(found):,} | {t_sweep:.3f} | {t_naive:.3f} | "
                  f"{t_naive / t_sweep:.0f}× |", flush=True)
            with app.app_context():
                from registry.extensions import db

                db.engine.dispose()


if __name__ == "__main__":
    main()
