"""Delivering the outbox: batches of claimed mails over one SMTP connection (issue #18.4),
one digest per recipient per run by default (issue #16 §1).

Exactly once, as before: every row is claimed (an atomic conditional UPDATE, committed)
before anything in its batch is sent, and the outcomes of a batch are committed together
right after it. A run killed mid-batch leaves at most that batch's mails claimed and not
marked sent; their claims lapse after ``REMINDERS_CLAIM_SECONDS`` and the next run sends
them again with the same Message-ID (at most ``REMINDERS_SEND_BATCH`` repeats).

One mail is a *unit*: a single reminder (the recipient chose single mails, or the rule is a
formal notice) or every pending reminder of one digest recipient. Enterprise contacts (a
recipient with no account) get a mail that says what to do and whom to contact, never a
link to the bureau's pages; a contact whose enterprise has an online-filing account is
pointed at /portal.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, format_date, gettext as _, lazy_gettext as _l

from registry.clock import today as local_today
from registry.extensions import db
from registry.lease import DbLease
from registry.models import County, Reminder, User
from registry.models.accounts import user_enterprises
from registry.models.base import utcnow
from registry.reminders.mail import (RecipientRefused, TransportDown, build_message, sender,
                                     stable_message_id, transport_for, upcoming)
from registry.reminders.rules import Due, Subject
from registry.reminders.sources import Content, source_for

_CHUNK = 500

# The digest's sections, most urgent first (issue #16 §1).
GROUPS = {
    "overdue": _l("Overdue: plan reviews past their due date"),
    "applications": _l("Filing applications waiting for your reply"),
    "due7": _l("Plan reviews due within 7 days"),
    "due30": _l("Plan reviews due within 30 days"),
    "due90": _l("Plan reviews due within 90 days"),
    "actions": _l("Corrective actions"),
    "drills": _l("Drills"),
    "agreements": _l("Agreements"),
    "other": _l("Other notices"),
}
_ORDER = {name: n for n, name in enumerate(GROUPS)}


@dataclass
class RunSummary:
    """What one run did; ``due`` = ``sent`` + ``failed`` + ``skipped``. Counted per
    reminder (a digest of 12 reminders counts 12), ``mails`` per message."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0
    busy: bool = False
    dry_run: bool = False
    would_send: int = 0
    mails: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def due(self) -> int:
        return self.sent + self.failed + self.skipped + self.would_send

    def line(self) -> str:
        return f"due {self.due}, sent {self.sent}, failed {self.failed}, skipped {self.skipped}"


@dataclass(frozen=True)
class DigestLine:
    """One reminder as a line of a digest."""

    group: str
    due_on: date
    days: int  # due date minus today: negative when overdue
    heading: str
    rule_label: str
    enterprise: str | None
    number: str | None
    url: str
    todo: str | None
    county_code: str | None
    enterprise_id: int | None


@dataclass
class _Run:
    today: date
    from_header: str
    transport: object
    summary: RunSummary
    subjects: dict
    portal: dict[int, bool] = field(default_factory=dict)
    counties: dict[str, str] | None = None


def _claim(ids: list[int]) -> list[int]:
    """Take the rows no other run is delivering; committed before anything is sent."""
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
    for start in range(0, len(gone), _CHUNK):
        db.session.execute(sa.update(Reminder).where(Reminder.id.in_(gone[start:start + _CHUNK]),
                                                     Reminder.status == "pending")
                           .values(status="cancelled", claimed_until=None,
                                   last_error="no longer due (superseded or closed)"))
    if gone:
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


def _message_id(reminders: list[Reminder]) -> str:
    """The same for every try until a reminder is sent (a repeat after a crash or a reply
    lost to a time-out has the ID of the copy the server may hold), different for a
    deliberate resend of a sent one (its last ``sent_at`` is part of the identity)."""
    return stable_message_id(current_app.config, *((r.id, r.created_at.isoformat(),
                                                   r.recipient, r.sent_at) for r in reminders))


def home_city_name() -> str | None:
    """The home city's name (HOME_CITY_CODE), for the sender's display name."""
    return db.session.scalar(sa.select(County.city_name).where(
        County.city_code == current_app.config["HOME_CITY_CODE"], County.city_name != "")
        .limit(1))


