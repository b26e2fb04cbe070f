"""JSON API for the reminder outbox and the preview (same error contract as the core):
what was sent to whom and when, resending one, and what falls due in the coming days."""
from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from registry.api import bp
from registry.api.routing import operation
from registry.clock import today
from registry.fields import Page
from registry.reminders import service
from registry.reminders.schemas import ReminderQuery, Status


class ReminderOut(BaseModel):
    id: int
    rule: str
    subject_type: str
    subject_id: int
    subject_label: str
    county_code: str | None
    milestone: str
    milestone_on: date
    due_on: date
    recipient: str
    recipient_name: str | None
    delivery: str
    status: Status
    attempts: int
    last_error: str | None
    last_attempt_at: datetime | None
    sent_at: datetime | None


class ReminderList(BaseModel):
    items: list[ReminderOut]
    total: int
    page: int
    per_page: int
    by_status: dict[str, int]


class PreviewQuery(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    days: int = Field(90, ge=1, le=366)
    page: Page = 1
    per_page: int = Field(100, ge=1, le=500)


class RecipientOut(BaseModel):
    name: str
    email: str | None


class PreviewItemOut(BaseModel):
    on: date
    rule: str
    rule_label: str
    subject_type: str
    subject_id: int
    subject_label: str
    county_code: str | None
    due_on: date
    milestone: str
    recipients: list[RecipientOut]


class DayCount(BaseModel):
    on: date
    count: int


class PreviewOut(BaseModel):
    today: date
    days: int
    items: list[PreviewItemOut]
    total: int  # over the whole window; ``items`` is one page of them
    page: int
    per_page: int
    by_day: list[DayCount]  # every day of the window with something due


def reminder_dict(reminder) -> dict:
    return ReminderOut.model_validate(reminder, from_attributes=True).model_dump(mode="json")


@operation(bp, "/reminders", "GET", "The reminder outbox in the caller's counties, newest first",
           "reminders", query=ReminderQuery, response=ReminderList, errors=(401, 422))
def list_reminders(user, query):
    rows, total = service.list_reminders(user, query)
    return {"items": [reminder_dict(r) for r in rows], "total": total, "page": query.page,
            "per_page": query.per_page, "by_status": service.outbox_counts(user)}


@operation(bp, "/reminders/{reminder_id}", "GET", "One reminder", "reminders",
           response=ReminderOut, errors=(401, 403, 404))
def get_reminder(user, reminder_id):
    return reminder_dict(service.get_reminder(user, reminder_id))


@operation(bp, "/reminders/{reminder_id}/resend", "POST",
           "Send a reminder again now (officers of its county, administrators)", "reminders",
           response=ReminderOut, errors=(401, 403, 404, 409))
def resend_reminder(user, reminder_id):
    return reminder_dict(service.resend(user, reminder_id))


@operation(bp, "/reminders/preview", "GET",
           "What will be sent over the next days (default 90), and to whom: one page of "
           "it, with the total and the count per day over the whole window", "reminders",
           query=PreviewQuery, response=PreviewOut, errors=(401, 422))
def preview_reminders(user, query):
    on = today()
    result = service.preview(user, on, query.days, query.page, query.per_page)
    items = [{"on": i.on.isoformat(), "rule": i.rule,
              "rule_label": str(i.rule_label), "subject_type": i.subject.type,
              "subject_id": i.subject.id, "subject_label": i.subject.label,
              "county_code": i.subject.county_code, "due_on": i.subject.due_on.isoformat(),
              "milestone": i.milestone,
              "recipients": [{"name": r.name, "email": r.email} for r in i.recipients]}
             for i in result.items]
    return {"today": on.isoformat(), "days": query.days, "items": items, "total": result.total,
            "page": result.page, "per_page": result.per_page,
            "by_day": [{"on": d.isoformat(), "count": n} for d, n in result.by_day]}
