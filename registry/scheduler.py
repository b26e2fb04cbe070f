"""APScheduler 3.x wiring. Jobs are module-level functions listed in ``JOBS`` that open
their own app context; ``make run`` runs the scheduler in the dev server
(SCHEDULER_ENABLED=1), production runs ``flask --app registry scheduler``."""
from __future__ import annotations

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

# (job id, "module:function", cron fields) — areas add their jobs here.
JOBS: list[tuple[str, str, dict]] = []


def build(app: Flask, scheduler_cls=BackgroundScheduler):
    scheduler = scheduler_cls(timezone=app.config["TIMEZONE"],
                              job_defaults={"coalesce": True, "max_instances": 1,
                                            "misfire_grace_time": 6 * 3600})
    for job_id, target, cron in JOBS:
        scheduler.add_job(target, "cron", id=job_id, replace_existing=True, **cron)
    return scheduler


def start_in_process(app: Flask) -> None:
    import os

    # The reloader runs the app twice; only the serving child schedules.
    if app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return
    scheduler = build(app)
    scheduler.start()
    app.extensions["scheduler"] = scheduler
