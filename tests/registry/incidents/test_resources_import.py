"""The resources register loaded from a workbook (issue #21): the page's upload and the
command line, all or nothing, the export read back."""
from __future__ import annotations

import io
from datetime import datetime

import openpyxl

from tests.conftest import csrf_token
from tests.registry.incidents.conftest import YUZHOU


def _bureau_workbook(rows, title="许昌市环境应急物资储备表（示例）") -> bytes:
    """Shaped like a bureau's own sheet: a merged title, then the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.merge_cells("A1:I1")
    sheet.append(["序号", "资源类别", "物资名称", "储备数量", "计量单位", "储备单位", "经度",
                  "纬度", "联系人及电话", "核查日期"])
    for n, row in enumerate(rows, 1):
        sheet.append([n, *row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ROWS = [
    ["物资", "吸附棉", 500, "卷", "禹州市生态环境分局应急物资库", 113.47, 34.16,
     "王磊 13937400001", datetime(2026, 5, 6)],
    ["装备", "应急监测车", 1, "辆", "许昌市生态环境监测中心", 113.83, 34.02, 3745678901, None],
    ["队伍", "禹州市环境应急救援队", 12, "人", "禹州市生态环境分局", 113.49, 34.15, None, None],
]


def _upload(client, content: bytes, filename="储备表.xlsx"):
    return client.post("/resources/import", data={
        "csrf_token": csrf_token(client, "/resources"),
        "file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def test_officer_loads_the_bureau_sheet_and_reloads_the_export(client, accounts, admin_api):
    _id, name = accounts.make("officer", [YUZHOU])
    accounts.login(client, name)
    r = _upload(client, _bureau_workbook(ROWS))
    assert r.status_code == 302, r.get_data(as_text=True)
    page = client.get("/resources").get_data(as_text=True)
    assert "新增 3 条" in page and "应急监测车" in page and "3745678901" in page
    items = {i["name"]: i for i in admin_api.get("/resources").json["items"]}
    assert items["吸附棉"]["kind"] == "material" and items["吸附棉"]["quantity"] == 500
    assert items["吸附棉"]["last_checked_on"] == "2026-05-06"
    assert items["禹州市环境应急救援队"]["kind"] == "team"

    # The export, edited and loaded again: the row it changed is updated, not doubled.
    book = openpyxl.load_workbook(io.BytesIO(client.get("/export/resources.xlsx").data))
    sheet = book.active
    header = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "类别")
    row = next(r for r in range(header + 1, sheet.max_row + 1) if sheet.cell(r, 2).value == "吸附棉")
    sheet.cell(row, 3).value = 650
    out = io.BytesIO()
    book.save(out)
    r = _upload(client, out.getvalue(), "应急资源.xlsx")
    assert r.status_code == 302, r.get_data(as_text=True)
    assert "更新 1 条，未变 2 条" in client.get("/resources").get_data(as_text=True)
    items = admin_api.get("/resources").json["items"]
    assert [i["quantity"] for i in items if i["name"] == "吸附棉"] == [650]
    assert len(items) == 3


def test_one_bad_row_and_nothing_is_written(client, accounts, admin_api):
    _id, name = accounts.make("officer", [YUZHOU])
    accounts.login(client, name)
    bad = [*ROWS, ["火箭", "围油栏", -3, "米", "禹州市生态环境分局", 200, 34.1, None, None]]
    r = _upload(client, _bureau_workbook(bad))
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "文件未导入，未保存任何数据。" in html
    for column in ("“类别”列", "“数量”列", "“经度”列"):
        assert f"第 6 行{column}" in html, column
    assert "物资（material）" in html  # the kinds as the page names them, not codes alone
    assert admin_api.get("/resources").json["items"] == []
    # A file without the required columns names them.
    r = _upload(client, "名称,数量\n吸附棉,5\n".encode(), "x.csv")
    assert r.status_code == 422 and "缺少列：类别、单位、所属单位、经度、纬度" in r.get_data(as_text=True)
    # Not a workbook at all, or the old format: refused with the reason.
    assert "上传" in _upload(client, b"\x00\x01", "x.exe").get_data(as_text=True)
    assert _upload(client, b"PK\x03\x04junk", "x.xlsx").status_code == 422


def test_viewer_may_not_import_and_the_page_offers_no_form(client, accounts):
    _id, name = accounts.make("viewer", [YUZHOU])
    accounts.login(client, name)
    assert 'id="resource-import-form"' not in client.get("/resources").get_data(as_text=True)
    assert _upload(client, _bureau_workbook(ROWS)).status_code == 403


def test_command_line_import(app, runner, tmp_path):
    path = tmp_path / "储备表.xlsx"
    path.write_bytes(_bureau_workbook(ROWS))
    result = runner.invoke(args=["resources", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "added 3, updated 0, unchanged 0" in result.output
    again = runner.invoke(args=["resources", "import", str(path)])
    assert "added 0, updated 0, unchanged 3" in again.output
    bad = tmp_path / "bad.csv"
    bad.write_text("类别,名称,数量,单位,所属单位,经度,纬度\n物资,吸附棉,很多,卷,分局,113.4,34.1\n",
                   "utf-8")
    result = runner.invoke(args=["resources", "import", str(bad)])
    assert result.exit_code == 1 and "第 2 行“数量”列" in result.output
    import sqlalchemy as sa

    from registry.extensions import db
    from registry.models import AuditEntry

    with app.app_context():
        entries = db.session.execute(sa.select(AuditEntry.action, AuditEntry.actor_name)
                                     .where(AuditEntry.entity_type == "resource")).all()
    assert entries == [("resource.import", "应急资源导入")] * 3  # each row added is audited
