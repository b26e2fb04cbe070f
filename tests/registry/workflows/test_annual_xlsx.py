"""The annual tables as .xlsx (one sheet per table, as numbered on the page and in the
.docx), and last year beside this year on the page, in the .docx and in the workbook."""
from __future__ import annotations

import io
import re
from urllib.parse import unquote

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.conftest import enterprise_payload, plan_payload


@pytest.fixture
def register(admin_api):
    """许昌: one general plan filed in 2023 (禹州), one serious plan filed in 2025 (长葛)."""
    e1 = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    e2 = admin_api.post("/enterprises", json=enterprise_payload(2, county="411082",
                                                                name="长葛市恒达化工有限公司")).json
    assert admin_api.post("/plans", json=plan_payload(e1["id"], signed_on="2023-06-26",
                                                      filed_on="2023-07-10")).status_code == 201
    assert admin_api.post("/plans", json=plan_payload(e2["id"], risk_level="serious",
                                                      signed_on="2025-02-03",
                                                      filed_on="2025-02-20")).status_code == 201
    return e1, e2


@pytest.fixture
def officer(client, accounts):
    _id, name = accounts.make("officer", ["411081", "411082"])
    accounts.login(client, name)
    return client


def _workbook(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.data))


def _rows(sheet) -> list[list]:
    return [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]


def test_workbook_holds_each_table_of_the_docx_with_numbers_as_numbers(officer, register):
    r = officer.get("/annual/2025.xlsx")
    book = _workbook(r)
    disposition = unquote(r.headers["Content-Disposition"])
    assert "许昌市2025年环境应急管理工作情况.xlsx" in disposition  # named like the .docx
    assert book.properties.creator == "许昌市生态环境局"
    document = Document(io.BytesIO(officer.get("/annual/2025.docx").data))
    captions = [p.text for p in document.paragraphs if re.match(r"表\d+  ", p.text)]
    assert book.sheetnames[0] == "说明"
    assert book.sheetnames[1:] == [c.replace("  ", " ")[:31] for c in captions]
    assert captions[-1].endswith("与上年对比")
    summary = book["说明"]
    assert summary["A1"].value == "许昌市2025年环境应急管理工作情况"
    assert summary["A3"].value == document.paragraphs[1].text  # the report's paragraph
    for sheet, table, caption in zip(book.worksheets[1:], document.tables, captions, strict=True):
        assert sheet["A1"].value == caption and sheet.freeze_panes == "A3"
        assert sheet.print_title_rows == "$1:$2" and sheet.page_setup.paperSize == 9
        rows = _rows(sheet)
        docx_rows = [[c.text for c in row.cells] for row in table.rows]
        assert rows[0] == docx_rows[0]  # the same header
        signed = caption.endswith("与上年对比")  # its last column is a change: +1 in the .docx
        shown = [[f"{v:+d}" if signed and i == 3 and v else str(v) for i, v in enumerate(values)]
                 for values in rows[1:]]
        assert shown == docx_rows[1:]
        assert all(isinstance(v, int) for values, texts in zip(rows[1:], docx_rows[1:])
                   for v, text in zip(values, texts) if re.fullmatch(r"[+-]?\d+", text))
    levels = book.worksheets[1]
    assert _rows(levels)[-1] == ["合计", 1, 0, 2]
    total_row = list(levels.iter_rows(min_row=levels.max_row, max_row=levels.max_row))[0]
    assert total_row[0].font.b and total_row[3].alignment.horizontal == "right"
    counties = book.worksheets[2]
    assert _rows(counties)[1:] == [["禹州市", 0, 1, 0, 0, 1], ["长葛市", 1, 0, 0, 1, 1],
                                   ["合计", 1, 1, 0, 1, 2]]


def test_last_year_beside_this_year(officer, register):
    book = _workbook(officer.get("/annual/2025.xlsx"))
    compared = book.worksheets[-1]
    rows = {row[0]: row[1:] for row in _rows(compared)[1:]}
    assert _rows(compared)[0] == ["指标", "2025年", "2024年", "增减"]
    assert rows["有效备案（家）"] == [2, 1, 1]
    assert rows["其中重大环境风险等级"] == [1, 0, 1]
    assert rows["其中一般环境风险等级"] == [1, 1, 0]
    assert rows["年内新增备案（家）"] == [1, 0, 1]
    assert rows["应急演练（次）"] == [0, 0, 0]
    change = next(c for c in compared["D"] if c.value == 1)
    assert change.number_format == "+0;-0;0" and change.alignment.horizontal == "right"
    # The page shows the same table with signed changes; the year still running says so.
    page = officer.get("/annual?year=2025").get_data(as_text=True)
    assert "与上年对比" in page and '<td class="text-end">+1</td>' in page
    page = officer.get("/annual?year=2026").get_data(as_text=True)
    assert "2026年（截至6月15日）" in page and "<th>2025年</th>" in page
    # 2024 against 2023: the general plan was in force at both ends; nothing was filed in 2024.
    rows = {row[0]: row[1:] for row in _rows(_workbook(officer.get("/annual/2024.xlsx")).worksheets[-1])[1:]}
    assert rows["有效备案（家）"] == [1, 1, 0] and rows["年内新增备案（家）"] == [0, 1, -1]


def test_first_year_has_nothing_to_compare_and_a_bad_year_is_refused(officer, register):
    book = _workbook(officer.get("/annual/2000.xlsx"))
    assert not any(name.endswith("与上年对比") for name in book.sheetnames)
    assert officer.get("/annual/2031.xlsx").status_code == 422
    assert officer.get("/annual/1999.xlsx").status_code == 422


def test_workbook_is_scoped_to_the_officers_counties(client, accounts, register):
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    book = _workbook(client.get("/annual/2025.xlsx"))
    assert _rows(book.worksheets[1])[-1] == ["合计", 0, 0, 1]
    assert "长葛市" not in str(_rows(book.worksheets[2]))
