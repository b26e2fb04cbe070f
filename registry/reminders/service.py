"""Reminders: the daily sweep, the outbox, delivery with retries, resend, preview, digest.

Exactly once: a reminder is identified by (rule, subject, milestone, recipient); the sweep
records it (``INSERT … ON CONFLICT DO NOTHING``) and commits **before** anything is sent.
A run then claims each pending row just before sending it (an atomic conditional UPDATE,
committed), sends, and commits the outcome. Two runs at once — threads or processes —
claim disjoint rows; in addition a run lease makes a second run wait for the first. A
failed delivery stays ``pending`` and is retried at the next run (the daily schedule is
the backoff) until ``REMINDERS_MAX_ATTEMPTS``, then ``failed``.

A process killed mid-run holds back only the message in flight (its claim lapses after
``REMINDERS_CLAIM_SECONDS``, then the next run sends it again, with the same Message-ID):
the rest go out at the restart. If the server had accepted that one message before the
kill the recipient gets it twice — at least once is the honest guarantee across an SMTP
hand-off (tests/faults/test_kill_reminders.py).
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, format_date, gettext as _

from registry import audit, permissions
from registry.clock import today as local_today
from registry.errors import Conflict, NotFound
from registry.extensions import db
from registry.lease import DbLease
from registry.models import Reminder, ReminderPreference
from registry.models.base import utcnow
from registry.reminders.mail import (RecipientRefused, TransportDown, build_message,
                                     stable_message_id, transport_for)
from registry.reminders.rules import Due, Recipient, Subject
from registry.reminders.schemas import ReminderQuery
from registry.reminders.sources import ReminderSource, load_sources, source_for

RUN_LEASE = "reminders-run"
_CHUNK = 500


@dataclass
class RunSummary:
    """What one run did; ``due`` = ``sent`` + ``failed`` + ``skipped``."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0
    busy: bool = False
    dry_run: bool = False
    would_send: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def due(self) -> int:
        return self.sent + self.failed + self.skipped + self.would_send

    def line(self) -> str:
        return f"due {self.due}, sent {self.sent}, failed {self.failed}, skipped {self.skipped}"


# --- the sweep ------------------------------------------------------------------------

def collect_due(today: date, sources: list[ReminderSource] | None = None):
    """Every (source, subject, due) whose latest milestone as of ``today`` is not yet in the
    outbox. One indexed candidate query per rule, the pure rule per candidate, one query for
    what is already recorded."""
    config = current_app.config
    found = []
    for source in sources or load_sources():
        dues = [(subject, due) for subject in source.candidates(None, today, config)
                for due in source.due(subject, today, config)]
        if not dues:
            continue
        oldest = min(due.milestone_on for _s, due in dues)
        recorded = {tuple(row) for row in db.session.execute(
            sa.select(Reminder.subject_id, Reminder.milestone).distinct()
            .where(Reminder.rule == source.rule, Reminder.subject_type == source.subject_type,
                   Reminder.milestone_on >= oldest))}
        new = [(source, s, d) for s, d in dues if (d.subject_id, d.milestone) not in recorded]
        source.recipients([s for _src, s, _d in new], config)
        found.extend(new)
    return found


def _row(source: ReminderSource, subject: Subject, due: Due, recipient: Recipient,
         default_locale: str) -> dict:
    return dict(
        rule=source.rule, subject_type=subject.type, subject_id=subject.id,
        milestone=due.milestone, recipient=recipient.key, recipient_name=recipient.name[:128],
        recipient_user_id=recipient.user_id, locale=recipient.locale or default_locale,
        delivery="digest" if recipient.digest else "single", county_code=subject.county_code,
        subject_label=subject.label[:300], due_on=due.due_on, milestone_on=due.milestone_on,
        status="pending" if recipient.email else "skipped", attempts=0,
        last_error=None if recipient.email else "no e-mail address", created_at=utcnow())


def _insert_ignore(rows: list[dict]) -> list[tuple[int, str]]:
    """Insert outbox rows, ignoring identities already recorded; (id, status) of new rows."""
    table = Reminder.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    inserted = []
    for start in range(0, len(rows), _CHUNK):
        stmt = (insert(table).values(rows[start:start + _CHUNK])
                .on_conflict_do_nothing(index_elements=["rule", "subject_type", "subject_id",
                                                        "milestone", "recipient"])
                .returning(table.c.id, table.c.status))
        inserted.extend(tuple(row) for row in db.session.execute(stmt))
    return inserted


def record_due(found) -> int:
    """Record every due reminder for each recipient (one transaction). Returns how many
    new rows were skipped for want of an e-mail address."""
    default_locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    rows = [_row(source, subject, due, r, default_locale)
            for source, subject, due in found for r in subject.recipients]
    try:
        inserted = _insert_ignore(rows)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return sum(1 for _id, status in inserted if status == "skipped")


