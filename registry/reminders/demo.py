"""Demo reminders: after the demo data is loaded, one reminder run as of the demo's today,
so the outbox (and, with no MAIL_SERVER, instance/outbox/*.eml) shows real reminders."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app

from registry.extensions import db
from registry.models import User
from registry.reminders import service


def load_reminders_demo(today: date) -> str:
    """The Yuzhou demo officer takes the daily digest; then run the reminders once —
    only into the file outbox, never to a real server (the demo addresses are fictitious)."""
    officer = db.session.scalar(sa.select(User).where(User.username == "yuzhou_officer"))
    if officer is not None:
        service.set_digest(officer, True)
    if current_app.config.get("MAIL_SERVER"):
        return "not run (MAIL_SERVER is set; demo addresses are fictitious)"
    return service.run_reminders(today).line()
