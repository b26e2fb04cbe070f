"""The M sheet's risk-control items as data the administrator loads (issue #20): the import
(all or nothing, every error), the form listing them, scores held to their points.

The items and points here are invented for the test (the repository ships none: no public
copy of the standard's tables could be cited)."""
from __future__ import annotations

import csv

import sqlalchemy as sa

from tests.conftest import csrf_token
from tests.registry.substances.conftest import put
from tests.registry.substances.test_api import FAR_FROM_INTAKE, _enterprise

ITEMS = [("水", "测试项一（截流）", 8, "测试用"), ("水", "测试项二（收集）", 12, "测试用"),
         ("大气", "测试项三（监控预警）", 25, "测试用")]


def _csv(path, rows, header=("介质", "评估项目", "分值", "来源")):
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _loaded(app):
    from registry.substances.control_items import table

    with app.app_context():
        return {m: [(i.name, i.max_score) for i in items] for m, items in table().items()}


def test_import_replaces_each_medium_named(app, runner, tmp_path):
    out = runner.invoke(args=["substances", "import-control-items", str(_csv(tmp_path / "a.csv", ITEMS))])
    assert out.exit_code == 0, out.output
    assert "water: 2 items" in out.output and "air: 1 items" in out.output
    assert _loaded(app) == {"water": [("测试项一（截流）", 8), ("测试项二（收集）", 12)],
                            "air": [("测试项三（监控预警）", 25)]}
    # A file of water items only leaves air's as they were.
    out = runner.invoke(args=["substances", "import-control-items",
                              str(_csv(tmp_path / "b.csv", [("水", "测试项四", 10, "")]))])
    assert out.exit_code == 0, out.output
    assert _loaded(app) == {"water": [("测试项四", 10)], "air": [("测试项三（监控预警）", 25)]}
    from registry import audit

    with app.app_context():
        entries = [e for e in audit.history("control_items", [0])]
        assert entries and entries[0].after == {"water": ["测试项四 10"]}


def test_a_bad_file_lists_every_error_and_writes_nothing(app, runner, tmp_path):
    bad = _csv(tmp_path / "bad.csv", [("土壤", "甲", 5, ""), ("水", "", 5, ""),
                                      ("水", "乙", "很多", ""), ("水", "丙", 0, ""),
                                      ("水", "丁", 5, ""), ("水", "丁", 6, ""),
                                      ("大气", "戊", 71, "")])
    out = runner.invoke(args=["substances", "import-control-items", str(bad)])
    assert out.exit_code != 0
    for row, column in ((2, "介质"), (3, "评估项目"), (4, "分值"), (5, "分值"), (7, "评估项目"),
                        (8, "分值")):
        assert f"第 {row} 行“{column}”列" in out.output, (row, column, out.output)
    assert _loaded(app) == {}
    out = runner.invoke(args=["substances", "import-control-items",
                              str(_csv(tmp_path / "h.csv", [("水", "甲", 5)],
                                       header=("介质", "名称", "备注")))])
    assert out.exit_code != 0 and "评估项目" in out.output and "分值" in out.output
    over = _csv(tmp_path / "over.csv", [("水", f"项{i}", 10, "") for i in range(8)])
    out = runner.invoke(args=["substances", "import-control-items", str(over)])
    assert out.exit_code != 0 and "70" in out.output


def test_items_given_are_held_to_the_loaded_points(app, runner, admin_api, substances,
                                                   tmp_path):
    runner.invoke(args=["substances", "import-control-items", str(_csv(tmp_path / "a.csv", ITEMS))])
    e = _enterprise(admin_api, 1, FAR_FROM_INTAKE)
    path = f"/enterprises/{e['id']}/risk-inventory"
    body = {"substances": [{"substance_id": substances["water"]["id"], "max_quantity_t": 15}],
            "water": {"process_units": {"listed": 1}, "e": "E3",
                      "control_items": [{"item": "测试项一（截流）", "score": 9},
                                        {"item": "无此项", "score": 1}]}}
    r = put(admin_api, path, body)
    assert r.status_code == 422
    fields = r.json["error"]["fields"]
    assert "8" in fields["water.control_items.0.score"][0]
    assert "测试项一（截流）" in fields["water.control_items.1.item"][0]
    body["water"]["control_items"] = [{"item": "测试项一（截流）", "score": 8},
                                      {"item": "测试项二（收集）", "score": 12}]
    r = put(admin_api, path, body)
    assert r.status_code == 200, r.json
    assert r.json["water"]["control_score"] == 20 and r.json["water"]["m"] == 30  # 10 + 20
    # Air has items loaded too, but a total is still accepted (the API takes either).
    body["air"] = {"control_score": 5}
    assert put(admin_api, path, body).status_code == 200


