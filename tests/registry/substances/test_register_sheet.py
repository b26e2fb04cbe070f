"""The register's 风险物质 sheet (issue #20): read by the import beside the enterprises, all
or nothing, every error by sheet, row and column; written by the template and the
enterprises export so that an export imports back unchanged."""
from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from tests.conftest import credit_code, csrf_token
from tests.registry.substances.conftest import put
from tests.registry.substances.test_api import NEAR_INTAKE, _body, _enterprise
from tests.registry.workflows.helpers import HEADERS, row

SHEET_HEADERS = ["统一社会信用代码", "企业名称", "风险物质", "CAS号", "最大存在量(t)", "存放位置"]


def _workbook(path, rows, substance_rows, title="风险物质", headers=SHEET_HEADERS):
    book = Workbook()
    sheet = book.active
    sheet.title = "企业及预案登记表"
    sheet.append(HEADERS)
    for values in rows:
        sheet.append([values.get(h) for h in HEADERS])
    extra = book.create_sheet(title)
    extra.append(headers)
    for values in substance_rows:
        extra.append(list(values))
    book.save(path)
    return path


def _run(app, path, dry_run=False):
    from registry.permissions import SYSTEM
    from registry.workflows.importer import read_upload, run_import

    with app.app_context():
        return run_import(SYSTEM, read_upload(path), dry_run=dry_run)


def _inventory(app, code):
    from registry.extensions import db
    from registry.models import Enterprise, RiskInventory

    with app.app_context():
        found = db.session.execute(
            sa.select(RiskInventory).join(Enterprise, Enterprise.id == RiskInventory.enterprise_id)
            .where(Enterprise.credit_code == code)).scalar_one_or_none()
        if found is None:
            return None
        return {"level": found.level, "notation": found.result["notation"],
                "items": sorted((i.substance_id, i.max_quantity_t, i.storage) for i in found.items),
                "air": found.air, "water": found.water}


def _count(app, model):
    from registry.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_new_enterprises_with_substances_below_the_critical_quantities(app, substances, tmp_path):
    both, water = substances["both"], substances["water"]
    one, two = credit_code(1, "411081"), credit_code(2, "411081")
    path = _workbook(tmp_path / "r.xlsx", [row(1), row(2)], [
        # by name; 0.4/1 (both media) + 2/5 (water) = 0.8 in water, 0.4 in air: Q0 twice.
        (one, "许昌市瑞丰化工有限公司1号厂", both["name"], None, 0.4, "1号罐区"),
        (None, None, None, None, None, None),  # a blank row is skipped
        (one, None, "测试物质乙（水）", None, "2", None),
        # by alias, and by CAS number alone; quantities typed with their unit.
        (two, None, "物质A", None, "0.5吨", None),
    ])
    result = _run(app, path)
    assert result.committed, result.errors
    assert result.sheets["risk_substances"] == {"rows": 3, "created": 2, "updated": 0,
                                                "unchanged": 0}
    first = _inventory(app, one)
    assert first["level"] == "general" and first["items"] == [
        (both["id"], 0.4, "1号罐区"), (water["id"], 2.0, None)]
    assert first["notation"].startswith("一般")
    assert _inventory(app, two)["items"] == [(both["id"], 0.5, None)]


def test_q_of_one_without_an_inventory_is_refused_and_nothing_is_written(app, substances,
                                                                          tmp_path):
    from registry.models import Enterprise

    one, two = credit_code(1, "411081"), credit_code(2, "411081")
    path = _workbook(tmp_path / "r.xlsx", [row(1), row(2)], [
        (one, None, substances["both"]["name"], None, 0.5, None),
        (two, None, None, "7782-50-5", 3, None),  # 3/1 = 3 in both media: Q1
    ])
    result = _run(app, path)
    assert not result.committed
    [error] = result.errors
    assert (error.sheet, error.row, error.column, error.value) == ("风险物质", 3, "最大存在量(t)", "3")
    assert "M值" in error.message and "E值" in error.message and "风险物质与环境风险分级" in error.message
    assert "大气、水" in error.message
    assert _count(app, Enterprise) == 0  # the first sheet's rows are not written either


