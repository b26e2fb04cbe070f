"""`load-demo` adds Xuchang's three agreements (domain.md §6–7), marked as demo."""


def test_demo_agreements(demo, admin_api):
    assert demo.exit_code == 0, demo.output
    items = admin_api.get("/agreements").json["items"]
    by_city = {a["parties"][0]["city_name"]: a for a in items}
    assert set(by_city) == {"漯河市", "周口市", "平顶山市"}
    assert set(by_city["漯河市"]["rivers"]) == {"颍河", "清潩河", "北汝河", "沙河"}
    assert by_city["周口市"]["rivers"] == ["颍河", "双洎河"]
    assert by_city["平顶山市"]["rivers"] == ["北汝河"]
    assert by_city["平顶山市"]["parties"][0]["river_roles"] == [{"river": "北汝河", "role": "upstream"}]
    # 颍河 and 清潩河 leave 许昌 into 临颍 and come back into 鄢陵 (issue #22 point 3).
    assert {r["river"]: r["role"] for r in by_city["漯河市"]["parties"][0]["river_roles"]} == {
        "颍河": "both", "清潩河": "both", "北汝河": "downstream", "沙河": "downstream"}
    zhoukou_sections = {s["layer_key"] for s in by_city["周口市"]["sections"]}
    assert "颍河鄢陵县—西华县出境断面（示例）" in zhoukou_sections
    # One of each status, to show what officers will see.
    assert {a["status"] for a in items} == {"active", "expiring", "expired"}
    for a in items:
        assert a["is_demo"] and a["title"].endswith("（演示）")
        assert a["meetings"] and a["sections"]
        for contact in a["parties"][0]["contacts"]:
            assert contact["is_demo"] and contact["name"].endswith("（演示）")
    contacts = [c for a in items for c in a["parties"][0]["contacts"]]
    assert any(c["stale"] for c in contacts) and not all(c["stale"] for c in contacts)
    luohe_sections = {s["layer_key"] for s in by_city["漯河市"]["sections"]}
    assert "清潩河建安区—临颍县出境断面（示例）" in luohe_sections
