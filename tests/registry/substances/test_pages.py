"""The pages: the substance table (admin edits, audited) and the inventory form."""
from __future__ import annotations

from tests.conftest import csrf_token, enterprise_payload
from tests.registry.substances.conftest import CHLORINE


def _login(client, accounts, role, counties=()):
    _id, name = accounts.make(role, counties)
    accounts.login(client, name)


def test_admin_edits_a_substance_and_the_change_is_audited(client, accounts, admin_api):
    sid = admin_api.post("/substances", json=CHLORINE).json["id"]
    _login(client, accounts, "admin")
    page = client.get("/substances", query_string={"q": "物质A"})
    assert page.status_code == 200 and "测试物质甲" in page.get_data(as_text=True)
    form = {"name": CHLORINE["name"], "cas": "7782-50-5", "aliases": "甲物质、物质A",
            "critical_quantity_t": "2.5", "media": ["water"], "source": "测试来源",
            "csrf_token": csrf_token(client, "/substances")}
    r = client.post(f"/substances/{sid}/edit", data=form)
    assert r.status_code == 302
    got = admin_api.get("/substances", query_string={"q": "测试物质甲"}).json["items"][0]
    assert (got["critical_quantity_t"], got["media"], got["source"]) == (2.5, ["water"], "测试来源")
    html = client.get(f"/substances/{sid}/edit").get_data(as_text=True)
    assert "2.5" in html and "测试来源" in html  # the change history shows it
    bad = client.post(f"/substances/{sid}/edit", data={**form, "critical_quantity_t": "-1",
                                                        "media": []})
    assert bad.status_code == 422


def test_officer_reads_but_cannot_edit_the_table(client, accounts, admin_api):
    sid = admin_api.post("/substances", json=CHLORINE).json["id"]
    _login(client, accounts, "officer", ["411081"])
    assert client.get("/substances").status_code == 200
    assert client.get(f"/substances/{sid}/edit").status_code == 403
    assert client.get("/substances/new").status_code == 403


def test_officer_fills_the_inventory_form(client, accounts, admin_api):
    both = admin_api.post("/substances", json=CHLORINE).json
    e = admin_api.post("/enterprises", json=enterprise_payload(
        1, "411081", longitude=113.47, latitude=34.15)).json
    _login(client, accounts, "officer", ["411081"])
    path = f"/enterprises/{e['id']}/risk-inventory"
    page = client.get(path)
    assert page.status_code == 200 and "测试物质甲" in page.get_data(as_text=True)
    form = {"csrf_token": csrf_token(client, path),
            "substance_id": [str(both["id"]), ""], "max_quantity_t": ["3", ""],
            "storage": ["储罐区", ""],
            "air-listed": "1", "air-other": "0", "air-control_score": "10",
            "air-population_5km": "60000", "air-population_500m": "", "air-population_source": "第七次人口普查",
            "water-listed": "0", "water-other": "0", "water-control_score": "10",
            "water-e": "E3", "water-e_reason": ""}
    r = client.post(path, data=form)
    assert r.status_code == 422  # E3 differs from the suggested E1 without a reason
    assert "水 · E 值与建议值不同的理由：" in r.get_data(as_text=True)  # named as the form names it
    form["water-e_reason"] = "排口已改接园区污水处理厂"
    r = client.post(path, data=form)
    assert r.status_code == 302, r.get_data(as_text=True)
    got = admin_api.get(f"/enterprises/{e['id']}/risk-inventory").json
    # air: 3/1 → Q1, M 20 → M1, 60 000 people within 5 km → E1 → major;
    # water: Q1, M 10 → M1, E3 given → general.
    assert got["notation"] == "较大[较大-大气(Q1-M1-E1)+一般-水(Q1-M1-E3)]"
    assert got["inputs"]["substances"][0]["storage"] == "储罐区"
    html = client.get(path).get_data(as_text=True)
    assert "较大[较大-大气(Q1-M1-E1)+一般-水(Q1-M1-E3)]" in html
    assert 'value="排口已改接园区污水处理厂"' in html


def test_other_county_officer_cannot_open_the_inventory(client, accounts, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, "411081")).json
    _login(client, accounts, "officer", ["411025"])
    assert client.get(f"/enterprises/{e['id']}/risk-inventory").status_code == 403


