"""Demo reminders: after the demo data is loaded, one reminder run as of the demo's today,
so the outbox (and, with no MAIL_SERVER, instance/outbox/*.eml) shows real reminders."""
from __future__ import annotations

from datetime import date

from flask import current_app

from registry.reminders import service


def load_reminders_demo(today: date) -> str:
    """Run the reminders once — only into the file outbox, never to a real server (the
    demo addresses are fictitious). Every account keeps the default: one digest per run
    (issue #16 §1), so each demo recipient gets one mail."""
    if current_app.config.get("MAIL_SERVER"):
        return "not run (MAIL_SERVER is set; demo addresses are fictitious)"
    return service.run_reminders(today).line()