def _units(rows) -> list[list[int]]:
    """One list of outbox ids per mail: single rows alone, digest rows per recipient."""
    units, digests = [], defaultdict(list)
    for row in rows:
        if row.delivery == "digest":
            digests[row.recipient].append(row.id)
        else:
            units.append([row.id])
    return units + list(digests.values())


def deliver_pending(summary: RunSummary | None = None, *, transport=None, only_ids=None,
                    lease: DbLease | None = None, today: date | None = None) -> RunSummary:
    """Deliver pending reminders not claimed by another run, ``REMINDERS_SEND_BATCH`` mails
    at a time: claim the batch (commit), send each mail over the run's one connection,
    commit the outcomes. ``today``: the run's day (which calendar entries are still ahead,
    the digest's grouping); default today in TIMEZONE."""
    summary = summary or RunSummary()
    config = current_app.config
    now = utcnow()
    stmt = (sa.select(Reminder.id, Reminder.rule, Reminder.subject_id, Reminder.delivery,
                      Reminder.recipient)
            .where(Reminder.status == "pending",
                   sa.or_(Reminder.claimed_until.is_(None), Reminder.claimed_until < now))
            .order_by(Reminder.id))
    if only_ids is not None:
        stmt = stmt.where(Reminder.id.in_(only_ids))
    rows = db.session.execute(stmt).all()
    subjects = _cancel_gone(rows, summary)
    units = _units([r for r in rows if (r.rule, r.subject_id) in subjects])
    run = _Run(today or local_today(), sender(config, home_city_name()),
               transport or transport_for(config), summary, subjects)
    # Which enterprises have an online-filing account: asked once per run, not per mail.
    _has_portal_account({eid for s in subjects.values()
                         if (eid := getattr(s.data, "enterprise_id", None)) is not None}, run)
    db.session.commit()  # end the read transaction: claims are taken batch by batch below
    batch = max(1, int(config["REMINDERS_SEND_BATCH"]))
    try:
        for start in range(0, len(units), batch):
            chunk = units[start:start + batch]
            claimed = _claim([i for unit in chunk for i in unit])
            loaded = {}
            for part in range(0, len(claimed), _CHUNK):
                loaded.update((r.id, r) for r in db.session.scalars(
                    sa.select(Reminder).where(Reminder.id.in_(claimed[part:part + _CHUNK]))))
            for unit in chunk:
                reminders = [loaded[i] for i in unit if i in loaded]
                if reminders:
                    _deliver(reminders, run)
            db.session.commit()
            if lease is not None:
                lease.try_acquire()  # renew
    finally:
        run.transport.close()
    return summary


def _deliver(reminders: list[Reminder], run: _Run) -> None:
    """Build and send one mail about ``reminders`` (one recipient); record the outcome."""
    first = reminders[0]
    msg = None
    try:
        source = source_for(first.rule)
        with force_locale(first.locale):
            contents = [(r, _render(r, run)) for r in reminders]
            if first.recipient_user_id is None and source.digestible:
                msg = _enterprise_mail(contents, run)
            elif first.delivery == "digest":
                msg = _digest_mail(contents, run)
            else:
                msg = _single_mail(first, contents[0][1], run)
        error = _send(run.transport, msg, first.recipient)
    except Exception as exc:  # noqa: BLE001 - a broken mail must not stop the others
        current_app.logger.exception("reminder mail for %s could not be built", first.recipient)
        msg, error = None, f"{type(exc).__name__}: {exc}"
    if msg is not None and error is None:
        run.summary.mails += 1
    for r in reminders:
        _finish(r, error, msg["Message-ID"] if msg is not None and error is None else None,
                run.summary)


def _render(reminder: Reminder, run: _Run) -> Content:
    source = source_for(reminder.rule)
    subject = run.subjects[(reminder.rule, reminder.subject_id)]
    return source.render(subject, _due_of(reminder), current_app.config)


def _single_mail(reminder: Reminder, content: Content, run: _Run):
    return build_message(current_app.config, reminder.recipient, reminder.recipient_name,
                         content.subject, content.text, content.html,
                         upcoming([content.event], run.today),
                         message_id=_message_id([reminder]), from_header=run.from_header)


def _group(source, due_on: date, days: int) -> str:
    if source.digest_group != "plan":
        return source.digest_group if source.digest_group in GROUPS else "other"
    if days < 0:
        return "overdue"
    return "due7" if days <= 7 else "due30" if days <= 30 else "due90"


