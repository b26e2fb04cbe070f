"""The reminder preview and the drill schedule are set-based (issue #18.3): the number of
statements a page costs does not grow with the number of enterprises."""
import contextlib

import sqlalchemy as sa

from tests.registry.reminders.conftest import file_plan


@contextlib.contextmanager
def counted(app):
    from registry.extensions import db

    seen = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def _statements(app, client, path):
    with counted(app) as seen:
        r = client.get(path)
    assert r.status_code == 200
    return len(seen), r.get_data(as_text=True)


def test_preview_and_schedule_cost_the_same_statements_for_3_and_12_enterprises(
        app, client, accounts, admin_api, monkeypatch):
    # Drill reminders on: their rule joins the preview (one grouped query).
    monkeypatch.setitem(app.config, "REMINDERS_DRILL_DAYS_BEFORE", "30")
    monkeypatch.setitem(app.config, "REMINDERS_DRILL_OVERDUE_EVERY_DAYS", 30)
    _id, name = accounts.make("officer", ["411081"], email="yuzhou@example.com")
    accounts.login(client, name)
    counts = []
    for n in range(1, 13):
        file_plan(admin_api, n, f"2023-{(n % 3) + 7:02d}-{n:02d}")
        if n in (3, 12):
            preview, page = _statements(app, client, "/reminders/preview?per_page=500")
            assert f"许昌市测试化工有限公司{n}号厂" in page
            schedule, page = _statements(app, client, "/drills/schedule?per_page=500")
            assert f"许昌市测试化工有限公司{n}号厂" in page
            counts.append((preview, schedule))
    assert counts[0] == counts[1], counts