def run_reminders(today: date, *, dry_run: bool = False, wait_seconds: float | None = None,
                  transport=None) -> RunSummary:
    """Compute everything due as of ``today``, record it, and deliver what is pending
    (new reminders and retries).

    ``wait_seconds``: how long to wait for a run already in progress (default
    ``REMINDERS_RUN_WAIT_SECONDS``); if it does not finish in time nothing is done and the
    summary says ``busy``. ``dry_run``: count what would be sent, write nothing.
    """
    config = current_app.config
    if dry_run:
        return _dry_run(today)
    lease = DbLease(db.engine, RUN_LEASE, ttl_seconds=config["REMINDERS_CLAIM_SECONDS"])
    wait = config["REMINDERS_RUN_WAIT_SECONDS"] if wait_seconds is None else wait_seconds
    deadline = time.monotonic() + wait
    while not lease.try_acquire():
        if time.monotonic() >= deadline:
            return RunSummary(busy=True)
        time.sleep(0.2)
    try:
        summary = RunSummary()
        summary.skipped += record_due(collect_due(today))
        deliver_pending(summary, transport=transport, lease=lease)
        return summary
    finally:
        db.session.remove()
        lease.release()


def _dry_run(today: date) -> RunSummary:
    summary = RunSummary(dry_run=True)
    for _source, subject, _due in collect_due(today):
        for r in subject.recipients:
            if r.email:
                summary.would_send += 1
            else:
                summary.skipped += 1
    summary.would_send += db.session.scalar(
        sa.select(sa.func.count()).select_from(Reminder).where(Reminder.status == "pending"))
    db.session.rollback()
    return summary


# --- delivery -------------------------------------------------------------------------

def _claim(ids: list[int]) -> list[int]:
    """Take the rows no other run is delivering; committed before anything is sent. Called
    per message (or digest) right before sending it, so that a run that dies holds back
    only what it was sending."""
    now = utcnow()
    until = now + timedelta(seconds=current_app.config["REMINDERS_CLAIM_SECONDS"])
    claimed = []
    for start in range(0, len(ids), _CHUNK):
        stmt = (sa.update(Reminder)
                .where(Reminder.id.in_(ids[start:start + _CHUNK]), Reminder.status == "pending",
                       sa.or_(Reminder.claimed_until.is_(None), Reminder.claimed_until < now))
                .values(claimed_until=until).returning(Reminder.id))
        claimed.extend(db.session.execute(stmt).scalars())
    db.session.commit()
    return sorted(claimed)


def _finish(reminder: Reminder, error: str | None, message_id: str | None, summary) -> None:
    reminder.attempts += 1
    reminder.last_attempt_at = utcnow()
    reminder.claimed_until = None
    if error is None:
        reminder.status, reminder.sent_at, reminder.last_error = "sent", utcnow(), None
        reminder.message_id = message_id
        summary.sent += 1
    else:
        reminder.last_error = error[:2000]
        if reminder.attempts >= current_app.config["REMINDERS_MAX_ATTEMPTS"]:
            reminder.status = "failed"
        summary.failed += 1


def _cancel_gone(rows, summary) -> dict[tuple[str, int], Subject]:
    """Load each pending row's subject; a subject no longer due (plan superseded…) cancels
    its reminders. Returns {(rule, subject_id): subject}."""
    config = current_app.config
    subjects: dict[tuple[str, int], Subject] = {}
    by_rule: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        by_rule[row.rule].add(row.subject_id)
    gone = []
    for rule, ids in by_rule.items():
        source = source_for(rule)
        if source is None:  # its area is not installed here: leave the rows alone
            continue
        loaded = source.load(sorted(ids), config)
        subjects.update({(rule, sid): s for sid, s in loaded.items()})
        gone += [row.id for row in rows if row.rule == rule and row.subject_id not in loaded]
    if gone:
        db.session.execute(sa.update(Reminder).where(Reminder.id.in_(gone),
                                                     Reminder.status == "pending")
                           .values(status="cancelled", claimed_until=None,
                                   last_error="no longer due (superseded or closed)"))
        db.session.commit()
        summary.skipped += len(gone)
    return subjects


def _due_of(r: Reminder) -> Due:
    return Due(r.rule, r.subject_type, r.subject_id, r.milestone, r.milestone_on, r.due_on)


