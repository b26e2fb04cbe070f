"""A real SMTP server (aiosmtpd on 127.0.0.1, a free port) and plans on the review clock."""
from __future__ import annotations

import email
import socket
from email import policy

import pytest

from tests.conftest import enterprise_payload, plan_payload

TODAY = "2026-06-15"  # PINNED_TODAY


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """aiosmtpd handler: keeps every message; refuses the addresses in ``refuse``."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse: set[str] = set()
        self.raw_subjects: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), msg))
        wire = email.message_from_bytes(raw, policy=policy.compat32)
        for rcpt in envelope.rcpt_tos:
            self.raw_subjects[rcpt] = str(wire["Subject"])
        return "250 Message accepted for delivery"

    def to(self, address: str):
        return [m for rcpts, m in self.messages if address in rcpts]

    def recipients(self) -> list[str]:
        return sorted(r for rcpts, _m in self.messages for r in rcpts)


@pytest.fixture
def smtp(app):
    from aiosmtpd.controller import Controller

    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT_SECONDS=10)
    recorder.port = port
    yield recorder
    controller.stop()


def file_plan(admin_api, n: int, signed_on: str, county: str = "411081", **enterprise) -> dict:
    """An enterprise with a current plan signed on ``signed_on`` (review due 3 years on)."""
    e = admin_api.post("/enterprises", json=enterprise_payload(n, county=county, **enterprise))
    assert e.status_code == 201, e.json
    p = admin_api.post("/plans", json=plan_payload(e.json["id"], signed_on=signed_on,
                                                   filed_on=signed_on))
    assert p.status_code == 201, p.json
    return p.json


def run(app, today: str = TODAY, **kw):
    from datetime import date

    from registry.reminders.service import run_reminders

    with app.app_context():
        return run_reminders(date.fromisoformat(today), **kw)


def outbox(app, **where):
    import sqlalchemy as sa

    from registry.extensions import db
    from registry.models import Reminder

    with app.app_context():
        stmt = sa.select(Reminder).order_by(Reminder.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(Reminder, key) == value)
        rows = db.session.scalars(stmt).all()
        db.session.expunge_all()
        return rows


def set_user(app, user_id: int, **values):
    from registry.extensions import db
    from registry.models import User

    with app.app_context():
        user = db.session.get(User, user_id)
        for k, v in values.items():
            setattr(user, k, v)
        db.session.commit()


@pytest.fixture(autouse=True)
def _plan_reminders_only(request, monkeypatch):
    """The delivery, concurrency and web tests count plan reminders; their enterprises never
    drilled, so drill reminders would join in. They are switched off there (also for CLI
    subprocesses, through the environment); test_area_sources.py tests them."""
    if (request.module.__name__.endswith(("test_area_sources", "test_digest"))
            or "app" not in request.fixturenames):
        return
    app = request.getfixturevalue("app")
    monkeypatch.setitem(app.config, "REMINDERS_DRILL_DAYS_BEFORE", "off")
    monkeypatch.setitem(app.config, "REMINDERS_DRILL_OVERDUE_EVERY_DAYS", 0)
    monkeypatch.setenv("REMINDERS_DRILL_DAYS_BEFORE", "off")
    monkeypatch.setenv("REMINDERS_DRILL_OVERDUE_EVERY_DAYS", "0")


@pytest.fixture
def single_mails(app, monkeypatch):
    """Single mails as the default (REMINDERS_DELIVERY_DEFAULT=single, also for CLI
    subprocesses): for the tests of one rule's own mail and of per-mail exactly-once."""
    monkeypatch.setitem(app.config, "REMINDERS_DELIVERY_DEFAULT", "single")
    monkeypatch.setenv("REMINDERS_DELIVERY_DEFAULT", "single")