def digest_lines(contents, today: date) -> list[DigestLine]:
    """The reminders of one digest as lines, most urgent first: by section, then date."""
    lines = []
    for r, c in contents:
        source = source_for(r.rule)
        days = (r.due_on - today).days
        lines.append(DigestLine(_group(source, r.due_on, days), r.due_on, days, c.subject,
                                str(source.label), c.enterprise, c.number, c.url, c.todo,
                                r.county_code, c.enterprise_id))
    return sorted(lines, key=lambda x: (_ORDER[x.group], x.due_on, x.heading))


def _sections(lines: list[DigestLine]):
    sections = defaultdict(list)
    for line in lines:
        sections[line.group].append(line)
    return [(GROUPS[g], items) for g, items in sections.items()]


def _events(contents, run: _Run):
    return upcoming([c.event for _r, c in contents], run.today,
                    current_app.config["REMINDERS_DIGEST_CALENDAR_EVENTS"])


def _digest_mail(contents, run: _Run):
    first = contents[0][0]
    lines = digest_lines(contents, run.today)
    overdue = sum(1 for x in lines if x.days < 0)
    events = _events(contents, run)
    context = dict(sections=_sections(lines), count=len(lines), overdue=overdue,
                   name=first.recipient_name, today=format_date(run.today, "long"),
                   signature=current_app.config["REMINDERS_SIGNATURE"], events=events,
                   base_url=current_app.config["BASE_URL"].rstrip("/"))
    subject = _("[Reminder digest %(date)s] %(count)s items, %(overdue)s overdue",
                date=format_date(run.today, "short"), count=len(lines), overdue=overdue)
    return build_message(current_app.config, first.recipient, first.recipient_name, subject,
                         render_template("reminders/mail/digest.txt", **context),
                         render_template("reminders/mail/digest.html", **context), events,
                         message_id=_message_id([r for r, _c in contents]),
                         from_header=run.from_header)


def _has_portal_account(enterprise_ids: set[int], run: _Run) -> bool:
    missing = sorted(i for i in enterprise_ids if i not in run.portal)
    for start in range(0, len(missing), _CHUNK):
        part = missing[start:start + _CHUNK]
        found = set(db.session.scalars(
            sa.select(user_enterprises.c.enterprise_id).distinct()
            .join(User, User.id == user_enterprises.c.user_id)
            .where(user_enterprises.c.enterprise_id.in_(part), User.role == "enterprise",
                   User.active.is_(True))))
        run.portal.update((i, i in found) for i in part)
    return any(run.portal.get(i) for i in enterprise_ids)


def _bureau(county_code: str | None, run: _Run) -> str:
    if run.counties is None:
        run.counties = dict(db.session.execute(sa.select(County.code, County.name)).all())
    county = run.counties.get(county_code or "")
    return (_("the ecology and environment bureau of %(county)s", county=county) if county
            else _("your county-level ecology and environment bureau"))


def _enterprise_mail(contents, run: _Run):
    """To an enterprise contact: what to do and whom to contact; /portal only when the
    enterprise has an online-filing account (the bureau's pages need a bureau account)."""
    first = contents[0][0]
    lines = digest_lines(contents, run.today)
    portal = _has_portal_account({x.enterprise_id for x in lines if x.enterprise_id}, run)
    base = current_app.config["BASE_URL"].rstrip("/")
    events = _events(contents, run)
    context = dict(lines=lines, name=first.recipient_name, bureau=_bureau(first.county_code, run),
                   portal_url=f"{base}/portal" if portal else None, events=events,
                   signature=current_app.config["REMINDERS_SIGNATURE"],
                   today=format_date(run.today, "long"))
    subject = (lines[0].heading if len(lines) == 1 else
               _("[Environmental emergency plan reminder] %(name)s: %(count)s items",
                 name=lines[0].enterprise or first.recipient_name, count=len(lines)))
    return build_message(current_app.config, first.recipient, first.recipient_name, subject,
                         render_template("reminders/mail/enterprise.txt", **context),
                         render_template("reminders/mail/enterprise.html", **context), events,
                         message_id=_message_id([r for r, _c in contents]),
                         from_header=run.from_header)