def test_the_form_lists_the_items_and_sums_them(app, runner, client, accounts, admin_api,
                                                substances, tmp_path):
    runner.invoke(args=["substances", "import-control-items", str(_csv(tmp_path / "a.csv", ITEMS))])
    with app.app_context():
        from registry.extensions import db
        from registry.models import ControlItem

        ids = {i.name: i.id for i in db.session.scalars(sa.select(ControlItem))}
    e = _enterprise(admin_api, 2, FAR_FROM_INTAKE)
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    url = f"/enterprises/{e['id']}/risk-inventory"
    page = client.get(url).get_data(as_text=True)
    assert 'id="control-items-water"' in page and "测试项二（收集）" in page
    assert 'name="water-control_score"' not in page and 'name="air-control_score"' not in page
    form = {"csrf_token": csrf_token(client, url), "substance_id": str(substances["water"]["id"]),
            "max_quantity_t": "15", "storage": "", "water-listed": "1", "water-e": "E3",
            f"water-item-{ids['测试项一（截流）']}": "9",
            f"water-item-{ids['测试项二（收集）']}": "12"}
    r = client.post(url, data=form)
    assert r.status_code == 422
    assert "最多" in r.get_data(as_text=True) or "at most" in r.get_data(as_text=True)
    form[f"water-item-{ids['测试项一（截流）']}"] = "6"
    r = client.post(url, data=form)
    assert r.status_code == 302
    got = admin_api.get(f"{url}").json
    assert got["water"]["control_score"] == 18
    assert got["inputs"]["water"]["control_items"] == [
        {"item": "测试项一（截流）", "score": 6.0}, {"item": "测试项二（收集）", "score": 12.0}]
    page = client.get(url).get_data(as_text=True)
    assert f'name="water-item-{ids["测试项一（截流）"]}" size="6" inputmode="decimal" value="6.0"' in page


def test_the_substance_page_lists_what_is_loaded(app, runner, client, accounts, tmp_path):
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    page = client.get("/substances").get_data(as_text=True)
    assert 'id="control-items"' in page and "大气 0、水 0" in page
    runner.invoke(args=["substances", "import-control-items", str(_csv(tmp_path / "a.csv", ITEMS))])
    page = client.get("/substances").get_data(as_text=True)
    assert "大气 1、水 2" in page and "测试项三（监控预警）" in page


def test_a_total_recorded_before_the_items_were_loaded_stands(app, runner, client, accounts,
                                                               admin_api, substances, tmp_path):
    e = _enterprise(admin_api, 3, FAR_FROM_INTAKE)
    url = f"/enterprises/{e['id']}/risk-inventory"
    body = {"substances": [{"substance_id": substances["water"]["id"], "max_quantity_t": 15}],
            "water": {"process_units": {"listed": 1}, "control_score": 40, "e": "E3"}}
    assert put(admin_api, url, body).json["water"]["m"] == 50
    runner.invoke(args=["substances", "import-control-items", str(_csv(tmp_path / "a.csv", ITEMS))])
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    page = client.get(url).get_data(as_text=True)
    assert 'name="water-control_score" value="40' in page  # shown, not dropped
    # The officer changes a quantity and saves the form as shown: M stays 10 + 40.
    form = {"csrf_token": csrf_token(client, url), "substance_id": str(substances["water"]["id"]),
            "max_quantity_t": "20", "storage": "", "water-listed": "1", "water-e": "E3",
            "water-control_score": "40"}
    assert client.post(url, data=form).status_code == 302
    assert admin_api.get(url).json["water"]["m"] == 50


def test_the_refusal_list_names_fields_as_the_form_does(app):
    from registry.substances.views import field_label

    with app.test_request_context():
        assert field_label("substances.2.storage") == "第3行物质 · 存放位置"
        assert field_label("water.control_items.0.score") == "水 · 风险防控措施评分项第1项"
        assert field_label("air.process_units.listed") == "大气 · 列入名录的危险工艺单元数（每套10分）"
        assert field_label("air.e_reason") == "大气 · E 值与建议值不同的理由"
        assert field_label("penalised") == "近三年受过处罚"