def test_an_existing_inventory_keeps_its_m_and_e_and_is_graded_again(app, admin_api, substances,
                                                                      tmp_path):
    e = _enterprise(admin_api, 5, NEAR_INTAKE)
    assert put(admin_api, f"/enterprises/{e['id']}/risk-inventory",
               _body(substances)).status_code == 200
    before = _inventory(app, e["credit_code"])
    assert before["level"] == "serious"  # water Q1-M3-E1
    # Stock reduced: 0.5 t of 测试物质甲 only → Q0 in both media → 一般.
    path = _workbook(tmp_path / "r.xlsx", [], [
        (e["credit_code"], e["name"], None, "7782-50-5", 0.5, "仓库")])
    result = _run(app, path)
    assert result.committed, result.errors
    assert result.sheets["risk_substances"]["updated"] == 1
    after = _inventory(app, e["credit_code"])
    assert after["level"] == "general" and after["items"] == [(substances["both"]["id"], 0.5, "仓库")]
    assert after["air"] == before["air"] and after["water"] == before["water"]
    from registry import audit

    with app.app_context():
        [entry] = [x for x in audit.history("enterprise", [e["id"]])
                   if x.action == "risk_inventory.update"]
        assert entry.after["level"] == "general" and entry.before["level"] == "serious"
    # The same file again changes nothing.
    again = _run(app, path)
    assert again.committed and again.sheets["risk_substances"]["unchanged"] == 1
    # Q ≥ 1 again: graded with the kept M and E (water M3, intake downstream → 重大).
    path = _workbook(tmp_path / "r2.xlsx", [], [(e["credit_code"], None, "甲物质", None, 2, None)])
    assert _run(app, path).committed
    assert _inventory(app, e["credit_code"])["level"] == "serious"


def test_every_error_of_the_sheet_is_listed_by_row_and_column(app, admin_api, substances,
                                                              tmp_path):
    one = credit_code(1, "411081")
    path = _workbook(tmp_path / "r.xlsx", [row(1)], [
        (one, None, "无此物质", None, 1, None),                                   # 2
        (one, None, substances["water"]["name"], "7782-50-5", 1, None),          # 3 CAS of 甲
        (one, None, substances["water"]["name"], None, -1, None),                # 4
        (one, None, substances["water"]["name"], None, "很多", None),             # 5
        (one, None, substances["water"]["name"], None, 0.1, None),               # 6
        (one, None, substances["water"]["name"], None, 0.2, None),               # 7 twice
        (credit_code(9, "411081"), None, substances["water"]["name"], None, 1, None),  # 8
        (one, None, None, None, 1, None),                                        # 9
        (9141108100000000, None, substances["water"]["name"], None, 1, None),    # 10 number
    ])
    result = _run(app, path)
    assert not result.committed
    got = [(e.row, e.column) for e in result.errors]
    assert got == [(2, "风险物质"), (3, "CAS号"), (4, "最大存在量(t)"), (5, "最大存在量(t)"),
                   (9, "风险物质"), (10, "统一社会信用代码"), (7, "风险物质"),
                   (8, "统一社会信用代码")]
    assert all(e.sheet == "风险物质" for e in result.errors)
    messages = {e.row: e.message for e in result.errors}
    assert "测试物质甲" in messages[3] and "行" in messages[7] and "6" in messages[7]
    assert "15" in messages[10]  # Excel keeps only 15 digits of a number


def test_missing_columns_are_named(app, substances, tmp_path):
    path = _workbook(tmp_path / "r.xlsx", [row(1)], [(credit_code(1, "411081"), "x")],
                     headers=["统一社会信用代码", "备注"])
    result = _run(app, path)
    [error] = result.errors
    assert error.sheet == "风险物质" and "最大存在量(t)" in error.message
    assert "风险物质/CAS号" in error.message


def test_export_writes_the_sheet_and_imports_back_unchanged(app, admin_api, substances, client,
                                                            accounts, tmp_path):
    e = _enterprise(admin_api, 5, NEAR_INTAKE)
    put(admin_api, f"/enterprises/{e['id']}/risk-inventory", _body(substances))
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    r = client.get("/export/enterprises.xlsx")
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.data))
    assert book.sheetnames[1] == "风险物质"
    rows = list(book["风险物质"].values)
    assert rows[0][:5] == ("统一社会信用代码", "企业名称", "风险物质", "CAS号", "最大存在量(t)")
    assert {(r[0], r[2], r[4]) for r in rows[1:]} == {
        (e["credit_code"], substances["both"]["name"], 2), (e["credit_code"], substances["water"]["name"], 15)}
    path = tmp_path / "export.xlsx"
    path.write_bytes(r.data)
    result = _run(app, path)
    assert result.committed, result.errors
    assert result.sheets["risk_substances"]["unchanged"] == 1
    assert result.counts["enterprise_unchanged"] == 1


