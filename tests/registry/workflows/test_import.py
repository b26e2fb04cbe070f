"""Importing registers: every accepted form, all-or-nothing, re-import, permissions, CLI."""
from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tests.conftest import credit_code
from tests.registry.workflows.helpers import row, write_csv, write_xlsx


def _run(app, path, actor=None, dry_run=False):
    from registry.permissions import SYSTEM
    from registry.workflows.importer import run_import
    from registry.workflows.source import read_register

    with app.app_context():
        return run_import(actor or SYSTEM, read_register(path), dry_run=dry_run)


def _counts(app):
    from registry.extensions import db
    from registry.models import AuditEntry, Enterprise, FilingSerial, Plan

    with app.app_context():
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                     for m in (Enterprise, Plan, AuditEntry, FilingSerial))


def _plans(app):
    from registry.extensions import db
    from registry.models import Plan

    with app.app_context():
        return {p.enterprise.credit_code: (p.signed_on, p.filed_on, p.risk_level, p.risk_notation,
                                           p.filing_number, p.filing_number_irregular)
                for p in db.session.scalars(sa.select(Plan).where(Plan.is_current))}


DATE_FORMS = [datetime(2023, 5, 1), "2023-05-01", "2023/5/1", "2023年5月1日", "２０２３年５月１日",
              " 2023 / 5 / 1 ", "2023.5.1", 45047]
LEVEL_FORMS = [("一般", "general"), ("较大", "major"), ("重大", "serious"), ("general", "general"),
               ("MAJOR", "major"), (" serious ", "serious"), ("一般环境风险", "general"),
               ("较大[较大-大气(Q1-M2-E1)+一般-水(Q0)]", "major"),
               ("重大【重大-大气(Q3-M4-E1)＋较大-水(Q1-M2-E1)】", "serious")]


def test_every_date_and_level_form_is_read(app, tmp_path):
    rows = [row(i, 签署发布日期=form, 备案日期=None) for i, form in enumerate(DATE_FORMS, start=1)]
    start = len(rows) + 1
    rows += [row(start + i, 环境风险等级=form) for i, (form, _lvl) in enumerate(LEVEL_FORMS)]
    result = _run(app, write_xlsx(tmp_path / "forms.xlsx", rows))
    assert result.errors == [] and result.committed
    plans = _plans(app)
    for i in range(1, len(DATE_FORMS) + 1):
        assert plans[credit_code(i, "411081")][0] == date(2023, 5, 1), DATE_FORMS[i - 1]
    for i, (form, level) in enumerate(LEVEL_FORMS):
        assert plans[credit_code(start + i, "411081")][2] == level, form
    notation = plans[credit_code(start + 7, "411081")][3]
    assert notation == "较大[较大-大气(Q1-M2-E1)+一般-水(Q0)]"
    assert result.counts["enterprise_created"] == len(rows) == result.counts["plan_filed"]


def test_legacy_numbers_fullwidth_digits_spaces_and_county_forms(app, tmp_path):
    rows = [
        row(1, 备案编号="411081-2015-026-H", 环境风险等级="重大", 签署发布日期="2015-06-01",
            备案日期="2015-06-20"),
        row(2, 备案编号="许环应急备〔2019〕12号", 签署发布日期="2019-03-01", 备案日期="2019-03-10"),
        row(3, **{"统一社会信用代码": " " + credit_code(3, "411081").replace("9", "９") + " ",
                  "所在县（市、区）": " 411081 ", "联系电话": "１３８ １２３４ ５６７８",
                  "企业名称": "  许昌市瑞丰化工有限公司3号厂 "}),
        row(4, county="长葛市", **{"所在县（市、区）": "长葛市（411082）", "是否跨区域": "是"}),
    ]
    result = _run(app, write_xlsx(tmp_path / "legacy.xlsx", rows))
    assert result.errors == []
    plans = _plans(app)
    assert plans[credit_code(1, "411081")][4:] == ("411081-2015-026-H", False)
    assert plans[credit_code(2, "411081")][4:] == ("许环应急备〔2019〕12号", True)  # kept, flagged
    from registry.extensions import db
    from registry.models import Enterprise

    with app.app_context():
        e3 = db.session.scalar(sa.select(Enterprise).where(Enterprise.credit_code == credit_code(3, "411081")))
        assert (e3.name, e3.county_code, e3.contact_phone) == ("许昌市瑞丰化工有限公司3号厂", "411081",
                                                               "13812345678")
        e4 = db.session.scalar(sa.select(Enterprise).where(Enterprise.name.like("%4号厂")))
        assert (e4.county_code, e4.cross_region) == ("411082", True)
    # A new filing in the legacy number's county and year continues after serial 026.
    r = _run(app, write_xlsx(tmp_path / "next.xlsx", [row(5, 签署发布日期="2015-07-01",
                                                          备案日期="2015-07-10")]))
    assert r.errors == [] and _plans(app)[credit_code(5, "411081")][4] == "411081-2015-027-L"


