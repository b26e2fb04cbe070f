"""Reminders: the daily sweep, the outbox, resend, preview, the delivery preference.

Exactly once: a reminder is identified by (rule, subject, milestone, recipient); the sweep
records it (``INSERT … ON CONFLICT DO NOTHING``) and commits **before** anything is sent.
A run then claims a batch of pending rows before sending them (an atomic conditional
UPDATE, committed), sends, and commits the batch's outcomes (registry/reminders/delivery.py).
Two runs at once — threads or processes — claim disjoint rows; in addition a run lease
makes a second run wait for the first. A failed delivery stays ``pending`` and is retried
at the next run (the daily schedule is the backoff) until ``REMINDERS_MAX_ATTEMPTS``, then
``failed``.

A process killed mid-run holds back only the batch in flight (its claims lapse after
``REMINDERS_CLAIM_SECONDS``, then the next run sends those again, with the same
Message-IDs): the rest go out at the restart. If the server had accepted some of them
before the kill their recipients get them twice — at least once is the honest guarantee
across an SMTP hand-off (tests/faults/test_kill_reminders.py).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from registry import audit, permissions
from registry.paging import page_of
from registry.errors import Conflict, NotFound
from registry.extensions import db
from registry.lease import DbLease
from registry.models import Reminder, ReminderPreference
from registry.models.base import utcnow
from registry.reminders import window
from registry.reminders.delivery import RunSummary, deliver_pending  # noqa: F401 - re-exported
from registry.reminders.rules import Due, Recipient, Subject
from registry.reminders.schemas import ReminderQuery
from registry.reminders.sources import ReminderSource, load_sources

RUN_LEASE = "reminders-run"
_CHUNK = 500


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


def _delivery(source: ReminderSource, recipient: Recipient, default_digest: bool) -> str:
    """A digest unless the recipient chose single mails (or single mails are the default,
    REMINDERS_DELIVERY_DEFAULT); a formal notice is always a mail of its own."""
    digest = default_digest if recipient.digest is None else recipient.digest
    return "digest" if digest and source.digestible else "single"


def default_digest() -> bool:
    return current_app.config["REMINDERS_DELIVERY_DEFAULT"] != "single"


def _row(source: ReminderSource, subject: Subject, due: Due, recipient: Recipient,
         default_locale: str, digest: bool) -> dict:
    return dict(
        rule=source.rule, subject_type=subject.type, subject_id=subject.id,
        milestone=due.milestone, recipient=recipient.key, recipient_name=recipient.name[:128],
        recipient_user_id=recipient.user_id, locale=recipient.locale or default_locale,
        delivery=_delivery(source, recipient, digest), county_code=subject.county_code,
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
    digest = default_digest()
    rows = [_row(source, subject, due, r, default_locale, digest)
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
        deliver_pending(summary, transport=transport, lease=lease, today=today)
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
    return page_of(stmt, (Reminder.id.desc(),), query.page, query.per_page)


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


@dataclass(frozen=True)
class PreviewPage:
    """One page of the preview, the total over the whole window and the count per day."""

    items: list[PreviewItem]
    total: int
    page: int
    per_page: int
    by_day: list[tuple[date, int]]
    start: date
    end: date


def preview(actor, today: date, days: int = 90, page: int = 1,
            per_page: int = 100) -> PreviewPage:
    """What will be sent over the next ``days`` days and when, in ``actor``'s counties:
    the whole window counted (per day too), one page of it listed, in order of date, rule,
    subject. Set-based like the sweep: one indexed candidate query per rule. A rule that
    declares its ``schedule`` has its milestones counted per day as arrays
    (``reminders.window``) and built only for the subjects with one on the page's days;
    the other rules' milestones are built for the whole window. Recipients are looked up
    (one query per rule) only for the subjects on the page."""
    found = _preview(actor, today, days, page, per_page, arrays=True)
    if found is None:  # a rule's schedule does not give its milestones: log, build them all
        current_app.logger.error("reminder preview: a rule's schedule disagrees with its "
                                 "milestones; computed without the schedules")
        found = _preview(actor, today, days, page, per_page, arrays=False)
    return found


def _preview(actor, today: date, days: int, page: int, per_page: int,
             arrays: bool) -> PreviewPage | None:
    config = current_app.config
    counties = permissions.visible_county_codes(actor)
    start, end = today + timedelta(days=1), today + timedelta(days=days)
    counts = np.zeros(max(days, 0), dtype=np.int64)
    listed, scheduled = [], []
    for source in load_sources():
        label = str(source.label)
        subjects = source.candidates(start, end, config, county_codes=counties)
        if source.schedule is None or not arrays:
            listed += _milestones(source, label, enumerate(subjects), start, end, config)
            continue
        schedule = source.schedule(config)
        due = window.day_numbers(s.due_on for s in subjects)
        counts += window.counts_by_day(due, schedule, start, end)
        scheduled.append((source, label, subjects, due, schedule))
    for f in listed:
        counts[(f[0] - start).days] += 1
    total = int(counts.sum())
    first, stop = (page - 1) * per_page, min(page * per_page, total)
    shown = []
    if first < stop:
        cumulative = np.cumsum(counts)
        lo = int(np.searchsorted(cumulative, first, side="right"))
        hi = int(np.searchsorted(cumulative, stop - 1, side="right"))
        before = int(cumulative[lo - 1]) if lo else 0
        lo_on, hi_on = start + timedelta(days=lo), start + timedelta(days=hi)
        found = [f for f in listed if lo_on <= f[0] <= hi_on]
        for source, label, subjects, due, schedule in scheduled:
            near = ((int(n), subjects[n])
                    for n in np.flatnonzero(window.touches(due, schedule, lo_on, hi_on)))
            found += _milestones(source, label, near, lo_on, hi_on, config)
        found.sort(key=lambda f: f[:4])
        if len(found) != int(cumulative[hi]) - before:  # a schedule that is not the rule's
            return None
        shown = found[first - before:stop - before]
    per_source: dict[str, tuple] = {}
    for f in shown:
        source, subjects = per_source.setdefault(f[4].rule, (f[4], {}))
        subjects[id(f[5])] = f[5]
    for source, subjects in per_source.values():
        source.recipients(list(subjects.values()), config)
    items = [PreviewItem(due.milestone_on, source.label, subject, due.milestone,
                         subject.recipients, source.rule)
             for _on, _l, _s, _n, source, subject, due in shown]
    by_day = [(start + timedelta(days=i), int(c)) for i, c in enumerate(counts) if c]
    return PreviewPage(items, total, page, per_page, by_day, start, end)


def _milestones(source: ReminderSource, label: str, numbered, start: date, end: date,
                config) -> list[tuple]:
    """(date, rule label, subject label, n, source, subject, due) of every milestone of
    the numbered subjects within [start, end] (the rule itself: ``source.milestones``)."""
    return [(due.milestone_on, label, subject.label, n, source, subject, due)
            for n, subject in numbered
            for due in source.milestones(subject, start, end, config)]


def digest_preference(user) -> bool:
    """Whether ``user`` gets one digest per run: their choice, else the default."""
    pref = db.session.get(ReminderPreference, user.id) if getattr(user, "id", None) else None
    return default_digest() if pref is None else bool(pref.digest)


def set_digest(actor, digest: bool) -> None:
    """Choose one digest per run (the default) or single mails (officers and
    administrators)."""
    permissions.require(can_choose_digest(actor), actor)
    pref = db.session.get(ReminderPreference, actor.id)
    before = {"digest": digest_preference(actor)}
    if pref is None:
        pref = ReminderPreference(user_id=actor.id)
        db.session.add(pref)
    pref.digest = digest
    audit.record(actor, "reminder.preference", "user", actor.id, before, {"digest": digest})
    db.session.commit()
