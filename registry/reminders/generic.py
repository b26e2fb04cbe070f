"""Helpers for reminder sources whose subject has one due date (corrective actions,
agreements): the mail body from facts and steps, and the admins as recipients."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import sqlalchemy as sa
from flask import render_template

from registry.extensions import db
from registry.models import ReminderPreference, User
from registry.reminders.rules import Recipient
from registry.reminders.sources import CalendarEvent, Content


def admins() -> tuple[Recipient, ...]:
    """Active administrators, each in their language (digest if they asked for it)."""
    stmt = (sa.select(User.id, User.email, User.locale, User.display_name, User.username,
                      ReminderPreference.digest)
            .outerjoin(ReminderPreference, ReminderPreference.user_id == User.id)
            .where(User.role == "admin", User.active.is_(True)).order_by(User.id))
    return tuple(Recipient.of(email, f"user:{uid}", display or username, locale or "",
                              user_id=uid, digest=digest)
                 for uid, email, locale, display, username, digest in db.session.execute(stmt))


def content(*, heading: str, intro: str, facts: Sequence[tuple[str, object]],
            todo: Sequence[str], url: str, link_label: str, event_uid: str, due_on: date,
            event_summary: str, overdue: bool, config: Mapping, enterprise: str | None = None,
            number: str | None = None, enterprise_id: int | None = None) -> Content:
    context = dict(heading=heading, intro=intro, facts=facts, todo=todo, url=url,
                   link_label=link_label, overdue=overdue, signature=config["REMINDERS_SIGNATURE"])
    event = CalendarEvent(uid=event_uid, on=due_on, summary=event_summary,
                          description=f"{intro} {url}", url=url)
    return Content(subject=heading, url=url, event=event, enterprise=enterprise, number=number,
                   enterprise_id=enterprise_id,
                   text=render_template("reminders/mail/generic.txt", **context),
                   html=render_template("reminders/mail/generic.html", **context))