def test_csv_in_utf8_bom_and_gb18030(app, tmp_path):
    r1 = _run(app, write_csv(tmp_path / "a.csv", [row(1, 签署发布日期="2023/5/4")]))
    r2 = _run(app, write_csv(tmp_path / "b.csv", [row(2, 签署发布日期="2023年5月4日")], "gb18030"))
    assert r1.errors == r2.errors == [] and r1.committed and r2.committed
    assert len(_plans(app)) == 2


def test_one_bad_row_writes_nothing_and_the_report_names_each_rule(app, tmp_path):
    good = row(1)
    bad = [
        row(2, 统一社会信用代码="91411081MA0000002X"),                  # check digit
        row(3, 签署发布日期="2023-13-45"),                               # not a calendar date
        row(4, **{"所在县（市、区）": "洛阳市"}),                          # unknown county
        row(5, 环境风险等级="高"),                                        # unknown level
        row(6, 环境风险等级="一般[较大-大气(Q1-M2-E1)+一般-水(Q0)]"),       # notation contradicts
        row(7, 签署发布日期="2027-01-01", 备案日期=None),                  # in the future
    ]
    path = write_xlsx(tmp_path / "bad.xlsx", [good] + bad)
    before = _counts(app)
    result = _run(app, path)
    assert not result.committed and _counts(app) == before
    found = {(e.row, e.column) for e in result.errors}
    assert found == {(3, "统一社会信用代码"), (4, "签署发布日期"), (5, "所在县（市、区）"),
                     (6, "环境风险等级"), (7, "环境风险等级"), (8, "签署发布日期")}  # one cause, told once
    by_row = {e.row: e for e in result.errors if e.column != "备案日期"}
    assert "校验码" in by_row[3].message and by_row[3].value == "91411081MA0000002X"
    assert "洛阳市" in by_row[5].message and by_row[6].value == "高"
    assert "矩阵" in by_row[7].message or "HJ 941" in by_row[7].message
    assert "晚于今天" in by_row[8].message
    # The downloadable report: an error list and the rows with the bad cells highlighted.
    from registry.workflows.source import read_register
    from registry.workflows.workbooks import report_workbook

    with app.app_context():
        content = report_workbook(read_register(path), result.errors)
    (tmp_path / "report.xlsx").write_bytes(content)
    book = load_workbook(tmp_path / "report.xlsx")
    listing = [r for r in book["错误清单"].iter_rows(min_row=2, values_only=True)]
    assert len(listing) == 6 and listing[0][:3] == (3, "统一社会信用代码", "91411081MA0000002X")
    data = book.worksheets[1]
    assert data.cell(row=3, column=2).fill.fgColor.rgb.endswith("FFC7CE")
    assert data.cell(row=3, column=2).comment is not None
    assert data.cell(row=2, column=2).fill.fgColor.rgb in (None, "00000000")


def test_reimport_updates_and_never_duplicates(app, tmp_path):
    rows = [row(1, 备案编号="411081-2016-004-L", 签署发布日期="2016-03-01", 备案日期="2016-03-05"),
            row(2), row(3, 预案名称=None, 签署发布日期=None, 备案日期=None, 环境风险等级=None,
                        备案文件=None)]
    path = write_xlsx(tmp_path / "reg.xlsx", rows)
    first = _run(app, path)
    assert first.counts["enterprise_created"] == 3 and first.counts["plan_filed"] == 2
    counts = _counts(app)
    second = _run(app, path)
    assert second.errors == [] and second.committed
    assert second.counts["enterprise_unchanged"] == 3 and second.counts["plan_unchanged"] == 2
    assert _counts(app)[:2] == counts[:2] and _counts(app)[3] == counts[3]
    # Changed contact and title: updates in place (audited), still no duplicates.
    rows[0]["联系人"] = "李娜"
    rows[1]["预案名称"] = "突发环境事件应急预案（2023年修订）"
    third = _run(app, write_xlsx(tmp_path / "reg2.xlsx", rows))
    assert third.counts["enterprise_updated"] == 1 and third.counts["plan_corrected"] == 1
    assert _counts(app)[:2] == counts[:2]
    # A later signing date for an enterprise is a new version (revision), not a duplicate.
    rows[1]["签署发布日期"], rows[1]["备案日期"] = "2026-03-02", "2026-03-20"
    fourth = _run(app, write_xlsx(tmp_path / "reg3.xlsx", rows))
    assert fourth.counts["plan_revised"] == 1
    assert _counts(app)[1] == counts[1] + 1


def test_changing_level_of_a_filed_number_is_refused(app, tmp_path):
    rows = [row(1, 备案编号="411081-2016-004-L", 签署发布日期="2016-03-01", 备案日期="2016-03-05")]
    _run(app, write_xlsx(tmp_path / "a.xlsx", rows))
    rows[0]["环境风险等级"] = "较大"
    result = _run(app, write_xlsx(tmp_path / "b.xlsx", rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "环境风险等级")]
    assert "重大修订" in result.errors[0].message or "major revision" in result.errors[0].message