def test_plan_shows_grading_check_and_mismatches_are_listed(client, accounts, admin_api):
    from tests.conftest import plan_payload
    from tests.registry.substances.conftest import WATERY, put

    water = admin_api.post("/substances", json=WATERY).json
    far = (113.40, 34.17)  # the 禹州 intake 10.9 km downstream: E3
    ents = [admin_api.post("/enterprises", json=enterprise_payload(
        n, "411081", longitude=far[0], latitude=far[1])).json for n in (1, 2, 3)]
    # 襄城县's seat: the 北汝河 intake lies within 10 km downstream: E1, Q1 M1 → major.
    other = admin_api.post("/enterprises", json=enterprise_payload(4, "411025")).json
    plans = [admin_api.post("/plans", json=plan_payload(e["id"], risk_level=level)).json
             for e, level in zip(ents + [other], ("general", "major", "general", "major"))]
    assert [p["grading_check"] for p in plans] == ["no_inventory"] * 4
    # 12.5 t / 5 t = 2.5 → Q1, M 20 → M1, E3 → general.
    body = {"substances": [{"substance_id": water["id"], "max_quantity_t": 12.5}],
            "water": {"process_units": {"listed": 1}, "control_score": 10}}
    for e in (ents[0], ents[1], other):
        r = put(admin_api, f"/enterprises/{e['id']}/risk-inventory", body)
        assert r.status_code == 200
    assert (r.json["water"]["e"], r.json["water"]["e_reasons"][0]["rule"]) == (
        "E1", "intake_within_10km")
    checks = {p["id"]: p["grading_check"] for p in admin_api.get("/plans").json["items"]}
    assert [checks[p["id"]] for p in plans] == ["agrees", "mismatch", "no_inventory", "agrees"]
    assert admin_api.get(f"/plans/{plans[1]['id']}").json["grading_check"] == "mismatch"
    _login(client, accounts, "officer", ["411081"])
    html = client.get(f"/plans/{plans[1]['id']}").get_data(as_text=True)
    assert "一般[一般-水(Q1-M1-E3)]" in html and "Q=2.5" in html
    page = client.get("/grading-check").get_data(as_text=True)
    assert plans[1]["filing_number"] in page
    assert plans[0]["filing_number"] not in page and plans[3]["filing_number"] not in page


def test_enterprise_history_names_the_inventory_change(client, accounts, admin_api):
    from tests.registry.substances.conftest import WATERY, put

    water = admin_api.post("/substances", json=WATERY).json
    e = admin_api.post("/enterprises", json=enterprise_payload(1, "411081")).json
    put(admin_api, f"/enterprises/{e['id']}/risk-inventory", {
        "substances": [{"substance_id": water["id"], "max_quantity_t": 2.5}]})
    _login(client, accounts, "officer", ["411081"])
    html = client.get(f"/enterprises/{e['id']}").get_data(as_text=True)
    assert "登记风险物质与分级" in html and "测试物质乙（水） 2.5 t" in html


def test_risk_substances_export(client, accounts, admin_api):
    import csv
    import io

    from tests.registry.substances.conftest import WATERY, put

    water = admin_api.post("/substances", json=WATERY).json
    ours = admin_api.post("/enterprises", json=enterprise_payload(1, "411081")).json
    theirs = admin_api.post("/enterprises", json=enterprise_payload(2, "411025")).json
    for e, q in ((ours, 2.5), (theirs, 7)):
        put(admin_api, f"/enterprises/{e['id']}/risk-inventory", {
            "substances": [{"substance_id": water["id"], "max_quantity_t": q, "storage": "甲罐区"}]})
    _login(client, accounts, "officer", ["411081"])
    assert "/export/risk_substances.xlsx" in client.get("/substances").get_data(as_text=True)
    r = client.get("/export/risk_substances.csv")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["统一社会信用代码", "企业名称", "风险物质", "CAS号", "最大存在量(t)"]
    assert [(row[0], row[2], row[4], row[6]) for row in rows[1:]] == [
        (ours["credit_code"], "测试物质乙（水）", "2.5", "甲罐区")]  # not the other county's
