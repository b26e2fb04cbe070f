"""The map at province scale (issue #18): the points read as plain rows in one query,
once per data version, the small map asking only for its surroundings, answers gzipped."""
import gzip
import json
import re

import sqlalchemy as sa

from registry.extensions import db
from tests.conftest import enterprise_payload, plan_payload

POINTS = re.compile(r'<script type="application/json" id="risk-map-points">(.*?)</script>', re.S)


def _enterprise(api, n, lon=113.80, lat=34.00, county="411002"):
    e = api.post("/enterprises", json=enterprise_payload(n, county=county, longitude=lon,
                                                         latitude=lat)).json
    api.post("/plans", json=plan_payload(e["id"]))
    return e


def _statements(app):
    seen = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    return seen, lambda: sa.event.remove(engine, "before_cursor_execute", record)


def _frame(app, client, path):
    seen, stop = _statements(app)
    try:
        response = client.get(path)
    finally:
        stop()
    assert response.status_code == 200
    return response, seen


def _ids(response) -> list[int]:
    return json.loads(POINTS.search(response.get_data(as_text=True)).group(1))["id"]


def _login(client, accounts):
    _id, name = accounts.make("admin")
    accounts.login(client, name)


def test_the_frame_costs_the_same_statements_at_any_size_and_none_again(app, client, accounts,
                                                                       admin_api):
    _login(client, accounts)
    for n in range(1, 3):
        _enterprise(admin_api, n, lon=113.80 + n / 100)
    few, few_sql = _frame(app, client, "/map/frame")
    for n in range(3, 13):
        _enterprise(admin_api, n, lon=113.80 + n / 100)
    many, many_sql = _frame(app, client, "/map/frame")
    assert len(_ids(few)) == 2 and len(_ids(many)) == 12
    # One points query of plain columns, whatever the count; no plan document is read.
    assert len(many_sql) == len(few_sql)
    assert not [s for s in many_sql if "plan_documents" in s]
    assert len([s for s in many_sql if "FROM enterprises" in s and "plans" in s]) == 1
    # Seen again while the data stand still: the points come from the worker's cache.
    again, again_sql = _frame(app, client, "/map/frame")
    assert _ids(again) == _ids(many)
    assert not [s for s in again_sql if "FROM enterprises" in s and "plans" in s]
    # A change shows at once (the data token moved).
    admin_api.patch(f"/enterprises/{_ids(many)[0]}", json={"name": "改名后的企业"})
    changed, _sql = _frame(app, client, "/map/frame")
    assert "改名后的企业" in changed.get_data(as_text=True)


def test_the_small_map_asks_only_for_the_points_nearby(app, client, accounts, admin_api):
    _login(client, accounts)
    home = _enterprise(admin_api, 1, 113.80, 34.00)
    near = _enterprise(admin_api, 2, 113.85, 34.05)
    _enterprise(admin_api, 3, 113.95, 34.00)  # 0.15° east: outside the 0.08° box
    _enterprise(admin_api, 4, 113.80, 33.90)  # 0.10° south
    response, seen = _frame(app, client, f"/map/frame?enterprise_id={home['id']}")
    assert sorted(_ids(response)) == sorted([home["id"], near["id"]])
    points_sql = [s for s in seen if "FROM enterprises" in s and "plans" in s]
    assert len(points_sql) == 1 and "BETWEEN" in points_sql[0]
    # The whole map still shows all four, and the trace map too.
    assert len(_ids(client.get("/map/frame"))) == 4
    assert len(_ids(client.get(f"/map/frame?enterprise_id={home['id']}&trace=1"))) == 4


def test_the_small_map_keeps_the_filters_and_the_county_fence(app, client, accounts, admin_api):
    home = _enterprise(admin_api, 1, 113.80, 34.00, county="411002")
    other = _enterprise(admin_api, 2, 113.81, 34.01, county="411025")
    accounts.make("officer", ["411002"], username="weidu")
    accounts.login(client, "weidu")
    response, _sql = _frame(app, client, f"/map/frame?enterprise_id={home['id']}")
    assert _ids(response) == [home["id"]]  # the neighbour in another county is not shown
    assert client.get(f"/map/frame?enterprise_id={other['id']}").status_code in (403, 404)


def test_pages_and_the_map_are_compressed_for_a_client_that_accepts_it(client, accounts,
                                                                       admin_api):
    _login(client, accounts)
    for n in range(1, 5):  # a GeoJSON past flask-compress's 500-byte floor
        _enterprise(admin_api, n)
    plain = client.get("/map/frame")
    assert "Content-Encoding" not in plain.headers
    packed = client.get("/map/frame", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    html = gzip.decompress(packed.data).decode()
    assert len(packed.data) < len(html) / 3
    assert json.loads(POINTS.search(html).group(1))["id"] == _ids(plain)
    api = admin_api.get("/map/enterprises.geojson", headers={"Accept-Encoding": "gzip"})
    assert api.headers["Content-Encoding"] == "gzip"