def test_preview_cli_and_template(app, client, runner, accounts, substances, tmp_path):
    one = credit_code(1, "411081")
    path = _workbook(tmp_path / "r.xlsx", [row(1)], [(one, None, "物质A", None, 0.5, None)])
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    token = csrf_token(client, "/import")
    r = client.post("/import", data={"csrf_token": token, "file": (io.BytesIO(path.read_bytes()),
                                                                    "r.xlsx")},
                    content_type="multipart/form-data", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "风险物质清单" in page
    assert 'data-kind="risk_substances_created">1<' in page
    bad = _workbook(tmp_path / "bad.xlsx", [row(1)], [(one, None, "无此物质", None, 0.5, None)])
    r = client.post("/import", data={"csrf_token": token, "file": (io.BytesIO(bad.read_bytes()),
                                                                    "bad.xlsx")},
                    content_type="multipart/form-data", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "无此物质" in page and "<th>工作表</th>" in page
    report = client.get(page.split('href="')[[i for i, part in enumerate(page.split('href="'))
                                              if part.startswith("/import/") and "report" in
                                              part.split('"')[0]][0]].split('"')[0])
    sheets = load_workbook(io.BytesIO(report.data)).sheetnames
    assert "风险物质（错误已标红）" in sheets
    out = runner.invoke(args=["import", str(bad)])
    assert out.exit_code != 0 and "风险物质 row 2" in out.output
    out = runner.invoke(args=["import", str(path)])
    assert out.exit_code == 0, out.output
    assert "sheet risk_substances: rows=1, created=1" in out.output
    template = load_workbook(io.BytesIO(client.get("/import/template.xlsx").data))
    assert "风险物质" in template.sheetnames
    assert template.sheetnames[0] == "企业及预案登记表"
    assert next(template["风险物质"].values)[0] == "统一社会信用代码*"


def test_a_workbook_of_the_substance_sheet_alone(app, admin_api, substances, tmp_path):
    e = _enterprise(admin_api, 6, NEAR_INTAKE)
    book = Workbook()
    sheet = book.active
    sheet.title = "风险物质"
    sheet.append(SHEET_HEADERS)
    sheet.append([e["credit_code"], e["name"], "甲物质", None, 0.3, None])
    path = tmp_path / "only.xlsx"
    book.save(path)
    result = _run(app, path)
    assert result.committed, result.errors
    assert result.rows == 0 and result.sheets["risk_substances"]["created"] == 1
    assert _inventory(app, e["credit_code"])["items"] == [(substances["both"]["id"], 0.3, None)]
    # Without the sheet, a workbook lacking the register's columns is still refused.
    sheet.title = "别的表"
    book.save(path)
    from registry.errors import ValidationFailed

    try:
        _run(app, path)
    except ValidationFailed as exc:
        assert "详细地址" in " ".join(exc.fields["file"])
    else:
        raise AssertionError("a workbook without the register's columns was imported")


def test_review_cases_of_the_sheet(app, admin_api, runner, substances, tmp_path):
    """Unchanged rows are not graded again (their kept M inputs may no longer match the
    loaded control items); an enterprise without coordinates and Q < 1 is 一般; an error of
    a later line is told on its own row; a renamed substance is found by its CAS number;
    identical saves add no version; an export with its sheets reordered reads both."""
    from tests.registry.substances.test_control_items import ITEMS, _csv

    e = _enterprise(admin_api, 8, NEAR_INTAKE)
    path = f"/enterprises/{e['id']}/risk-inventory"
    body = {"substances": [{"substance_id": substances["water"]["id"], "max_quantity_t": 15}],
            "water": {"process_units": {"listed": 1}, "e": "E1",
                      "control_items": [{"item": "自定项", "score": 20}]}}
    assert put(admin_api, path, body).status_code == 200
    assert put(admin_api, path, body).status_code == 200  # the same again
    assert len(admin_api.get(path + "/versions").json["items"]) == 1
    runner.invoke(args=["substances", "import-control-items", str(_csv(tmp_path / "i.csv", ITEMS))])
    same = _workbook(tmp_path / "same.xlsx", [], [
        (e["credit_code"], None, substances["water"]["name"], None, 15, None)])
    result = _run(app, same)
    assert result.committed and result.sheets["risk_substances"]["unchanged"] == 1, result.errors

    unplaced = row(9, 经度=None, 纬度=None)
    code = credit_code(9, "411081")
    long_store = "库" * 201
    sheet = _workbook(tmp_path / "mixed.xlsx", [unplaced], [
        (code, None, "改过的名称", "7782-50-5", 0.2, None),   # 2: the CAS decides
        (code, None, substances["water"]["name"], None, 0.1, long_store),  # 3: too long
    ])
    result = _run(app, sheet)
    assert [(x.row, x.column) for x in result.errors] == [(3, "存放位置")]
    sheet = _workbook(tmp_path / "mixed2.xlsx", [unplaced], [
        (code, None, "改过的名称", "7782-50-5", 0.2, None),
        (code, None, substances["water"]["name"], None, 0.1, "库房")])
    result = _run(app, sheet)
    assert result.committed, result.errors
    assert _inventory(app, code)["level"] == "general"

    from openpyxl import load_workbook

    book = load_workbook(same)
    book.move_sheet("风险物质", offset=-1)
    main = book["企业及预案登记表"]
    main.append([row(10).get(h) for h in HEADERS])
    reordered = tmp_path / "reordered.xlsx"
    book.save(reordered)
    result = _run(app, reordered)
    assert result.committed, result.errors
    assert result.counts["enterprise_created"] == 1 and result.sheets["risk_substances"]
