"""Scheduled jobs of the reminders area: module-level, no arguments, own app context."""
from __future__ import annotations


def run_daily() -> None:
    """The daily reminder run (08:00 Asia/Shanghai by default): everything due today."""
    from registry.clock import today
    from registry.extensions import db
    from registry.reminders.service import run_reminders
    from registry.scheduler import job_app, recorded_run

    app = job_app()
    with app.app_context():
        try:
            day = today()
            with recorded_run("reminders-daily", day) as outcome:
                summary = run_reminders(day)
                outcome["text"] = summary.line()
                outcome["finished"] = not summary.busy  # busy: the other run finishes it
            app.logger.warning("reminders: %s%s", summary.line(),
                               " (another run was in progress; nothing done)" if summary.busy else "")
        finally:
            db.session.remove()
