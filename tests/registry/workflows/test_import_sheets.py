"""Imports of registers shaped like real bureau sheets (issue #16 §2), each built with
openpyxl: every error in one pass, title rows, numeric codes, grouped codes, coordinates,
out-of-scope counties, the export round trip."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.conftest import csrf_token
from tests.registry.workflows.helpers import row, write_xlsx

# One row breaking five rules in five columns: before, the officer needed three uploads
# (county and date, then credit code and phone, then the level).
BROKEN = {"所在县（市、区）": "不存在县", "签署发布日期": "5月1日", "统一社会信用代码": "91411081MA0000002X",
          "联系电话": "12345", "环境风险等级": "很高"}
BROKEN_COLUMNS = ["统一社会信用代码", "所在县（市、区）", "联系电话", "签署发布日期", "环境风险等级"]


def _run(app, path, actor=None, dry_run=False):
    from registry.permissions import SYSTEM
    from registry.workflows.importer import run_import
    from registry.workflows.source import read_register

    with app.app_context():
        return run_import(actor or SYSTEM, read_register(path), dry_run=dry_run)


def _upload(client, path, name=None):
    token = csrf_token(client, "/import")
    return client.post("/import", data={"csrf_token": token,
                                        "file": (io.BytesIO(path.read_bytes()), name or path.name)},
                       content_type="multipart/form-data")


def test_one_pass_lists_every_error_of_a_row(app, tmp_path):
    path = write_xlsx(tmp_path / "bad.xlsx", [row(1), row(2, **BROKEN)])
    result = _run(app, path)
    assert not result.committed
    assert [(e.row, e.column) for e in result.errors] == [(3, c) for c in BROKEN_COLUMNS]
    values = {e.column: e.value for e in result.errors}
    assert values["联系电话"] == "12345" and values["环境风险等级"] == "很高"
    assert all(e.message for e in result.errors)


def test_web_cli_and_report_list_every_error_at_once(app, client, runner, accounts, tmp_path):
    path = write_xlsx(tmp_path / "bad.xlsx", [row(1), row(2, **BROKEN)])
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    r = _upload(client, path)
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    for column in BROKEN_COLUMNS:
        assert f'<td class="text-nowrap">{column}</td>' in page, column
    token = r.headers["Location"].rsplit("/", 1)[1]
    (tmp_path / "r.xlsx").write_bytes(client.get(f"/import/{token}/report.xlsx").data)
    listed = list(load_workbook(tmp_path / "r.xlsx")["错误清单"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1]) for r in listed] == [(3, c) for c in BROKEN_COLUMNS]
    out = runner.invoke(args=["import", str(path)])
    assert out.exit_code == 1
    for column in BROKEN_COLUMNS:
        assert f"row 3\t{column}\t" in out.output, column
    assert "5 error(s) in 1 row(s)" in out.output


def _titled(path, rows, title="许昌市企业突发环境事件应急预案备案台账（2024年）"):
    """A bureau's sheet: a merged title row, a line naming who filled it in, a blank row,
    then the header and the rows."""
    from openpyxl import Workbook

    from tests.registry.workflows.helpers import HEADERS

    book = Workbook()
    sheet = book.active
    sheet["A1"] = title
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet["A2"], sheet["F2"] = "填报单位：许昌市生态环境局禹州分局", "填报日期：2024年3月1日"
    sheet.append([])
    sheet.append(HEADERS)
    for values in rows:
        sheet.append([values.get(h) for h in HEADERS])
    book.save(path)
    return path


def test_header_found_below_a_merged_title_row(app, tmp_path):
    from registry.workflows.source import read_register

    path = _titled(tmp_path / "台账.xlsx", [row(1), row(2, 签署发布日期="5月1日")])
    with app.app_context():
        register = read_register(path)
    assert register.headers[0] == "企业名称" and [n for n, _v in register.rows] == [5, 6]
    result = _run(app, path)
    assert [(e.row, e.column) for e in result.errors] == [(6, "签署发布日期")]  # as Excel numbers it
    result = _run(app, _titled(tmp_path / "ok.xlsx", [row(1), row(2)]))
    assert result.committed and result.counts["enterprise_created"] == 2


def test_a_credit_code_in_a_number_cell_is_told_to_be_text(app, tmp_path):
    import csv

    from tests.registry.workflows.helpers import HEADERS

    rows = [row(1, 统一社会信用代码=9.141100212792179e+17), row(2, 统一社会信用代码=914110021279217920)]
    result = _run(app, write_xlsx(tmp_path / "numbers.xlsx", rows))
    errors = [(e.row, e.column, e.message) for e in result.errors]
    assert [e[:2] for e in errors] == [(2, "统一社会信用代码"), (3, "统一社会信用代码")]
    assert all("数字" in m and "15位" in m and "文本" in m and "校验" not in m for *_x, m in errors)
    # Excel's CSV keeps the number as it shows it.
    path = tmp_path / "numbers.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        writer.writerow(["9.14110021279218E+17" if h == "统一社会信用代码" else row(1).get(h)
                         for h in HEADERS])
    result = _run(app, path)
    assert [e.column for e in result.errors] == ["统一社会信用代码"] and "15位" in result.errors[0].message


def test_template_formats_credit_code_and_phone_as_text(app, client, accounts, tmp_path):
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    (tmp_path / "t.xlsx").write_bytes(client.get("/import/template.xlsx").data)
    sheet = load_workbook(tmp_path / "t.xlsx").active
    letters = {cell.value.rstrip("*"): cell.column_letter for cell in sheet[1]}
    for header in ("统一社会信用代码", "联系电话"):
        assert sheet.column_dimensions[letters[header]].number_format == "@", header
        assert sheet[f"{letters[header]}2"].number_format == "@", header
    assert sheet.column_dimensions[letters["企业名称"]].number_format != "@"


def _grouped(code: str) -> str:
    return " ".join(code[i:i + 4] for i in range(0, 18, 4))  # 9141 1081 MA00 0001 X


def test_spaces_inside_a_credit_code_are_removed_in_import_form_and_api(app, client, accounts,
                                                                        admin_api, tmp_path):
    import re

    import sqlalchemy as sa

    from registry.extensions import db
    from registry.models import Enterprise
    from tests.conftest import credit_code, enterprise_payload

    one, two, three, four = (credit_code(n, "411081") for n in (1, 2, 3, 4))
    path = write_xlsx(tmp_path / "grouped.xlsx", [
        row(1, 统一社会信用代码=one[:8] + " " + one[8:]), row(2, 统一社会信用代码=_grouped(two))])
    assert _run(app, path).committed
    r = admin_api.post("/enterprises", json=enterprise_payload(3, "411081",
                                                               credit_code=_grouped(three)))
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["credit_code"] == three
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    page = client.get("/enterprises/new").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="credit_code"[^>]*>', page).group(0)
    assert int(re.search(r"maxlength=\"?(\d+)", field).group(1)) >= len(_grouped(four)) + 4
    form = {k: v for k, v in enterprise_payload(4, "411081", credit_code=_grouped(four)).items()
            if k != "cross_region"}
    r = client.post("/enterprises/new", data={**form, "csrf_token": csrf_token(client, "/enterprises/new")})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    with app.app_context():
        stored = set(db.session.scalars(sa.select(Enterprise.credit_code)))
    assert stored == {one, two, three, four}


def test_a_point_outside_the_declared_county_is_an_import_error(app, tmp_path):
    rows = [row(1), row(2, 经度=120.5), row(3, county="长葛市", 经度=113.47, 纬度=34.17),
            row(4, 经度=120.5, 签署发布日期="5月1日")]
    result = _run(app, write_xlsx(tmp_path / "points.xlsx", rows))
    assert not result.committed
    found = {(e.row, e.column): e for e in result.errors}
    assert set(found) == {(3, "经度"), (4, "经度"), (5, "经度"), (5, "签署发布日期")}
    assert "禹州市" in found[3, "经度"].message and "不在地图上的任何县" in found[3, "经度"].message
    assert found[3, "经度"].value == "120.5"
    assert "长葛市" in found[4, "经度"].message and "该点位于禹州市" in found[4, "经度"].message


def test_registration_form_warns_of_a_point_outside_the_county(app, client, accounts):
    from tests.conftest import enterprise_payload

    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)

    def register(n, **overrides):
        form = {k: v for k, v in enterprise_payload(n, "411081", **overrides).items()
                if k != "cross_region"}
        r = client.post("/enterprises/new", data={**form, "csrf_token": csrf_token(client, "/enterprises/new")})
        assert r.status_code == 302
        return client.get(r.headers["Location"]).get_data(as_text=True)

    assert "不在所填的禹州市范围内" in register(1, longitude=120.5)  # saved, with a warning
    assert "不在所填的" not in register(2)


NO_POINT = [h for h in __import__("tests.registry.workflows.helpers", fromlist=["HEADERS"]).HEADERS
            if h not in ("经度", "纬度")]


def test_a_register_without_coordinates_imports_and_waits_on_location_checks(app, client, accounts,
                                                                            tmp_path):
    import re

    import sqlalchemy as sa

    from registry.extensions import db
    from registry.models import Enterprise

    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    # A county register has no coordinate columns at all; another leaves the cells empty.
    r = _upload(client, write_xlsx(tmp_path / "县台账.xlsx", [row(1), row(2)], headers=NO_POINT))
    assert r.status_code == 302
    preview = client.get(r.headers["Location"]).get_data(as_text=True)
    assert 'id="import-unplaced"' in preview and "2家企业没有经纬度" in preview and "待定位" in preview
    token = r.headers["Location"].rsplit("/", 1)[1]
    r = client.post(f"/import/{token}/confirm", data={"csrf_token": csrf_token(client, f"/import/{token}")})
    assert r.status_code == 302
    result = _run(app, write_xlsx(tmp_path / "空.xlsx", [row(3, 经度=None, 纬度=None),
                                                        row(4, 经度=113.47, 纬度=None)]))
    assert [(e.row, e.column) for e in result.errors] == [(3, "纬度")]  # both or neither
    assert _run(app, write_xlsx(tmp_path / "空.xlsx", [row(3, 经度=None, 纬度=None)])).committed
    with app.app_context():
        stored = {e.name: (e.id, e.longitude, e.latitude) for e in db.session.scalars(sa.select(Enterprise))}
    assert all(lon is None and lat is None for _i, lon, lat in stored.values())
    # Off the map; listed on 位置核查 as 待定位 with a way to place each.
    points = client.get("/map/frame").get_data(as_text=True)
    assert "瑞丰化工有限公司1号厂" not in points
    checks = client.get("/map/checks").get_data(as_text=True)
    unplaced = re.search(r'<table[^>]*id="unplaced".*?</table>', checks, re.S).group(0)
    assert "待定位" in checks and unplaced.count("/place") == 3
    first = stored["许昌市瑞丰化工有限公司1号厂"][0]
    page = client.get(f"/map/checks/{first}/place").get_data(as_text=True)
    assert 'id="picker"' in page and 'name="longitude"' in page  # click on the map, or type
    path = f"/map/checks/{first}/place"
    r = client.post(path, data={"longitude": "113.47", "csrf_token": csrf_token(client, path)})
    assert r.status_code == 422
    r = client.post(path, data={"longitude": "113.47", "latitude": "34.17",
                                "csrf_token": csrf_token(client, path)})
    assert r.status_code == 302
    assert "瑞丰化工有限公司1号厂" in client.get("/map/frame").get_data(as_text=True)
    assert client.get("/map/checks").get_data(as_text=True).count(f"/checks/{first}/place") == 0
    # A re-import without coordinates leaves the placed point where it is.
    assert _run(app, write_xlsx(tmp_path / "再.xlsx", [row(1, 经度=None, 纬度=None)])).committed
    with app.app_context():
        assert db.session.get(Enterprise, first).longitude == 113.47


def test_coordinates_are_optional_in_the_form_and_api_but_come_in_pairs(app, admin_api):
    from tests.conftest import enterprise_payload

    r = admin_api.post("/enterprises", json=enterprise_payload(1, "411081", longitude=None,
                                                               latitude=None))
    assert r.status_code == 201 and r.get_json()["longitude"] is None
    r = admin_api.post("/enterprises", json=enterprise_payload(2, "411081", latitude=None))
    assert r.status_code == 422 and "latitude" in r.get_json()["error"]["fields"]


def test_the_migration_keeps_the_data_version_triggers(app):
    import sqlalchemy as sa

    from registry.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            names = db.session.scalars(sa.text(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'enterprises'::regclass")).all()
            assert "enterprises_data_version" in names
            return
        names = db.session.scalars(sa.text(
            "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='enterprises'")).all()
    assert sorted(names) == [f"enterprises_data_version_{e}" for e in ("delete", "insert", "update")]


def test_an_unplaced_enterprise_has_no_trace_but_says_why(app, admin_api, client, accounts):
    from tests.conftest import enterprise_payload

    e = admin_api.post("/enterprises", json=enterprise_payload(1, "411081", longitude=None,
                                                               latitude=None)).get_json()
    _id, name = accounts.make("admin")
    accounts.login(client, name)
    for path in (f"/enterprises/{e['id']}/downstream", f"/notification-sheet?enterprise_id={e['id']}"):
        r = client.get(path)
        assert r.status_code == 422 and "请先在“位置核查”中定位" in r.get_data(as_text=True), path
    page = client.get(f"/enterprises/{e['id']}").get_data(as_text=True)
    assert "待定位" in page and f"/map/checks/{e['id']}/place" in page


def test_a_county_officer_importing_a_city_file_is_told_once(app, client, accounts, tmp_path):
    rows = [row(1)] + [row(n, county="长葛市") for n in range(2, 40)] + [
        row(n, county="魏都区") for n in range(40, 60)] + [row(60, 签署发布日期="5月1日")]
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    r = _upload(client, write_xlsx(tmp_path / "全市台账.xlsx", rows))
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert page.count("本账号只能导入") == 1 and "禹州市（411081）" in page
    assert "58行" in page and "长葛市 38" in page and "魏都区 20" in page
    assert "您无权" not in page and "无权" not in page
    assert "第61行" not in page and '<td>61</td>' in page  # the in-scope row's own error still listed
    from registry.extensions import db
    from registry.models import User
    from registry.workflows.importer import run_import
    from registry.workflows.source import read_register

    with app.app_context():
        result = run_import(db.session.get(User, _id), read_register(write_xlsx(tmp_path / "b.xlsx", rows)))
    assert [(e.row, e.column) for e in result.errors] == [(0, "所在县（市、区）"), (61, "签署发布日期")]


def test_every_importable_export_imports_back_unchanged(app, client, accounts, admin_api, tmp_path):
    from tests.conftest import enterprise_payload, plan_payload

    e1 = admin_api.post("/enterprises", json=enterprise_payload(1, "411081")).get_json()
    e2 = admin_api.post("/enterprises", json=enterprise_payload(2, "411082", cross_region=True,
                                                                contact_phone="0374-1234567")).get_json()
    e3 = admin_api.post("/enterprises", json=enterprise_payload(3, "411081", longitude=None,
                                                                latitude=None)).get_json()
    assert admin_api.post("/plans", json=plan_payload(e1["id"])).status_code == 201
    assert admin_api.post("/plans", json=plan_payload(e2["id"], risk_level="major",
                                                      documents=["filing_form"])).status_code == 201
    assert e3["id"]
    _id, name = accounts.make("admin")
    accounts.login(client, name)
    for export in ("enterprises", "plans"):
        r = client.get(f"/export/{export}.xlsx")
        assert r.status_code == 200
        path = tmp_path / f"{export}.xlsx"
        path.write_bytes(r.data)
        result = _run(app, path, dry_run=True)
        assert result.errors == [], (export, result.errors)
        changed = {k: v for k, v in result.counts.items() if v and not k.endswith("unchanged")}
        assert changed == {}, (export, result.counts)
        assert result.counts["enterprise_unchanged"] == (3 if export == "enterprises" else 2)


def test_an_xls_file_is_told_to_be_saved_as_xlsx(app, client, accounts, runner, tmp_path):
    # The start of a real BIFF8 (.xls) file: an OLE2 compound document.
    xls = tmp_path / "台账.xls"
    xls.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504)
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    r = _upload(client, xls)
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "另存为" in page and ".xlsx" in page
    out = runner.invoke(args=["import", str(xls)])
    assert out.exit_code != 0 and "另存为" in out.output


def test_preview_shows_only_the_rows_that_change_and_counts_per_kind(app, client, accounts, tmp_path):
    import re

    rows = [row(n) for n in range(1, 61)]
    assert _run(app, write_xlsx(tmp_path / "a.xlsx", rows)).committed
    rows[54] = row(55, 联系电话="0374-7654321")  # one change, past the first 50 rows
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    r = _upload(client, write_xlsx(tmp_path / "b.xlsx", rows))
    location = r.headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "瑞丰化工有限公司55号厂" not in page  # hidden among 60 unchanged-looking rows
    assert re.search(r'data-kind="enterprise_updated">1<', page)
    assert re.search(r'data-kind="enterprise_unchanged">59<', page)
    assert re.search(r'data-kind="plan_unchanged">60<', page)
    changes = client.get(location + "?only=changes").get_data(as_text=True)
    assert "仅显示有变化的行" in changes
    body = re.search(r'<table[^>]*id="import-preview".*?</table>', changes, re.S).group(0)
    assert body.count("<tr>") == 2 and "瑞丰化工有限公司55号厂" in body  # header + the one row


def test_error_report_shows_dates_as_dates(app, client, accounts, tmp_path):
    from datetime import date, datetime

    rows = [row(1, 签署发布日期=datetime(2030, 5, 4), 备案日期=None)]  # signed in the future
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    r = _upload(client, write_xlsx(tmp_path / "d.xlsx", rows))
    token = r.headers["Location"].rsplit("/", 1)[1]
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "00:00:00" not in page
    (tmp_path / "r.xlsx").write_bytes(client.get(f"/import/{token}/report.xlsx").data)
    book = load_workbook(tmp_path / "r.xlsx")
    listed = list(book["错误清单"].iter_rows(min_row=2, values_only=True))
    assert (2, "签署发布日期", "2030-05-04") in [line[:3] for line in listed]
    data = book["原始数据（错误已标红）"]
    headers = [c.value for c in data[1]]
    signed = data.cell(row=2, column=headers.index("签署发布日期") + 1)
    assert signed.number_format == "yyyy-mm-dd" and signed.value.date() == date(2030, 5, 4)
