"""Exports keep the list's filter; the dashboard's numbers link to the lists that hold them;
the annual figures read as the bureau's report and download as .docx."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from openpyxl import load_workbook

from tests.conftest import enterprise_payload, plan_payload


@pytest.fixture
def register(admin_api):
    """Three enterprises in two counties; two with plans (general, serious)."""
    e1 = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    e2 = admin_api.post("/enterprises", json=enterprise_payload(2, county="411082",
                                                                name="长葛市恒达铸造有限公司")).json
    e3 = admin_api.post("/enterprises", json=enterprise_payload(3, county="411081",
                                                                name="禹州市鑫泰陶瓷有限公司")).json
    p1 = admin_api.post("/plans", json=plan_payload(e1["id"], signed_on="2023-06-26",
                                                    filed_on="2023-07-10")).json
    p2 = admin_api.post("/plans", json=plan_payload(e2["id"], risk_level="serious",
                                                    signed_on="2025-02-03", filed_on="2025-02-20")).json
    assert p1["review_due_on"] == "2026-06-26" and p2["risk_level"] == "serious"
    return e1, e2, e3


@pytest.fixture
def officer(client, accounts):
    _id, name = accounts.make("officer", ["411081", "411082"])
    accounts.login(client, name)
    return client


def test_xlsx_export_keeps_filter_and_has_chinese_frozen_fitted_header(officer, register, tmp_path):
    r = officer.get("/export/enterprises.xlsx?county_code=411081&page=2")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in r.headers["Content-Disposition"]
    (tmp_path / "e.xlsx").write_bytes(r.data)
    sheet = load_workbook(tmp_path / "e.xlsx").active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["企业名称", "统一社会信用代码", "所在县（市、区）"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    names = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == ["禹州市鑫泰陶瓷有限公司", "许昌市测试化工有限公司1号厂"]  # page ignored, filter kept
    width_a = sheet.column_dimensions["A"].width
    assert width_a >= 2 * len("许昌市测试化工有限公司1号厂") - 2  # CJK counted double
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0].endswith("1号厂"))
    assert row[header.index("环境风险等级")] == "一般" and row[header.index("是否跨区域")] == "否"
    assert row[header.index("签署发布日期")].date().isoformat() == "2023-06-26"


def test_csv_has_bom_and_plans_filter(officer, register):
    r = officer.get("/export/plans.csv?risk_level=serious")
    assert r.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["备案编号", "企业名称"] and len(rows) == 2
    assert rows[1][1] == "长葛市恒达铸造有限公司" and rows[1][rows[0].index("环境风险等级")] == "重大"


def test_geojson_for_enterprises_only(officer, register):
    r = officer.get("/export/enterprises.geojson")
    data = json.loads(r.data)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 3
    feature = data["features"][0]
    assert feature["geometry"]["type"] == "Point" and len(feature["geometry"]["coordinates"]) == 2
    assert "企业名称" in feature["properties"]
    assert officer.get("/export/plans.geojson").status_code == 404
    assert officer.get("/export/nothing.xlsx").status_code == 404


def test_export_respects_jurisdiction(client, accounts, register):
    _id, name = accounts.make("viewer", ["411082"])
    accounts.login(client, name)
    rows = list(csv.reader(io.StringIO(client.get("/export/enterprises.csv").data.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["长葛市恒达铸造有限公司"]


def test_exported_register_imports_back_unchanged(app, officer, register, tmp_path):
    from tests.registry.workflows.test_import import _run

    path = tmp_path / "roundtrip.xlsx"
    path.write_bytes(officer.get("/export/enterprises.xlsx").data)
    result = _run(app, path)
    assert result.errors == [] and result.counts["enterprise_unchanged"] == 3, result.counts
    assert result.counts["plan_unchanged"] == 2, str(result.counts)


def test_list_pages_link_exports_with_their_filter(officer, register):
    page = officer.get("/enterprises?county_code=411081&page=1").get_data(as_text=True)
    assert "/export/enterprises.xlsx?county_code=411081" in page
    assert "/export/enterprises.geojson?county_code=411081" in page
    page = officer.get("/plans?risk_level=serious&current=1").get_data(as_text=True)
    assert re.search(r"/export/plans\.csv\?[^\"]*risk_level=serious", page)


def test_dashboard_numbers_link_to_lists_that_hold_them(officer, register):
    page = officer.get("/").get_data(as_text=True)
    assert 'data-figure="total">2<' in page and 'data-figure="serious">1<' in page
    # Today is pinned to 2026-06-15: the 2023-06-26 plan's review falls due within 30 days.
    assert 'data-figure="due30">1<' in page and 'data-figure="due90">1<' in page
    assert "vendor/chart.js/chart.umd.min.js" in page
    charts = json.loads(re.search(r'id="dashboard-data">(.*?)</script>', page, re.S).group(1))
    assert charts["level"]["values"] == [1, 0, 1]
    for link, expected in ((charts["level"]["links"][2], 1), ("/plans?due_within_days=30", 1),
                           (charts["county"]["links"][0], 1), ("/plans?current=1", 2)):
        listing = officer.get(link).get_data(as_text=True)
        assert f"共 {expected} 条" in listing, link


def test_dashboard_panel_registry(app, officer, register, tmp_path):
    from registry.areas import registry
    from registry.workflows import dashboard

    template = tmp_path / "panel.html"
    template.write_text('<div class="card" id="test-panel">演练 {{ panel_data.count }}</div>')
    app.jinja_loader.searchpath.append(str(tmp_path))
    panels = registry(app).dashboard_panels
    panels["test"] = dashboard.Panel("test", "panel.html", lambda actor, today: {"count": 41})
    try:
        page = officer.get("/").get_data(as_text=True)
        assert 'data-panel="test"' in page and "演练 41" in page
    finally:
        panels.pop("test")


def test_demo_dashboard_shows_the_report_figures(demo, client, accounts):
    assert demo.exit_code == 0
    _id, name = accounts.make("admin")
    accounts.login(client, name)
    page = client.get("/").get_data(as_text=True)
    for figure, value in (("total", 527), ("general", 494), ("major", 26), ("serious", 7)):
        assert f'data-figure="{figure}">{value}<' in page


def test_annual_figures_paragraph_tables_and_docx(officer, register, tmp_path):
    page = officer.get("/annual?year=2025").get_data(as_text=True)
    paragraph = re.search(r'id="annual-paragraph">(.*?)</p>', page, re.S).group(1)
    assert paragraph == ("2025年，督促指导企业及时修编环境应急预案，"
                         "全年新增环境风险企业预案备案1家、修订后重新备案0家。"
                         "截至2025年底，辖区内共完成环境风险企业预案备案2家，其中一般风险等级1家，"
                         "较大风险等级0家，重大环境风险等级1家。")
    assert "按县（市、区）" in page and "长葛市" in page
    r = officer.get("/annual/2025.docx")
    assert r.status_code == 200
    (tmp_path / "a.docx").write_bytes(r.data)
    document = Document(str(tmp_path / "a.docx"))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "许昌市2025年环境应急管理工作情况" and texts[1] == paragraph
    level_table = document.tables[0]
    assert [c.text for c in level_table.rows[0].cells] == ["环境风险等级", "年内新增备案", "年内修订备案",
                                                          "有效备案（家）"]
    assert [c.text for c in level_table.rows[-1].cells] == ["合计", "1", "0", "2"]
    # A4 with the official margins, the bureau as author, header rows repeat, numbers right.
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert document.core_properties.author == "许昌市生态环境局"
    assert level_table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert level_table.rows[-1].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # Mid-year: figures as of today, said so.
    page = officer.get("/annual?year=2026").get_data(as_text=True)
    assert "截至2026年6月15日" in page
    # 2023: only the first plan existed.
    page = officer.get("/annual?year=2023").get_data(as_text=True)
    assert "共完成环境风险企业预案备案1家" in page
    assert officer.get("/annual?year=2031").status_code == 422


def test_formula_guarded_csv_imports_back_unchanged(app, admin_api, officer, tmp_path):
    """The CSV export guards a text Excel would take for a formula with an apostrophe
    ('=…', '-…'); importing that CSV again reads the text without it: nothing changes."""
    from tests.registry.workflows.test_import import _run

    e = admin_api.post("/enterprises", json=enterprise_payload(
        7, county="411081", address="-许昌市禹州市示范路7号（待核）", industry="=化工"))
    assert e.status_code == 201, e.json
    assert admin_api.post("/plans", json=plan_payload(e.json["id"])).status_code == 201
    exported = officer.get("/export/enterprises.csv").data
    assert "'-许昌市禹州市示范路7号" in exported.decode("utf-8-sig")
    assert "'=化工" in exported.decode("utf-8-sig")
    path = tmp_path / "roundtrip.csv"
    path.write_bytes(exported)
    result = _run(app, path)
    assert result.errors == [] and result.counts["enterprise_unchanged"] == 1, result.counts
    stored = admin_api.get(f"/enterprises/{e.json['id']}").json
    assert (stored["address"], stored["industry"]) == ("-许昌市禹州市示范路7号（待核）", "=化工")
