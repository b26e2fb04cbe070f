"""Pure drill rules (domain.md §5): type axes, action status transitions, drill schedule.
No Flask, no database."""
from __future__ import annotations

from calendar import monthrange
from datetime import date

ORGANISER_LEVELS = ("enterprise", "county", "city", "joint")
# Levels that belong to no single county: recorded by city-wide users only.
CITY_LEVELS = ("city", "joint")
CONTENT_TYPES = ("comprehensive", "single")  # 综合 / 单项
FORM_TYPES = ("live", "tabletop")  # 实战 / 桌面
LEGACY_TYPES = ("tabletop", "functional", "full_scale")  # 桌面 / 功能 / 全面 (older records)
THEMES = ("environmental", "counter_terrorism", "heavy_pollution_weather", "water_pollution",
          "hazardous_chemicals", "other")
PATHWAYS = ("air", "water", "both")
CATEGORIES = ("plan", "organisation", "equipment", "training", "coordination")
ACTION_STATUSES = ("open", "in_progress", "done", "verified")
# Forward one step at a time; back one step when work stalls or a check finds it not done.
TRANSITIONS = {
    "open": ("in_progress",),
    "in_progress": ("open", "done"),
    "done": ("in_progress", "verified"),
    "verified": (),
}
OPEN_STATUSES = ("open", "in_progress")


def type_key(content_type: str | None, form_type: str | None, legacy_type: str | None) -> str:
    """One key per drill type for statistics: ``comprehensive_live`` … on the two axes,
    else ``legacy_<label>`` for a record that only carries the older label."""
    if content_type and form_type:
        return f"{content_type}_{form_type}"
    if legacy_type:
        return f"legacy_{legacy_type}"
    return "unknown"


def can_transition(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, ())


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months; the 31st becomes the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def next_drill_due(last_drill: date | None, first_filed: date, months: int) -> date:
    """When the next drill is due: ``months`` after the last drill, or — never drilled —
    ``months`` after the enterprise's first filing."""
    return add_months(last_drill or first_filed, months)


def action_overdue(status: str, due_on: date | None, today: date) -> bool:
    """An action still open or in progress after its due date."""
    return due_on is not None and status in OPEN_STATUSES and due_on < today
