"""The drill list and the improvement plan as real .xlsx and CSV files: the page's filter
(its defaults and tabs included), the caller's counties, labels instead of codes, Chinese
headers (English for an English session), frozen header row, fitted widths."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook

from tests.conftest import csrf_token
from tests.registry.drills.conftest import action_payload, drill_payload

# Today is pinned to 2026-06-15 (tests/conftest.py).


@pytest.fixture
def drills(admin_api, filed, client, accounts):
    """Four drills: two this year in 禹州 (411081), one this year in 襄城 (411025), one
    city-level last year; the 禹州 county drill found an overdue, an open and a verified
    problem."""
    yuzhou, xiangcheng = filed["411081"][0], filed["411025"][0]

    def drill(**kw):
        r = admin_api.post("/drills", json=drill_payload(**kw))
        assert r.status_code == 201, r.json
        return r.json

    county = drill(enterprise_ids=[yuzhou["id"]])  # 2026-05-20, 综合·实战, 水污染
    own = drill(title="禹州市华通化工反恐应急演练", held_on="2026-02-01",
                organiser_level="enterprise", theme="counter_terrorism",
                enterprise_ids=[yuzhou["id"]], organiser=yuzhou["name"])
    other = drill(title="襄城县危险化学品泄漏应急演练", held_on="2026-03-10", county_code="411025",
                  content_type=None, form_type=None, legacy_type="tabletop",
                  theme="hazardous_chemicals", enterprise_ids=[xiangcheng["id"]])
    city = drill(title="许昌市突发环境事件应急演练", held_on="2025-11-05", organiser_level="city",
                 county_code=None, theme="environmental")
    actions = {}
    for key, overrides in (("overdue", {"description": "应急池容量不足（逾期）", "due_on": "2026-05-31"}),
                           ("open", {"description": "预案中封堵责任不明确", "category": "plan"}),
                           ("verified", {"description": "值班人员不熟悉报告程序",
                                         "category": "training", "due_on": "2026-06-10"})):
        r = admin_api.post(f"/drills/{county['id']}/actions", json=action_payload(**overrides))
        assert r.status_code == 201, r.json
        actions[key] = r.json
    verifier = accounts.api(client, "admin")  # whoever marked it done may not verify it
    for status in ("in_progress", "done", "verified"):
        body = {"status": status} | ({"evidence": "培训记录及考核表"} if status == "done" else {})
        api = verifier if status == "verified" else admin_api
        assert api.patch(f"/actions/{actions['verified']['id']}", json=body).status_code == 200
    return {"county": county, "own": own, "other": other, "city": city, **actions}


def _login(client, accounts, role, counties):
    _id, name = accounts.make(role, counties)
    accounts.login(client, name)
    return client


def _sheet(response, tmp_path):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.data)
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    return sheet, header, rows


def _csv(response):
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def _page_titles(client, path) -> list[str]:
    page = client.get(path).get_data(as_text=True)
    return re.findall(r'<a href="/drills/\d+">([^<]+)</a>', page)


def test_drill_xlsx_is_the_filtered_page_with_labels(client, accounts, drills, tmp_path):
    officer = _login(client, accounts, "officer", ["411081", "411025"])
    sheet, header, rows = _sheet(officer.get("/export/drills.xlsx?organiser_level=county&page=2"),
                                 tmp_path)
    assert header[:7] == ["演练日期", "演练名称", "组织层级", "组织单位", "所在县（市、区）", "演练类型",
                          "演练主题"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b and sheet.title == "应急演练"
    # The page's default year (2026) and its filter, every page: the county drills of 2026.
    assert [r["演练名称"] for r in rows] == ["禹州市突发环境事件应急演练", "襄城县危险化学品泄漏应急演练"]
    assert [r["演练名称"] for r in rows] == _page_titles(officer, "/drills?organiser_level=county")
    first = rows[0]
    assert first["演练日期"] == datetime(2026, 5, 20)
    assert (first["组织层级"], first["演练类型"], first["演练主题"], first["污染途径"]) == (
        "县（市、区）级", "综合·实战", "水污染", "水")
    assert first["所在县（市、区）"] == "禹州市" and first["整改措施（项）"] == 3
    assert first["已验收（项）"] == 1 and first["演练状态"] == "未关闭"
    assert first["参演单位"] == "禹州市应急管理局、禹州市消防救援大队"
    assert rows[1]["演练类型"] == "桌面推演" and rows[1]["演练主题"] == "危险化学品泄漏"
    title_width = sheet.column_dimensions["B"].width
    assert title_width >= 2 * len("襄城县危险化学品泄漏应急演练")  # CJK counted double


def test_drill_export_keeps_an_emptied_year_and_the_callers_counties(client, accounts, drills):
    officer = _login(client, accounts, "officer", ["411025"])
    # year= (emptied on the page): every year; 襄城's officer sees 襄城's and city-wide drills.
    header, rows = _csv(officer.get("/export/drills.csv?year="))
    titles = [r["演练名称"] for r in rows]
    assert titles == ["襄城县危险化学品泄漏应急演练", "许昌市突发环境事件应急演练"]
    assert titles == _page_titles(officer, "/drills?year=")
    assert rows[1]["所在县（市、区）"] == "全市" and rows[1]["组织层级"] == "市级"
    # No year given: the page's default, this year only.
    assert [r["演练名称"] for r in _csv(officer.get("/export/drills.csv"))[1]] == [
        "襄城县危险化学品泄漏应急演练"]


def test_action_export_follows_the_tab_and_filters(client, accounts, drills, tmp_path):
    officer = _login(client, accounts, "officer", ["411081"])
    sheet, header, rows = _sheet(officer.get("/export/actions.xlsx?view=overdue"), tmp_path)
    assert sheet.freeze_panes == "A2" and sheet.title == "整改措施清单"
    assert header[:4] == ["责任单位", "责任人", "问题及整改措施", "问题类别"]
    assert [r["问题及整改措施"] for r in rows] == ["应急池容量不足（逾期）"]
    row = rows[0]
    assert (row["问题类别"], row["整改状态"], row["是否逾期"], row["需修订预案"]) == (
        "装备物资", "待整改", "是", "否")
    assert row["整改期限"] == datetime(2026, 5, 31) and row["演练或事件"] == "禹州市突发环境事件应急演练"
    # The "closed this year" tab: verified in 2026, with who verified it and when.
    header, rows = _csv(officer.get("/export/actions.csv?view=closed"))
    assert [(r["问题类别"], r["整改状态"], r["验收日期"]) for r in rows] == [
        ("培训", "已核查销号", "2026-06-15")]
    # A filter on top of the "all" tab, and the same rows the page lists.
    header, rows = _csv(officer.get("/export/actions.csv?view=all&category=plan"))
    assert [r["问题及整改措施"] for r in rows] == ["预案中封堵责任不明确"]
    page = officer.get("/actions?view=all&category=plan").get_data(as_text=True)
    assert "预案中封堵责任不明确" in page and "应急池容量不足" not in page


def test_action_export_respects_counties(client, accounts, drills):
    officer = _login(client, accounts, "officer", ["411025"])
    header, rows = _csv(officer.get("/export/actions.csv?view=all"))
    assert header[0] == "责任单位" and rows == []


def test_english_session_gets_english_headers_and_labels(client, accounts, drills):
    officer = _login(client, accounts, "viewer", ["411081"])
    officer.post("/lang/en", data={"csrf_token": csrf_token(officer, "/"), "next": "/drills"})
    header, rows = _csv(officer.get("/export/drills.csv?theme=water_pollution"))
    assert header[:3] == ["Held on", "Drill", "Organiser level"]
    assert [(r["Organiser level"], r["Theme"], r["Drill type"]) for r in rows] == [
        ("County level", "Water pollution", "Comprehensive·Live")]
    header, rows = _csv(officer.get("/export/actions.csv?view=overdue"))
    assert rows[0]["Category"] == "Equipment and supplies" and rows[0]["Overdue"] == "Yes"


def test_list_pages_link_exports_with_their_filter(client, accounts, drills):
    officer = _login(client, accounts, "officer", ["411081"])
    page = officer.get("/drills?theme=water_pollution&page=1").get_data(as_text=True)
    assert "/export/drills.xlsx?theme=water_pollution" in page and "/export/drills.csv?" in page
    assert "/export/drills.geojson" not in page
    page = officer.get("/actions?view=overdue&category=equipment").get_data(as_text=True)
    assert re.search(r"/export/actions\.xlsx\?[^\"]*view=overdue", page)
    assert re.search(r"/export/actions\.csv\?[^\"]*category=equipment", page)
    assert officer.get("/export/drills.geojson").status_code == 404
