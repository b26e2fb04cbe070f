"""After a bulk load the planner's statistics are fresh (bulk_insert.refresh_statistics)."""
import sqlalchemy as sa

from registry.extensions import db
from registry.models import Enterprise
from tests.conftest import enterprise_payload


def planner_rows(table: str) -> float | None:
    """How many rows the planner believes ``table`` holds (None: no statistics)."""
    if db.engine.dialect.name == "sqlite":
        stat = db.session.scalar(sa.text("SELECT stat FROM sqlite_stat1 WHERE tbl = :t "
                                         "ORDER BY idx IS NULL LIMIT 1"), {"t": table})
        return None if stat is None else float(stat.split()[0])
    return db.session.scalar(sa.text("SELECT reltuples FROM pg_class WHERE relname = :t"),
                             {"t": table})


def test_refresh_statistics_counts_what_was_loaded(app, admin_api):
    from registry.bulk_insert import refresh_statistics

    for n in range(1, 4):
        assert admin_api.post("/enterprises", json=enterprise_payload(n)).status_code == 201
    with app.app_context():
        refresh_statistics(Enterprise.__table__)
        assert planner_rows("enterprises") == 3