def _send(transport, msg, address) -> str | None:
    """Send; the error text on failure (the row stays pending), None on success."""
    try:
        transport.send(msg, address)
    except (TransportDown, RecipientRefused) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def deliver_pending(summary: RunSummary | None = None, *, transport=None, only_ids=None,
                    lease: DbLease | None = None) -> RunSummary:
    """Deliver pending reminders not claimed by another run: single mails one by one, digest
    recipients one mail each. Each outcome is committed as it happens."""
    summary = summary or RunSummary()
    config = current_app.config
    stmt = (sa.select(Reminder.id, Reminder.rule, Reminder.subject_id, Reminder.delivery,
                      Reminder.recipient)
            .where(Reminder.status == "pending").order_by(Reminder.id))
    if only_ids is not None:
        stmt = stmt.where(Reminder.id.in_(only_ids))
    now = utcnow()
    stmt = stmt.where(sa.or_(Reminder.claimed_until.is_(None), Reminder.claimed_until < now))
    rows = db.session.execute(stmt).all()
    subjects = _cancel_gone(rows, summary)
    rows = [r for r in rows if (r.rule, r.subject_id) in subjects]
    db.session.commit()  # end the read transaction: claims are taken one at a time below
    transport = transport or transport_for(config)
    try:
        digests: dict[str, list[int]] = defaultdict(list)
        for n, row in enumerate(rows):
            if row.delivery == "digest":
                digests[row.recipient].append(row.id)
                continue
            if _claim([row.id]):
                _deliver_one(row.id, subjects, transport, summary)
            if lease is not None and n % 50 == 49:
                lease.try_acquire()  # renew
        for ids in digests.values():
            claimed = _claim(ids)
            if claimed:
                _deliver_digest(claimed, subjects, transport, summary)
    finally:
        transport.close()
    return summary


def _render(reminder: Reminder, subject: Subject):
    source = source_for(reminder.rule)
    with force_locale(reminder.locale):
        return source.render(subject, _due_of(reminder), current_app.config)


def _message_id(reminders: list[Reminder]) -> str:
    """The same for every try until a reminder is sent (a repeat after a crash or a reply
    lost to a time-out has the ID of the copy the server may hold), different for a
    deliberate resend of a sent one (its last ``sent_at`` is part of the identity)."""
    return stable_message_id(current_app.config, *((r.id, r.created_at.isoformat(),
                                                   r.recipient, r.sent_at) for r in reminders))


def _deliver_one(reminder_id: int, subjects, transport, summary) -> None:
    reminder = db.session.get(Reminder, reminder_id)
    subject = subjects[(reminder.rule, reminder.subject_id)]
    try:
        content = _render(reminder, subject)
        msg = build_message(current_app.config, reminder.recipient, reminder.recipient_name,
                            content.subject, content.text, content.html,
                            [content.event] if content.event else [],
                            message_id=_message_id([reminder]))
        error = _send(transport, msg, reminder.recipient)
    except Exception as exc:  # noqa: BLE001 - a broken mail must not stop the others
        current_app.logger.exception("reminder %s could not be built", reminder_id)
        msg, error = None, f"{type(exc).__name__}: {exc}"
    _finish(reminder, error, msg["Message-ID"] if msg is not None and error is None else None,
            summary)
    db.session.commit()


def _deliver_digest(ids: list[int], subjects, transport, summary) -> None:
    reminders = [db.session.get(Reminder, i) for i in ids]
    first = reminders[0]
    msg = None
    try:
        items = [(r, _render(r, subjects[(r.rule, r.subject_id)])) for r in reminders]
        with force_locale(first.locale):
            context = dict(items=items, signature=current_app.config["REMINDERS_SIGNATURE"],
                           name=first.recipient_name, today=format_date(local_today(), "long"))
            subject_line = _("[Daily reminder digest] %(count)s reminders for your counties",
                             count=len(items))
            msg = build_message(current_app.config, first.recipient, first.recipient_name,
                                subject_line,
                                render_template("reminders/mail/digest.txt", **context),
                                render_template("reminders/mail/digest.html", **context),
                                [c.event for _r, c in items if c.event],
                                message_id=_message_id(reminders))
        error = _send(transport, msg, first.recipient)
    except Exception as exc:  # noqa: BLE001
        current_app.logger.exception("digest for %s could not be built", first.recipient)
        error = f"{type(exc).__name__}: {exc}"
    for r in reminders:
        _finish(r, error, msg["Message-ID"] if msg is not None and error is None else None,
                summary)
    db.session.commit()


# --- outbox, resend, preview, preferences -----------------------------------------------

# A reminder in these states can be sent again (skipped: no address; cancelled: no longer due).
RESENDABLE = ("pending", "sent", "failed")


def can_write_outbox(actor, reminder: Reminder) -> bool:
    """Officers act on their counties' reminders, administrators on all (the ones with no
    county, e.g. the stale-contacts note, are administrators' only)."""
    return (permissions.can_write_county(actor, reminder.county_code) if reminder.county_code
            else permissions.can_manage_users(actor))


