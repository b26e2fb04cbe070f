from datetime import datetime, UTC


def utcnow() -> datetime:
    """Timestamps are stored in UTC (naive, same on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)
