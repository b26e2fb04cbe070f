"""The notice mails (issue #19) through the reminders' outbox, so each is sent exactly once
and retried like any reminder: on a return (退回补正: every reason and the resubmission
date) and on acceptance (予以备案: the filing number and the verification link), to the
enterprise's contact and its enterprise users. The identity of a notice is the
submission and its ``notice_seq`` (a second return is a new notice)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.extensions import db
from registry.models import Enterprise, Plan, Submission, User
from registry.models.accounts import user_enterprises
from registry.reminders import generic
from registry.reminders.rules import (Due, Recipient, Schedule, Subject, milestone_due,
                                     milestones_between)
from registry.reminders.sources import Content, ReminderSource

RULE = "submission_notice"
NOTICE_STATES = ("returned", "accepted")
LOOK_BACK_DAYS = 7  # a sweep that missed days still sends a recent notice


def _statement():
    return (sa.select(Submission.id, Submission.status, Submission.title, Submission.decided_on,
                      Submission.notice_seq, Submission.return_reasons, Submission.resubmit_by,
                      Submission.verify_code, Submission.enterprise_id,
                      Enterprise.name.label("enterprise_name"), Enterprise.county_code,
                      Enterprise.contact_email, Enterprise.contact_name,
                      Plan.filing_number)
            .join(Enterprise, Enterprise.id == Submission.enterprise_id)
            .outerjoin(Plan, Plan.id == Submission.accepted_plan_id)
            .where(Submission.status.in_(NOTICE_STATES), Submission.decided_on.is_not(None)))


def _subjects(rows) -> list[Subject]:
    return [Subject("submission", r.id, r.decided_on, r.county_code, r.title[:300], True, r)
            for r in rows]


def candidates(start: date | None, end: date, config: Mapping, county_codes=None) -> list[Subject]:
    """Notices decided within the last days up to ``end`` (index on ``decided_on``)."""
    stmt = _statement().where(Submission.decided_on <= end,
                              Submission.decided_on >= (start or end) - timedelta(LOOK_BACK_DAYS))
    if county_codes is not None:
        stmt = stmt.where(Enterprise.county_code.in_(sorted(county_codes)))
    return _subjects(db.session.execute(stmt))


def load(ids: Sequence[int], config: Mapping) -> dict[int, Subject]:
    if not ids:
        return {}
    rows = db.session.execute(_statement().where(Submission.id.in_(sorted(set(ids)))))
    return {s.id: s for s in _subjects(rows)}


def _due(subject: Subject, today: date) -> list[Due]:
    r = subject.data
    if r.decided_on > today:
        return []
    return [Due(RULE, "submission", r.id, f"{r.status}-{r.notice_seq}", r.decided_on,
                r.decided_on)]


def _between(subject: Subject, start: date, end: date) -> list[Due]:
    return _due(subject, end) if start <= subject.due_on <= end else []


def recipients(subjects: list[Subject], config: Mapping) -> None:
    """The enterprise's contact and every active enterprise user bound to it."""
    ids = sorted({s.data.enterprise_id for s in subjects})
    users: dict[int, list[Recipient]] = {}
    for enterprise_id, uid, email, locale, name in db.session.execute(
            sa.select(user_enterprises.c.enterprise_id, User.id, User.email, User.locale,
                      sa.func.coalesce(User.display_name, User.username))
            .join(User, User.id == user_enterprises.c.user_id)
            .where(user_enterprises.c.enterprise_id.in_(ids), User.active.is_(True))
            .order_by(User.id)):
        users.setdefault(enterprise_id, []).append(
            Recipient.of(email, f"user:{uid}", name, locale or "", user_id=uid))
    for s in subjects:
        r = s.data
        found = [Recipient.of(r.contact_email, f"enterprise:{r.enterprise_id}",
                              r.contact_name or r.enterprise_name, "")]
        found += users.get(r.enterprise_id, [])
        unique = {}
        for rec in found:
            unique.setdefault(rec.key, rec)
        s.recipients = tuple(unique.values())


def render(subject: Subject, due: Due, config: Mapping) -> Content:
    from registry.web.labels import DOCUMENTS

    r = subject.data
    base = config["BASE_URL"].rstrip("/")
    if r.status == "returned":
        heading = _("[Returned for correction] %(title)s", title=r.title)
        intro = _("The county bureau has checked your filing application and returns it for "
                  "correction. Correct every item below and submit again by %(date)s.",
                  date=format_date(r.resubmit_by, "long"))
        facts = [(DOCUMENTS[x["document"]] if x.get("document") else
                  _("The application as a whole"), x["reason"]) for x in r.return_reasons or []]
        facts.append((_("Submit again by"), format_date(r.resubmit_by, "long")))
        url, link = f"{base}/portal/submissions/{r.id}", _("Open the application")
    else:
        heading = _("[Filed] %(title)s: filing number %(number)s", title=r.title,
                    number=r.filing_number)
        intro = _("The county bureau has accepted your filing application.")
        facts = [(_("Filing number"), r.filing_number), (_("Enterprise"), r.enterprise_name),
                 (_("Verification code"), r.verify_code),
                 (_("Filing form (PDF)"), f"{base}/portal/submissions/{r.id}/receipt.pdf")]
        url, link = f"{base}/verify/{r.verify_code}", _("Verify the filing")
    return generic.content(heading=heading, intro=intro, facts=facts, todo=[], url=url,
                           link_label=link, due_on=r.decided_on,
                           event_uid=f"submission-{r.id}-{r.notice_seq}@registry",
                           event_summary=heading, overdue=False, config=config)


