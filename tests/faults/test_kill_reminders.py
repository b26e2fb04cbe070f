"""SIGKILL in the middle of ``flask reminders run`` while a real SMTP server (aiosmtpd) holds
the reply to one message: after a restart every due reminder reaches its recipient, none
of the others twice, and the one in flight at the kill is sent again once its claim lapses.

Whether that one is then a duplicate depends on the server, not on us: if the server
had accepted it (the reply was lost with the process) the recipient gets it twice, with
the same Message-ID; if it had not, exactly once. Both cases are run. On SQLite and
PostgreSQL."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.faults.conftest import ROOT, cli_env, integrity_problems, run_cli
from tests.registry.reminders.conftest import TODAY, Recorder, file_plan, free_port

PLANS = 6
MAILS = 2 * PLANS  # the enterprise's contact and the county officer, per plan
HOLD_AT = 5  # the server holds its reply to the 5th message
CLAIM_SECONDS = 10  # long enough for the restart to finish inside it


class HoldingRecorder(Recorder):
    """Holds the reply to message ``hold_at`` until the test releases it. With ``accept``
    the message is already queued for delivery (kept) when the hold starts — a server that
    took it and whose 250 reply never reached the sender; without, it is dropped (451).
    aiosmtpd cancels the handler when the client goes, so nothing is decided after that."""

    def __init__(self, hold_at: int, accept: bool):
        super().__init__()
        self.hold_at, self.accept, self.seen = hold_at, accept, 0
        self.reached, self.released = threading.Event(), threading.Event()
        self.held_for: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen != self.hold_at:
            return await super().handle_DATA(server, session, envelope)
        self.held_for = list(envelope.rcpt_tos)
        reply = (await super().handle_DATA(server, session, envelope) if self.accept
                 else "451 4.3.0 try again later")
        self.reached.set()
        while not self.released.is_set():
            await asyncio.sleep(0.05)
        return reply


# The suite runs the harder case; `make hardening` (HARDENING_FULL=1) both.
CASES = ["server-accepted-it"] + (["server-refused-it"] if os.environ.get("HARDENING_FULL") else [])


@pytest.fixture(params=CASES)
def holding_smtp(request):
    from aiosmtpd.controller import Controller

    recorder = HoldingRecorder(HOLD_AT, accept=request.param == "server-accepted-it")
    recorder.port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=recorder.port)
    controller.start()
    yield recorder
    recorder.released.set()
    controller.stop()


def _rows(app):
    from registry.extensions import db
    from registry.models import Reminder

    with app.app_context():
        db.session.remove()
        rows = db.session.scalars(sa.select(Reminder).order_by(Reminder.id)).all()
        db.session.expunge_all()
        return rows


def test_reminder_run_killed_midway_sends_each_reminder_after_restart(
        app, database_url, tmp_path, admin_api, accounts, holding_smtp):
    from registry.extensions import db
    from registry.models.base import utcnow

    smtp = holding_smtp
    for n in range(1, PLANS + 1):
        file_plan(admin_api, n, "2023-09-13")  # review due 2026-09-13: 90 days on TODAY
    accounts.make("officer", ["411081"], email="officer.yuzhou@example.com")
    env = cli_env(database_url, tmp_path, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp.port),
                  REMINDERS_CLAIM_SECONDS=str(CLAIM_SECONDS), REMINDERS_RUN_WAIT_SECONDS="60",
                  REMINDERS_DRILL_DAYS_BEFORE="off", REMINDERS_DRILL_OVERDUE_EVERY_DAYS="0",
                  # One mail per reminder, one mail per batch: the message in flight is the
                  # batch in flight (larger batches: tests/registry/reminders/test_batches.py).
                  REMINDERS_DELIVERY_DEFAULT="single", REMINDERS_SEND_BATCH="1")
    command = ["reminders", "run", "--today", TODAY]
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "registry", *command],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        assert smtp.reached.wait(120), "the run never reached the held message"
        # The process now waits for the server's reply to message HOLD_AT.
        proc.kill()
        assert proc.wait(30) == -9
    finally:
        smtp.released.set()
    assert smtp.held_for, "no message was held"

    rows = _rows(app)
    assert len(rows) == MAILS
    assert Counter(r.status for r in rows) == {"sent": HOLD_AT - 1, "pending": MAILS - HOLD_AT + 1}
    in_flight = [r for r in rows if r.claimed_until is not None]
    # Only the message in flight is held back by the dead run; the rest are free.
    assert [r.recipient for r in in_flight] == smtp.held_for
    with app.app_context():
        assert integrity_problems(db.engine) == []

    status, output = run_cli(command, env)  # the restart
    assert status == 0, output
    (held,) = in_flight
    # The restart started at once (SQLite: it took over the dead run's lease rather than
    # waiting for it to lapse) and ended while the dead run's claim still held.
    assert utcnow() < held.claimed_until, "the restart did not end inside the dead run's claim"
    assert output.strip().splitlines()[-1] == (
        f"due {MAILS - HOLD_AT}, sent {MAILS - HOLD_AT}, failed 0, skipped 0")
    accepted = 1 if smtp.accept else 0
    assert len(smtp.messages) == MAILS - 1 + accepted
    assert len({m["Message-ID"] for _r, m in smtp.messages}) == len(smtp.messages)  # no repeat

    # The claim of the dead run lapses; the next run sends the one in flight again.
    wait = (held.claimed_until - utcnow()).total_seconds()
    time.sleep(max(0.0, wait) + 0.5)
    status, output = run_cli(command, env)
    assert status == 0, output
    assert output.strip().splitlines()[-1] == "due 1, sent 1, failed 0, skipped 0"

    rows = _rows(app)
    assert [(r.status, r.attempts) for r in rows] == [("sent", 1)] * MAILS
    delivered = Counter(m["Message-ID"] for _rcpts, m in smtp.messages)
    assert set(delivered) == {r.message_id for r in rows}  # every reminder arrived
    twice = [mid for mid, count in delivered.items() if count > 1]
    held_row = next(r for r in rows if r.id == held.id)
    # At least once: a copy the server took before the kill is repeated, with the same
    # Message-ID (receiving systems drop the repeat); any other reminder exactly once.
    assert twice == ([held_row.message_id] if smtp.accept else [])
    assert status == 0 and run_cli(command, env)[1].strip().splitlines()[-1] == \
        "due 0, sent 0, failed 0, skipped 0"
    assert timedelta(0) <= utcnow() - held_row.sent_at < timedelta(minutes=5)
