"""``flask --app registry substances import FILE``: .csv and .xlsx, all or nothing, every
error listed with its row, column and rule; each change audited."""
from __future__ import annotations

import sqlalchemy as sa
from openpyxl import Workbook

from registry.extensions import db
from registry.models import AuditEntry, Substance

HEADER = ["名称", "CAS号", "别名", "临界量(t)", "介质", "部分", "来源"]


def _csv(tmp_path, rows, name="table.csv", header=HEADER):
    path = tmp_path / name
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _xlsx(tmp_path, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    path = tmp_path / "table.xlsx"
    book.save(path)
    return path


def _names(app):
    with app.app_context():
        return {s.name: s for s in db.session.scalars(sa.select(Substance))}


def test_import_csv_adds_and_updates(app, runner, tmp_path):
    path = _csv(tmp_path, [["测试物质一", "7782-50-5", "甲、乙", 1, "大气、水", 1, "测试"],
                           ["测试物质二", "", "", 2.5, "水", 3, "测试"]])
    r = runner.invoke(args=["substances", "import", str(path)])
    assert r.exit_code == 0, r.output
    assert "added 2, updated 0" in r.output
    rows = _names(app)
    one = rows["测试物质一"]
    assert (one.cas, one.aliases, one.critical_quantity_t, one.counts_air, one.counts_water,
            one.part) == ("7782-50-5", "甲、乙", 1.0, True, True, 1)
    assert (rows["测试物质二"].counts_air, rows["测试物质二"].counts_water) == (False, True)
    again = _csv(tmp_path, [["测试物质二", "", "", 5, "水", 3, "测试"]], name="b.csv")
    r = runner.invoke(args=["substances", "import", str(again)])
    assert "added 0, updated 1" in r.output
    assert _names(app)["测试物质二"].critical_quantity_t == 5.0
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEntry.action)
                                     .where(AuditEntry.entity_type == "substance")).all()
        assert sorted(actions) == ["substance.import"] * 3


def test_import_xlsx(app, runner, tmp_path):
    path = _xlsx(tmp_path, [["测试物质三", "50-00-0", None, 0.5, "air,water", 3, "测试"]])
    r = runner.invoke(args=["substances", "import", str(path)])
    assert r.exit_code == 0, r.output
    assert _names(app)["测试物质三"].critical_quantity_t == 0.5


def test_import_is_all_or_nothing_and_lists_every_error(app, runner, tmp_path):
    path = _csv(tmp_path, [["测试物质一", "7782-50-5", "", 1, "大气", 1, "测试"],
                           ["测试物质二", "7782-50-4", "", 0, "水", 9, "测试"],
                           ["", "", "", 1, "土壤", "", ""],
                           ["测试物质一", "", "", 3, "水", 1, "测试"],
                           ["测试物质四", "", "", 3, "大气", 4, "测试"]])
    r = runner.invoke(args=["substances", "import", str(path)])
    assert r.exit_code == 1
    out = r.output
    for expected in ("第 3 行“CAS号”列", "第 3 行“临界量(t)”列", "第 3 行“部分”列",
                     "第 4 行“名称”列", "第 4 行“介质”列", "第 5 行“名称”列：测试物质一 已在第 2 行",
                     "第 6 行“介质”列：附录A第三至第八部分"):
        assert expected in out, (expected, out)
    assert _names(app) == {}


def test_import_names_missing_columns(app, runner, tmp_path):
    path = _csv(tmp_path, [["测试物质一", "1"]], header=["名称", "CAS号"])
    r = runner.invoke(args=["substances", "import", str(path)])
    assert r.exit_code == 1 and "临界量(t)" in r.output and "介质" in r.output


def test_shipped_template_imports_nothing_invented():
    """The repository ships no critical quantity (none could be cited): the template
    file has the header only."""
    from pathlib import Path

    import registry.substances

    template = Path(registry.substances.__file__).parent / "data" / "substances_template.csv"
    lines = template.read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",")[:5] == ["名称", "CAS号", "别名", "临界量(t)", "介质"]
    assert [line for line in lines[1:] if line and not line.startswith("#")] == []
