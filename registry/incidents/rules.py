"""Pure rules of incident mode: the reporting clocks (环境保护部令第17号, domain.md §6b
[likely]: hours configurable) and the notification clocks. No Flask, no database."""
from __future__ import annotations

from datetime import datetime, timedelta

LEVELS = ("general", "major", "serious", "especially_serious")  # 一般/较大/重大/特别重大 = IV–I
ROMAN = {"general": "IV", "major": "III", "serious": "II", "especially_serious": "I"}
STAGES = ("initial", "followup", "final")  # 初报 / 续报 / 处理结果报告
# Hours for the 初报 to the own government and the next bureau up, by level.
DEFAULT_INITIAL_REPORT_HOURS = {"general": 4, "major": 4, "serious": 2, "especially_serious": 2}


def initial_report_due(reported_at: datetime, level: str,
                       hours: dict[str, float] | None = None) -> tuple[datetime, float]:
    """When the 初报 is due for an event of ``level`` reported at ``reported_at``, and the
    hours allowed. Raises KeyError for an unknown level."""
    allowed = float((hours or DEFAULT_INITIAL_REPORT_HOURS)[level])
    return reported_at + timedelta(hours=allowed), allowed


def notification_due(reported_at: datetime, limit_hours: float | None,
                     default_hours: float) -> tuple[datetime, float, bool]:
    """When a downstream city must have been told: the agreement's time limit, else the
    configured default. Returns (due_by, hours, from_agreement)."""
    if limit_hours is not None:
        return reported_at + timedelta(hours=float(limit_hours)), float(limit_hours), True
    return reported_at + timedelta(hours=float(default_hours)), float(default_hours), False


def is_late(at: datetime, due_by: datetime | None) -> bool:
    return due_by is not None and at > due_by


def remaining_seconds(due_by: datetime | None, now: datetime) -> int | None:
    """Seconds left until ``due_by`` (negative: overdue by that much)."""
    return None if due_by is None else int((due_by - now).total_seconds())


def duration_text(seconds: int) -> str:
    """"2小时05分" / "逾期 0小时30分" — the clocks' text, in the record's language."""
    late, seconds = seconds < 0, abs(seconds)
    text = f"{seconds // 3600}小时{seconds % 3600 // 60:02d}分"
    return f"逾期{text}" if late else text