SOURCE = ReminderSource(
    rule=RULE, subject_type="submission", label=_l("Filing application notice"),
    due=lambda subject, today, config: _due(subject, today),
    milestones=lambda subject, start, end, config: _between(subject, start, end),
    candidates=candidates, recipients=recipients, load=load, render=render,
    digestible=False,  # a formal notice (退回补正 / 予以备案): always its own mail
)


# --- to the county's officers: a new application, and its reply coming due ----------------

REPLY_RULE = "submission_reply_due"
# 15 days before the reply date is always on or before the day of receipt (5 working days,
# even across the Spring Festival), so the first mail goes at receipt; the second the day
# before the reply is due. The milestone carries the receipt date: a resubmission is new.
REPLY_SCHEDULE = Schedule((15, 1), 0)


def _reply_statement():
    return (sa.select(Submission.id, Submission.title, Submission.received_on,
                      Submission.reply_due_on, Submission.kind,
                      Enterprise.name.label("enterprise_name"), Enterprise.county_code)
            .join(Enterprise, Enterprise.id == Submission.enterprise_id)
            .where(Submission.status == "submitted", Submission.reply_due_on.is_not(None)))


def _reply_subjects(rows) -> list[Subject]:
    return [Subject("submission", r.id, r.reply_due_on, r.county_code, r.title[:300], True, r)
            for r in rows]


def reply_candidates(start: date | None, end: date, config: Mapping,
                     county_codes=None) -> list[Subject]:
    """Applications waiting for a reply due up to the lead time after ``end`` (index on
    status and ``reply_due_on``)."""
    stmt = _reply_statement().where(
        Submission.reply_due_on <= end + timedelta(days=REPLY_SCHEDULE.lead_days))
    if start is not None:
        stmt = stmt.where(Submission.reply_due_on >= start)
    if county_codes is not None:
        stmt = stmt.where(Enterprise.county_code.in_(sorted(county_codes)))
    return _reply_subjects(db.session.execute(stmt))


def reply_load(ids: Sequence[int], config: Mapping) -> dict[int, Subject]:
    if not ids:
        return {}
    rows = db.session.execute(_reply_statement().where(Submission.id.in_(sorted(set(ids)))))
    return {s.id: s for s in _reply_subjects(rows)}


def _with_receipt(subject: Subject, dues: list[Due]) -> list[Due]:
    received = subject.data.received_on.isoformat()
    return [Due(d.rule, d.subject_type, d.subject_id, f"{d.milestone}-{received}",
                max(d.milestone_on, subject.data.received_on), d.due_on) for d in dues]


def reply_recipients(subjects: list[Subject], config: Mapping) -> None:
    from registry.reminders.plan_source import county_officers

    officers = county_officers({s.county_code for s in subjects})
    for s in subjects:
        s.recipients = officers.get(s.county_code, ())


def reply_render(subject: Subject, due: Due, config: Mapping) -> Content:
    r = subject.data
    url = f"{config['BASE_URL'].rstrip('/')}/submissions/{r.id}"
    info = dict(enterprise=r.enterprise_name, date=format_date(r.reply_due_on, "long"))
    heading = _("[Filing application] %(enterprise)s: reply due on %(date)s", **info)
    intro = _("A filing application waits for the county bureau's check: accept it or return "
              "it for correction in one notice by %(date)s.", date=info["date"])
    facts = [(_("Enterprise"), r.enterprise_name), (_("Application"), r.title),
             (_("Received on"), format_date(r.received_on, "long")),
             (_("Reply due on"), info["date"])]
    return generic.content(heading=heading, intro=intro, facts=facts, todo=[], url=url,
                           link_label=_("Open the application"), due_on=r.reply_due_on,
                           event_uid=f"submission-reply-{r.id}-{r.received_on.isoformat()}@registry",
                           event_summary=heading, overdue=False, config=config)


REPLY_SOURCE = ReminderSource(
    rule=REPLY_RULE, subject_type="submission", label=_l("Filing application reply due"),
    due=lambda subject, today, config: _with_receipt(
        subject, milestone_due(REPLY_RULE, subject, today, REPLY_SCHEDULE)),
    milestones=lambda subject, start, end, config: _with_receipt(
        subject, milestones_between(REPLY_RULE, subject, start, end, REPLY_SCHEDULE)),
    candidates=reply_candidates, recipients=reply_recipients, load=reply_load,
    render=reply_render, digest_group="applications",
)
