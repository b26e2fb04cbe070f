"""The 下游追踪 table: each county or city once, at its first arrival; the home city's
re-entry marked; the notification sheet reachable from it."""
import re

from tests.conftest import enterprise_payload, plan_payload
from registry.map.arrivals import first_arrivals

# On 颍河 at 禹州: the river leaves 许昌市 into 临颍 (漯河市) and comes back through 鄢陵.
YINGHE_YUZHOU = (113.47, 34.15)


def _hit(name, kind, km, **attrs):
    return {"name": name, "kind": kind, "distance_along_river_m": km * 1000,
            "arrival_hours": km / 2, "river": "颍河", "lon": 0, "lat": 0, "attrs": attrs}


def test_first_arrival_only_and_reentry_marked():
    hits = [_hit("建安区", "county", 18, city="许昌市"), _hit("襄城县", "county", 21, city="许昌市"),
            _hit("建安区", "county", 38, city="许昌市"), _hit("临颍县", "county", 47, city="漯河市"),
            _hit("漯河市", "city", 47), _hit("鄢陵县", "county", 89, city="许昌市"),
            _hit("许昌市", "city", 89), _hit("临颍县", "county", 95, city="漯河市")]
    rows = first_arrivals(hits, "许昌市")
    assert [(r["name"], r["distance_along_river_m"]) for r in rows] == [
        ("建安区", 18000), ("襄城县", 21000), ("临颍县", 47000), ("漯河市", 47000),
        ("鄢陵县", 89000), ("许昌市", 89000)]
    assert [r["name"] for r in rows if r["reentry"]] == ["鄢陵县", "许昌市"]


def test_downstream_page_lists_each_place_once_and_links_the_sheet(client, accounts, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(
        1, county="411081", longitude=YINGHE_YUZHOU[0], latitude=YINGHE_YUZHOU[1])).json
    admin_api.post("/plans", json=plan_payload(e["id"]))
    _id, name = accounts.make("admin")
    accounts.login(client, name)
    page = client.get(f"/enterprises/{e['id']}/downstream").get_data(as_text=True)
    table = page.split('id="downstream-hits"')[1].split("</table>")[0]
    names = [n.strip() for n in re.findall(r"<tr><td>([^<]+)<", table)]
    assert names.count("建安区") == 1 and names.count("许昌市") == 1
    assert "回流入境" in table and "沿河距离（公里）" in table
    assert f'/notification-sheet?enterprise_id={e["id"]}' in page
    show = client.get(f"/enterprises/{e['id']}").get_data(as_text=True)
    assert f'/notification-sheet?enterprise_id={e["id"]}' in show
