"""The rule registry: each area plugs its reminder rules in here.

An area declares its :class:`ReminderSource` objects in its ``Area(reminder_sources=...)``
(registry/areas.py). The sweep, the outbox, the mail, the digest, retries and the preview
then work for it without further changes.
See ``docs/architecture.md`` (“Reminders: plugging in a rule”).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from registry.reminders.rules import Due, Schedule, Subject

@dataclass(frozen=True)
class CalendarEvent:
    """An all-day event for the .ics attachment. ``uid`` is stable per subject and due date,
    so a calendar updates the event instead of adding a new one at each reminder."""

    uid: str
    on: date
    summary: str
    description: str
    url: str


@dataclass(frozen=True)
class Content:
    """A rendered reminder in the recipient's language."""

    subject: str
    text: str
    html: str
    url: str
    event: CalendarEvent | None = None
    # For the digest's line about this reminder (issue #16 §1): who and which filing.
    enterprise: str | None = None
    number: str | None = None
    enterprise_id: int | None = None
    todo: str | None = None  # what the enterprise must do (mails to enterprise contacts)


@dataclass(frozen=True)
class ReminderSource:
    """One reminder rule and how to find and describe its subjects.

    * ``rule``: the name stored in the outbox (``plan_review``, ``drill_due`` …).
    * ``due(subject, today, config) -> [Due]``: the pure rule (at most the latest milestone).
    * ``milestones(subject, start, end, config) -> [Due]``: every milestone in [start, end]
      (the 90-day preview).
    * ``candidates(start, end, config) -> [Subject]``: an **indexed** query for the subjects
      that may have a milestone in [start, end] (``start`` None: any time up to ``end``),
      scoped by ``county_codes`` (None: all).
    * ``recipients(subjects, config)``: fills in ``subject.recipients`` (called only for the
      subjects with something new due, in one batch).
    * ``load(ids, config) -> {id: Subject}``: the subjects still due for this rule (a pending
      retry whose subject was superseded or closed is cancelled).
    * ``render(subject, due, config) -> Content``: the mail, rendered under the recipient's
      locale (the caller sets it).
    * ``label``: the rule's display name (lazy gettext).
    * ``digest_group``: where the digest lists it (``plan``: by urgency — overdue, within
      7/30/90 days; ``actions``, ``drills``, ``agreements``, ``applications``, ``other``).
    * ``digestible``: False for formal notices that always go as their own mail.
    * ``schedule(config) -> Schedule``: for a rule whose milestones are exactly its
      schedule's around ``subject.due_on`` (``rules.milestones_between``), so that the
      preview counts them as arrays (``reminders.window``); None: built one by one.
    """

    rule: str
    subject_type: str
    label: object
    due: Callable[[Subject, date, Mapping], list[Due]]
    milestones: Callable[[Subject, date, date, Mapping], list[Due]]
    candidates: Callable[..., list[Subject]]
    recipients: Callable[[list[Subject], Mapping], None]
    load: Callable[[Sequence[int], Mapping], dict[int, Subject]]
    render: Callable[[Subject, Due, Mapping], Content]
    digest_group: str = "other"
    digestible: bool = True
    schedule: Callable[[Mapping], Schedule] | None = None


def load_sources() -> list[ReminderSource]:
    """Every area's source, in ``AREAS`` order (``Area.reminder_sources``)."""
    from registry.areas import registry

    return list(registry().reminder_sources)


def source_for(rule: str) -> ReminderSource | None:
    from registry.areas import registry

    return registry().source_for(rule)
