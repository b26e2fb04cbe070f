"""'Today' is the date in the configured time zone (Asia/Shanghai by default)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def today() -> date:
    """The local date for statuses and deadlines; ``TODAY`` (ISO) pins it for tests and demos."""
    pinned = current_app.config.get("TODAY")
    if pinned:
        return date.fromisoformat(str(pinned))
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()



def local_time(value: datetime) -> datetime:
    """A stored time (naive UTC) in the configured time zone, for pages, mails, reports."""
    from datetime import UTC

    return value.replace(tzinfo=UTC).astimezone(ZoneInfo(current_app.config["TIMEZONE"]))


def local_date(value: datetime) -> date:
    """The local date of a stored time (naive UTC)."""
    return local_time(value).date()
