"""Sending in batches (issue #18.4): a batch is claimed (committed) before any of its mails
is sent and its outcomes are committed together, over one SMTP connection per run. A run
that dies mid-batch holds back only that batch; the others go out at the restart, and the
held batch once its claims lapse — so at most REMINDERS_SEND_BATCH mails arrive twice."""
from collections import Counter

import pytest
import sqlalchemy as sa

from tests.registry.reminders.conftest import file_plan, outbox, run

PLANS, BATCH, DIES_AFTER = 6, 4, 2


class Died(BaseException):
    """The process dying (not an Exception: nothing in the run may catch it)."""


class DyingTransport:
    """The real SMTP transport, until the process dies after ``after`` mails."""

    def __init__(self, config, after: int):
        from registry.reminders.mail import SmtpTransport

        self.inner, self.after, self.sent, self.connections = SmtpTransport(config), after, 0, 0

    def send(self, msg, to_address):
        if self.sent == self.after:
            raise Died()
        if self.inner._smtp is None:
            self.connections += 1
        self.inner.send(msg, to_address)
        self.sent += 1

    def close(self):
        self.inner.close()


def test_a_run_dying_mid_batch_repeats_at_most_that_batch(app, smtp, accounts, admin_api,
                                                         single_mails):
    from registry.extensions import db
    from registry.models import Reminder

    app.config["REMINDERS_SEND_BATCH"] = BATCH
    for n in range(1, PLANS + 1):
        file_plan(admin_api, n, "2023-09-13")
    accounts.make("officer", ["411081"], email="officer.yuzhou@example.com")
    mails = 2 * PLANS
    with pytest.raises(Died):
        run(app, transport=DyingTransport(app.config, DIES_AFTER))
    rows = outbox(app)
    assert len(rows) == mails and {r.status for r in rows} == {"pending"}
    held = [r.id for r in rows if r.claimed_until is not None]
    assert len(held) == BATCH and len(smtp.messages) == DIES_AFTER  # the batch in flight
    # The restart sends every other mail, leaving the dead run's batch alone …
    assert run(app).line() == f"due {mails - BATCH}, sent {mails - BATCH}, failed 0, skipped 0"
    # … until its claims lapse; then it goes out again, with the same Message-IDs.
    with app.app_context():
        db.session.execute(sa.update(Reminder).where(Reminder.id.in_(held))
                           .values(claimed_until=Reminder.created_at))
        db.session.commit()
    assert run(app).line() == f"due {BATCH}, sent {BATCH}, failed 0, skipped 0"
    rows = outbox(app)
    assert [(r.status, r.attempts) for r in rows] == [("sent", 1)] * mails
    delivered = Counter(m["Message-ID"] for _r, m in smtp.messages)
    assert set(delivered) == {r.message_id for r in rows}
    twice = [mid for mid, n in delivered.items() if n > 1]
    assert len(twice) == DIES_AFTER <= BATCH


def test_one_connection_per_run(app, smtp, accounts, admin_api, single_mails):
    app.config["REMINDERS_SEND_BATCH"] = 3
    for n in range(1, PLANS + 1):
        file_plan(admin_api, n, "2023-09-13")
    transport = DyingTransport(app.config, after=10**6)
    assert run(app, transport=transport).sent == PLANS
    assert transport.sent == PLANS and transport.connections == 1
