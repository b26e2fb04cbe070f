"""The agreement register as real .xlsx and CSV files: the page's status filter, labels
instead of codes, frozen Chinese header row; every signed-in user reads the register."""
from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from tests.registry.agreements.payloads import luohe, zhoukou


@pytest.fixture
def register(admin_api):
    """Luohe (signed 2024-03-18 for 5 years: in force) and Zhoukou, shortened to run out
    on 2026-07-20 (within 60 days of the pinned today, 2026-06-15: expiring)."""
    made = [admin_api.post("/agreements", json=luohe()),
            admin_api.post("/agreements", json=zhoukou(expires_on="2026-07-20"))]
    assert all(r.status_code == 201 for r in made), [r.json for r in made]
    return made


def test_xlsx_keeps_the_status_filter_and_labels(client, accounts, register, tmp_path):
    _id, name = accounts.make("viewer", ["411081"])
    accounts.login(client, name)
    r = client.get("/export/agreements.xlsx?status=active")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    (tmp_path / "a.xlsx").write_bytes(r.data)
    sheet = load_workbook(tmp_path / "a.xlsx").active
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["协议名称", "签约城市", "对方生态环境部门", "涉及河流", "签订日期"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    rows = [dict(zip(header, v)) for v in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 1
    row = rows[0]
    assert row["协议名称"] == "许昌市—漯河市跨界突发水污染事件联防联控协议"
    assert (row["签约城市"], row["涉及河流"], row["协议状态"]) == ("漯河市", "颍河、清潩河", "有效")
    assert row["签订日期"] == datetime(2024, 3, 18) and row["有效期至"] == datetime(2029, 3, 17)
    # 赵红 verified 2025-10-01
    assert (row["联系人（人）"], row["待核实联系人（人）"], row["通报时限（小时）"]) == (2, 1, 1)
    assert row["跨界断面"] == "颍河许昌—漯河交界断面、清潩河许昌—漯河交界断面"
    assert sheet.column_dimensions["A"].width >= 2 * len(row["协议名称"])


def test_csv_bom_expiring_and_the_page_links_it(client, accounts, register):
    _id, name = accounts.make("officer", ["411025"])
    accounts.login(client, name)
    r = client.get("/export/agreements.csv?status=expiring")
    assert r.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][1] == "周口市"
    assert rows[1][rows[0].index("协议状态")] == "即将到期"
    assert rows[1][rows[0].index("期限（年）")] == ""  # given by expiry date, not a term
    # A status the page does not know shows the whole register, on the page and in the file.
    everything = list(csv.reader(io.StringIO(
        client.get("/export/agreements.csv?status=lapsed").data.decode("utf-8-sig"))))
    assert len(everything) == 3
    page = client.get("/agreements?status=expiring").get_data(as_text=True)
    assert "/export/agreements.xlsx?status=expiring" in page
    assert "/export/agreements.csv?status=expiring" in page


def test_text_that_looks_like_a_formula_stays_text(client, accounts, admin_api, tmp_path):
    title = '=HYPERLINK("http://example.com/x","打开")许昌市—漯河市联防联控协议'
    assert admin_api.post("/agreements", json=luohe(title=title)).status_code == 201
    _id, name = accounts.make("viewer", ["411081"])
    accounts.login(client, name)
    (tmp_path / "f.xlsx").write_bytes(client.get("/export/agreements.xlsx").data)
    cell = load_workbook(tmp_path / "f.xlsx").active["A2"]
    assert cell.value == title and cell.data_type == "s"
    rows = list(csv.reader(io.StringIO(
        client.get("/export/agreements.csv").data.decode("utf-8-sig"))))
    assert rows[1][0] == "'" + title
