"""The data token (migration 0007, registry/data_version.py) and the answers kept by it:
the API's enterprise list and the map's points."""
import threading

import sqlalchemy as sa

from registry import data_version
from registry.enterprises import service as enterprises
from registry.extensions import db
from tests.conftest import enterprise_payload, plan_payload


def _postgres(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


def token(app):
    with app.app_context():
        return data_version.current()


def sql(app, statement: str, **params):
    with app.app_context():
        db.session.execute(sa.text(statement), params)
        db.session.commit()


def test_every_change_to_the_tables_moves_the_token_and_nothing_else_does(app, admin_api, accounts):
    before = token(app)
    assert before is not None
    e = admin_api.post("/enterprises", json=enterprise_payload(1)).json  # ORM insert
    after_insert = token(app)
    assert after_insert != before
    admin_api.patch(f"/enterprises/{e['id']}", json={"name": "许昌市甲化工有限公司"})  # ORM update
    after_update = token(app)
    assert after_update != after_insert
    assert admin_api.post("/plans", json=plan_payload(e["id"])).status_code == 201  # a filing
    after_filing = token(app)
    assert after_filing != after_update
    changes = [
        "UPDATE plans SET title = '修订版' WHERE enterprise_id = :id",      # plans, plain SQL
        "UPDATE counties SET name = '魏都区（测）' WHERE code = '411002'",   # counties
        "DELETE FROM plan_documents; DELETE FROM plans",                   # deletes
        "DELETE FROM enterprises WHERE id = :id",
    ]
    seen = {before, after_insert, after_update, after_filing}
    for change in changes:
        for statement in change.split("; "):
            sql(app, statement, id=e["id"]) if ":id" in statement else sql(app, statement)
        now = token(app)
        assert now not in seen, change
        seen.add(now)
    # Other tables leave it: users, tokens, the audit trail, the drills.
    accounts.api(admin_api.client, "officer", ["411002"])
    sql(app, "UPDATE users SET display_name = '张三'")
    assert token(app) == now
    # A change rolled back leaves it.
    with app.app_context():
        db.session.execute(sa.text("UPDATE counties SET name = 'x'"))
        db.session.rollback()
        assert data_version.current() == now


def test_emptying_a_table_moves_the_token(app, admin_api):
    """PostgreSQL: TRUNCATE (a statement trigger; the row triggers do not fire). SQLite has
    no TRUNCATE; its DELETE without WHERE, which skips row triggers on a table that has
    none, runs them here."""
    admin_api.post("/enterprises", json=enterprise_payload(1))
    before = token(app)
    if _postgres(app):
        sql(app, "TRUNCATE enterprises CASCADE")
    else:
        sql(app, "DELETE FROM plan_documents")
        sql(app, "DELETE FROM plans")
        before = token(app)
        sql(app, "DELETE FROM enterprises")
    assert token(app) != before


def test_triggers_cover_what_the_list_reads(app):
    """Every table has its triggers at the head revision (a later migration that rebuilds a
    table on SQLite would drop them), and the list's statements read no other table."""
    with app.app_context():
        if _postgres(app):
            found = set(db.session.execute(sa.text(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")).all())
            expected = {(t, f"{t}_data_version") for t in data_version.TABLES} | {
                (t, f"{t}_data_version_truncate") for t in data_version.TABLES}
        else:
            found = set(db.session.execute(sa.text(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")).all())
            expected = {(t, f"{t}_data_version_{e}") for t in data_version.TABLES
                        for e in ("insert", "update", "delete")}
    assert expected <= found
    read = set()
    for shape in _shapes():
        for statement in (enterprises._list_statement(shape), enterprises._count_statement(shape)):
            read |= {t.name for t in sa.sql.util.find_tables(
                statement, check_columns=True, include_aliases=True, include_joins=True,
                include_selects=True) if isinstance(t, sa.Table)}
    # The map's points.
    from datetime import date

    from registry.map.schemas import MapQuery
    from registry.map.service import points_statement
    from registry.permissions import SystemActor, TokenActor

    officer = TokenActor(id=1, username="o", role="officer", county_codes=frozenset({"411081"}))
    for actor in (SystemActor("test"), officer):
        for query in (MapQuery(), MapQuery(county_code="411081", risk_level="major",
                                           status="overdue", substance_id=1)):
            with app.app_context():
                statement = points_statement(actor, query, date(2026, 11, 27))
            read |= {t.name for t in sa.sql.util.find_tables(
                statement, check_columns=True, include_aliases=True, include_joins=True,
                include_selects=True) if isinstance(t, sa.Table)}
    assert read <= set(data_version.TABLES), read - set(data_version.TABLES)


def _shapes():
    import itertools

    return itertools.product((False, True), (False, True), (False, True),
                             (None, "none", "status"), (False, True), (False, True))


def _statements(app):
    """Collects the SQL the app's engine runs."""
    seen = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    return seen, lambda: sa.event.remove(engine, "before_cursor_execute", record)


def test_a_repeated_list_is_served_from_the_cache_and_every_change_shows_at_once(app, admin_api):
    for n in (1, 2):
        admin_api.post("/enterprises", json=enterprise_payload(n))
    first = admin_api.get("/enterprises")
    seen, stop = _statements(app)
    try:
        again = admin_api.get("/enterprises")
    finally:
        stop()
    assert again.status_code == 200 and again.mimetype == "application/json"
    assert again.json == first.json
    # One query: the caller's token, with the data token in the same round trip.
    queries = [s for s in seen if not s.startswith("BEGIN")]  # SQLite's BEGIN IMMEDIATE
    assert len(queries) == 1 and "api_tokens" in queries[0] and "data_version" in queries[0], seen
    # A change through the API, and one behind the app's back, both show at once.
    e = first.json["items"][0]
    admin_api.patch(f"/enterprises/{e['id']}", json={"name": "许昌市乙化工有限公司"})
    assert "许昌市乙化工有限公司" in [i["name"] for i in admin_api.get("/enterprises").json["items"]]
    sql(app, "UPDATE enterprises SET name = '许昌市丙化工有限公司' WHERE id = :id", id=e["id"])
    assert "许昌市丙化工有限公司" in [i["name"] for i in admin_api.get("/enterprises").json["items"]]
    # The filters and pages are answers of their own.
    assert admin_api.get("/enterprises?per_page=1").json["items"] != \
        admin_api.get("/enterprises?per_page=1&page=2").json["items"]


def test_cached_lists_keep_each_caller_to_their_counties(app, client, accounts, admin_api):
    admin_api.post("/enterprises", json=enterprise_payload(1, "411002"))
    admin_api.post("/enterprises", json=enterprise_payload(2, "411081"))
    weidu = accounts.api(client, "officer", ["411002"])
    yuzhou = accounts.api(client, "viewer", ["411081"])
    for _ in range(2):  # the second round from the cache
        assert {i["county_code"] for i in weidu.get("/enterprises").json["items"]} == {"411002"}
        assert {i["county_code"] for i in yuzhou.get("/enterprises").json["items"]} == {"411081"}
        assert admin_api.get("/enterprises").json["total"] == 2
    # A revoked token is refused at once, cached list or not.
    sql(app, "UPDATE api_tokens SET revoked = true")
    assert weidu.get("/enterprises").status_code == 401


def test_the_status_follows_the_day(app, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1)).json
    plan = admin_api.post("/plans", json=plan_payload(e["id"])).json
    due = plan["review_due_on"]
    statuses = []
    for day in ("2026-11-27", due, "2032-01-01"):
        app.config["TODAY"] = day
        statuses.append(admin_api.get("/enterprises").json["items"][0]["current_plan"]["status"])
    assert statuses == ["filed", "due_soon", "overdue"]


def test_no_cache_asks_for_a_fresh_answer_and_no_token_means_no_reuse(app, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1)).json
    names = lambda **kw: [i["name"] for i in admin_api.get("/enterprises", **kw).json["items"]]  # noqa: E731
    assert names() == [e["name"]]
    # A change the triggers did not see (the token put back by hand): the cached answer
    # is served, unless the request asks for none.
    kept = token(app)
    sql(app, "UPDATE enterprises SET name = '许昌市丁化工有限公司'")
    sql(app, "UPDATE data_version SET token = :t", t=kept)
    assert names() == [e["name"]]
    assert names(headers={"Cache-Control": "no-cache"}) == ["许昌市丁化工有限公司"]
    # Without the row nothing is reused; the next change puts a token back.
    sql(app, "DELETE FROM data_version")
    sql(app, "UPDATE enterprises SET name = '许昌市戊化工有限公司'")
    assert token(app) is not None
    sql(app, "DELETE FROM data_version")
    sql(app, "UPDATE users SET display_name = '李四'")  # not a table the token follows
    assert token(app) is None
    assert names() == ["许昌市戊化工有限公司"]
    sql(app, "UPDATE enterprises SET name = '许昌市己化工有限公司'")
    assert names() == ["许昌市己化工有限公司"]


def token_elsewhere(app, engine):
    """The token as a reader outside the app sees it (the app's SQLite transactions begin
    IMMEDIATE, so they would wait for the writer)."""
    if _postgres(app):
        return token(app)
    import sqlite3

    conn = sqlite3.connect(engine.url.database)
    try:
        return conn.execute("SELECT token FROM data_version WHERE id = 1").fetchone()[0]
    finally:
        conn.close()


def test_the_token_moves_at_commit_and_writers_do_not_wait_on_it(app, admin_api):
    """The token changes with the commit: another connection sees the old one until then.
    PostgreSQL: it is set at commit (deferred trigger). Were it set at the first write,
    its row lock would be held through each writing transaction: here the second writer
    would wait on the first's update while the first waits on the second's filing-serial
    lock, a deadlock. (SQLite has one writer at a time: that part does not apply.)"""
    admin_api.post("/enterprises", json=enterprise_payload(1))
    sql(app, "INSERT INTO filing_serials (county_code, year, last_serial) VALUES ('411002', 2031, 1)")
    before = token(app)
    with app.app_context():
        engine = db.engine
    one, two = engine.connect(), engine.connect()
    errors = []

    def in_thread(work):
        def run():
            try:
                work()
            except Exception as exc:  # re-raised below
                errors.append(exc)
        thread = threading.Thread(target=run)
        thread.start()
        return thread

    serial = "UPDATE filing_serials SET last_serial = last_serial + 1 " \
             "WHERE county_code = '411002' AND year = 2031"
    try:
        one.execute(sa.text("UPDATE enterprises SET name = '甲' WHERE id = (SELECT min(id) FROM enterprises)"))
        assert token_elsewhere(app, engine) == before  # not committed
        if _postgres(app):
            two.execute(sa.text(serial))  # two holds the serial
            second = in_thread(lambda: two.execute(sa.text(
                "UPDATE counties SET name = name WHERE code = '411081'")))
            second.join(10)
            assert not second.is_alive(), "the second writer waited on the first's token lock"
            first = in_thread(lambda: (one.execute(sa.text(serial)), one.commit()))
            first.join(0.5)
            assert first.is_alive()  # waiting for the serial, as a filing would
            assert token(app) == before
            two.commit()
            first.join(10)
            assert not first.is_alive()
        else:
            one.commit()
    finally:
        one.close()
        two.close()
    assert not errors, errors
    assert token(app) != before
    with app.app_context():
        assert db.session.scalar(sa.text(
            "SELECT last_serial FROM filing_serials WHERE year = 2031")) == (3 if _postgres(app) else 1)


def test_kept_answers_are_bounded_in_bytes(app):
    built = []

    def answer(key, size):
        def build():
            built.append(key)
            return b"x" * size
        return data_version.cached("test", key, build, max_bytes=100)

    with app.test_request_context("/api/v1/enterprises", method="GET"):
        answer("a", 40), answer("a", 40)    # built, then kept
        answer("b", 40)                     # 80 bytes kept
        answer("c", 40)                     # 120 > 100: all dropped, c kept
        answer("c", 40), answer("a", 40)    # c kept; a built again
        answer("big", 200), answer("big", 200)  # larger than the bound: never kept
    assert built == ["a", "b", "c", "a", "big", "big"]