def test_dry_run_writes_nothing(app, tmp_path):
    before = _counts(app)
    result = _run(app, write_xlsx(tmp_path / "a.xlsx", [row(1), row(2)]), dry_run=True)
    assert result.errors == [] and not result.committed and result.counts["plan_filed"] == 2
    assert _counts(app) == before


def test_missing_required_column_is_named(app, tmp_path):
    from registry.errors import ValidationFailed

    headers = ["企业名称", "统一社会信用代码", "详细地址", "经度", "纬度"]
    with pytest.raises(ValidationFailed) as exc:
        _run(app, write_xlsx(tmp_path / "a.xlsx", [row(1)], headers=headers))
    assert "所在县（市、区）" in exc.value.fields["file"][0]


def test_officer_imports_own_county_only_viewer_not_at_all(app, tmp_path, accounts):
    from registry.errors import PermissionDenied
    from registry.extensions import db
    from registry.models import User

    officer_id, _n = accounts.make("officer", ["411081"])
    viewer_id, _v = accounts.make("viewer", ["411081"])
    path = write_xlsx(tmp_path / "a.xlsx", [row(1), row(2, county="长葛市")])
    with app.app_context():
        officer = db.session.get(User, officer_id)
        from registry.workflows.importer import run_import
        from registry.workflows.source import read_register

        result = run_import(officer, read_register(path))
        # Told once for the file, naming the rows and the counties (issue #16 §2.7).
        assert [(e.row, e.column) for e in result.errors] == [(0, "所在县（市、区）")]
        assert "第3–3行" in result.errors[0].message and "长葛市 1" in result.errors[0].message
        assert not result.committed
        ok = run_import(officer, read_register(write_xlsx(tmp_path / "b.xlsx", [row(1)])))
        assert ok.committed
        with pytest.raises(PermissionDenied):
            run_import(db.session.get(User, viewer_id), read_register(path))


def test_template_row_is_skipped_and_template_has_dropdowns(app, tmp_path, client, accounts):
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    r = client.get("/import/template.xlsx")
    assert r.status_code == 200
    path = tmp_path / "template.xlsx"
    path.write_bytes(r.data)
    book = load_workbook(path)
    sheet = book["企业及预案登记表"]
    assert sheet["A1"].value == "企业名称*" and sheet.freeze_panes == "A2"
    formulas = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert "'选项'!$A$1:$A$6" in formulas and "'选项'!$C$1:$C$3" in formulas and '"是,否"' in formulas
    assert [c.value for c in book["选项"]["A"]][:2] == ["魏都区", "建安区"]
    assert sheet["A2"].value.startswith("【示例】")
    # The untouched template imports nothing; filled in below the example it imports.
    result = _run(app, path)
    assert result.rows == 0 and result.errors == []
    sheet.append([row(9).get(h.rstrip("*")) for h in [c.value for c in sheet[1]]])
    book.save(path)
    result = _run(app, path)
    assert result.errors == [] and result.counts["plan_filed"] == 1


def test_cli_import_dry_run_real_and_errors(app, runner, tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", [row(1), row(2)])
    r = runner.invoke(args=["import", str(good), "--dry-run"])
    assert r.exit_code == 0, r.output
    assert "dry run" in r.output and _counts(app)[0] == 0
    r = runner.invoke(args=["import", str(good)])
    assert r.exit_code == 0, r.output
    assert "plan_filed=2" in r.output and _counts(app)[:2] == (2, 2)
    bad = write_xlsx(tmp_path / "bad.xlsx", [row(3), row(4, 签署发布日期="5月1日")])
    report = tmp_path / "report.xlsx"
    r = runner.invoke(args=["import", str(bad), "--report", str(report)])
    assert r.exit_code == 1
    assert "row 3\t签署发布日期\t'5月1日'" in r.output and "nothing was imported" in r.output
    assert report.exists() and _counts(app)[:2] == (2, 2)


def test_credit_code_structure_is_an_import_error_naming_the_position(app, tmp_path):
    from registry.rules.credit_code import make_credit_code

    bad = {"统一社会信用代码": make_credit_code("99411081MA0000007")}       # 99: no such pair
    bad_org = {"统一社会信用代码": make_credit_code("91411081MA0000001")}   # GB 11714 check
    result = _run(app, write_xlsx(tmp_path / "s.xlsx", [row(1, **bad), row(2, **bad_org)]))
    assert not result.committed
    messages = {e.row: e.message for e in result.errors if e.column == "统一社会信用代码"}
    assert "第 1–2 位“99”" in messages[2] and "GB 32100-2015" in messages[2]
    assert "第 17 位" in messages[3] and "GB 11714" in messages[3]
