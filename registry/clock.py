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