def can_resend(actor, reminder: Reminder) -> bool:
    return reminder.status in RESENDABLE and can_write_outbox(actor, reminder)


def can_choose_digest(actor) -> bool:
    """Officers and administrators (people with an account) may take one daily digest."""
    return (getattr(actor, "is_authenticated", False) and getattr(actor, "id", None) is not None
            and getattr(actor, "role", None) in ("officer", "admin"))


def list_reminders(actor, query: ReminderQuery):
    """A page of the outbox in ``actor``'s counties (reminders with no county: admins only),
    newest first, with the total."""
    stmt = permissions.scope(sa.select(Reminder), actor, Reminder.county_code)
    if query.status:
        stmt = stmt.where(Reminder.status == query.status)
    if query.rule:
        stmt = stmt.where(Reminder.rule == query.rule)
    if query.county_code:
        stmt = stmt.where(Reminder.county_code == query.county_code)
    if query.q:
        like = f"%{query.q}%"
        stmt = stmt.where(sa.or_(Reminder.recipient.ilike(like), Reminder.subject_label.ilike(like),
                                 Reminder.recipient_name.ilike(like)))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(stmt.order_by(Reminder.id.desc()).limit(query.per_page)
                              .offset((query.page - 1) * query.per_page)).all()
    return rows, total


def outbox_counts(actor) -> dict[str, int]:
    stmt = permissions.scope(sa.select(Reminder.status, sa.func.count()).group_by(Reminder.status),
                             actor, Reminder.county_code)
    return {status: n for status, n in db.session.execute(stmt)}


def get_reminder(actor, reminder_id: int) -> Reminder:
    reminder = db.session.get(Reminder, reminder_id)
    if reminder is None:
        raise NotFound(_("No reminder with id %(id)s.", id=reminder_id))
    if reminder.county_code:
        permissions.require_read_county(actor, reminder.county_code)
    else:
        permissions.require(permissions.can_manage_users(actor), actor)
    return reminder


def resend(actor, reminder_id: int, transport=None) -> Reminder:
    """Send a reminder again now (a sent one once more, a failed one with a fresh count of
    attempts). Officers resend in their counties only. Raises NotFound, PermissionDenied,
    Conflict (skipped: no address; cancelled: no longer due)."""
    reminder = get_reminder(actor, reminder_id)
    permissions.require(can_write_outbox(actor, reminder), actor)
    if reminder.status not in RESENDABLE:
        raise Conflict(_("This reminder cannot be sent: %(reason)s",
                         reason=reminder.last_error or reminder.status))
    before = {"status": reminder.status, "attempts": reminder.attempts}
    reminder.status, reminder.claimed_until = "pending", None
    if before["status"] == "failed":
        reminder.attempts = 0
    audit.record(actor, "reminder.resend", "reminder", reminder.id, before,
                 {"status": "pending", "attempts": reminder.attempts,
                  "recipient": reminder.recipient})
    db.session.commit()
    deliver_pending(only_ids=[reminder.id], transport=transport)
    db.session.refresh(reminder)
    return reminder


@dataclass(frozen=True)
class PreviewItem:
    on: date
    rule_label: object
    subject: Subject
    milestone: str
    recipients: tuple[Recipient, ...]
    rule: str = ""


def preview(actor, today: date, days: int = 90) -> list[PreviewItem]:
    """What will be sent over the next ``days`` days and when, in ``actor``'s counties."""
    config = current_app.config
    counties = permissions.visible_county_codes(actor)
    start, end = today + timedelta(days=1), today + timedelta(days=days)
    items = []
    for source in load_sources():
        found = [(subject, due)
                 for subject in source.candidates(start, end, config, county_codes=counties)
                 for due in source.milestones(subject, start, end, config)]
        source.recipients(list({id(s): s for s, _d in found}.values()), config)
        items += [PreviewItem(due.milestone_on, source.label, subject, due.milestone,
                              subject.recipients, source.rule) for subject, due in found]
    return sorted(items, key=lambda i: (i.on, str(i.rule_label), i.subject.label))


def digest_preference(user) -> bool:
    pref = db.session.get(ReminderPreference, user.id) if getattr(user, "id", None) else None
    return bool(pref and pref.digest)


def set_digest(actor, digest: bool) -> None:
    """Choose one daily digest instead of single mails (officers and administrators)."""
    permissions.require(can_choose_digest(actor), actor)
    pref = db.session.get(ReminderPreference, actor.id)
    before = {"digest": bool(pref and pref.digest)}
    if pref is None:
        pref = ReminderPreference(user_id=actor.id)
        db.session.add(pref)
    pref.digest = digest
    audit.record(actor, "reminder.preference", "user", actor.id, before, {"digest": digest})
    db.session.commit()
