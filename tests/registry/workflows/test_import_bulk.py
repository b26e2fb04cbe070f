"""The set-based import path: duplicates in one file, mixed new and stored records,
idempotent re-import, a bad row late in a large file, serials under concurrency, and the
same records and audit entries as the services write."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from tests.conftest import credit_code
from tests.registry.workflows.helpers import row, write_csv, write_xlsx


def _run(app, path, actor=None, dry_run=False):
    from registry.permissions import SYSTEM
    from registry.workflows.importer import run_import
    from registry.workflows.source import read_register

    with app.app_context():
        return run_import(actor or SYSTEM, read_register(path), dry_run=dry_run)


def _dump(app) -> dict:
    """Every stored enterprise, plan, document and serial counter (timestamps left out)."""
    from registry.extensions import db
    from registry.models import Enterprise, FilingSerial, Plan, PlanDocument

    with app.app_context():
        out = {}
        for model in (Enterprise, Plan, PlanDocument, FilingSerial):
            table = model.__table__
            columns = [c for c in table.columns if c.name not in ("created_at", "updated_at")]
            out[table.name] = db.session.execute(
                sa.select(*columns).order_by(*table.primary_key.columns)).all()
        return out


def _audit(app) -> list[tuple]:
    from registry.extensions import db
    from registry.models import AuditEntry

    with app.app_context():
        return [(a.action, a.entity_type, a.entity_id, a.before, a.after) for a in
                db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]


def _current(app) -> dict:
    from registry.extensions import db
    from registry.models import Plan

    with app.app_context():
        return {p.enterprise.credit_code: p for p in
                db.session.scalars(sa.select(Plan).where(Plan.is_current))}


def test_identical_duplicate_rows_are_one_record(app, tmp_path):
    result = _run(app, write_xlsx(tmp_path / "dup.xlsx", [row(1), row(2), row(1)]))
    assert result.errors == [] and result.committed
    assert result.counts == {"enterprise_created": 2, "enterprise_updated": 0,
                             "enterprise_unchanged": 1, "plan_filed": 2, "plan_revised": 0,
                             "plan_corrected": 0, "plan_unchanged": 1}
    dump = _dump(app)
    assert len(dump["enterprises"]) == 2 and len(dump["plans"]) == 2
    assert [r.last_serial for r in dump["filing_serials"]] == [2]


def test_a_credit_code_twice_with_conflicting_data_is_refused(app, tmp_path):
    before = _dump(app)
    rows = [row(1), row(2), row(1, 联系人="李娜", 详细地址="禹州市另一路9号"),
            row(2, 预案名称="另一个预案名称")]
    result = _run(app, write_xlsx(tmp_path / "conflict.xlsx", rows))
    assert not result.committed and _dump(app) == before
    found = [(e.row, e.column, e.value) for e in result.errors]
    assert found == [(4, "详细地址", "禹州市另一路9号"), (4, "联系人", "李娜"),
                     (5, "预案名称", "另一个预案名称")]
    assert all("第2行" in e.message or "第3行" in e.message for e in result.errors)
    assert "第2行" in result.errors[0].message and "第3行" in result.errors[2].message


def test_mixed_new_and_stored_records_in_one_file(app, tmp_path):
    first = [row(1), row(2), row(3, 备案编号="411081-2016-004-L", 签署发布日期="2016-03-01",
                                   备案日期="2016-03-05")]
    assert _run(app, write_xlsx(tmp_path / "a.xlsx", first)).committed
    stored = _current(app)
    mixed = [
        row(1),                                                     # unchanged
        row(2, 联系人="李娜", 备案文件="备案表、评审意见"),               # enterprise updated, plan corrected
        row(3, 签署发布日期="2026-03-02", 备案日期="2026-03-20"),      # revision of a legacy number
        row(4),                                                     # new enterprise, new filing
        row(5, 预案名称=None, 签署发布日期=None, 备案日期=None, 环境风险等级=None, 备案文件=None),
        row(6, 备案编号="411081-2023-040-M", 环境风险等级="较大"),       # legacy number raises the counter
        row(7),                                                     # filed after the legacy number
    ]
    result = _run(app, write_xlsx(tmp_path / "b.xlsx", mixed))
    assert result.errors == [] and result.committed
    assert result.counts == {"enterprise_created": 4, "enterprise_updated": 1,
                             "enterprise_unchanged": 2, "plan_filed": 3, "plan_revised": 1,
                             "plan_corrected": 1, "plan_unchanged": 1}
    current = _current(app)
    code = {n: credit_code(n, "411081") for n in range(1, 8)}
    assert current[code[1]].filing_number == stored[code[1]].filing_number == "411081-2023-001-L"
    assert sorted(d.kind for d in current[code[2]].documents) == ["expert_review", "filing_form"]
    assert current[code[3]].version == 2 and current[code[3]].filing_number == "411081-2026-001-L"
    # Serials of 2023: 001 and 002 were stored; the file's legacy 040 raises the counter,
    # then the file's new filings (rows 5 and 8 in file order) take 041 and 042.
    assert current[code[4]].filing_number == "411081-2023-041-L"
    assert current[code[6]].filing_number == "411081-2023-040-M"
    assert current[code[7]].filing_number == "411081-2023-042-L"
    assert code[5] not in current
    assert {(r.county_code, r.year): r.last_serial for r in _dump(app)["filing_serials"]} == {
        ("411081", 2016): 4, ("411081", 2023): 42, ("411081", 2026): 1}
    from registry.extensions import db
    from registry.models import Plan

    with app.app_context():
        old = db.session.scalar(sa.select(Plan).where(Plan.filing_number == "411081-2016-004-L"))
        assert (old.is_current, old.superseded_on.isoformat()) == (False, "2026-06-15")
        assert db.session.get(Plan, old.superseded_by_id).filing_number == "411081-2026-001-L"


def test_two_versions_of_a_new_enterprise_in_one_file(app, tmp_path):
    rows = [row(1, 签署发布日期="2020-04-01", 备案日期="2020-04-10"),
            row(1, 签署发布日期="2023-05-04", 备案日期="2023-05-18", 预案名称="修订版")]
    result = _run(app, write_xlsx(tmp_path / "v.xlsx", rows))
    assert result.errors == [] and result.counts["plan_revised"] == 1
    plans = sorted(_dump(app)["plans"], key=lambda p: p.version)
    assert [(p.version, p.filing_number, p.is_current) for p in plans] == [
        (1, "411081-2020-001-L", False), (2, "411081-2023-001-L", True)]
    assert plans[0].superseded_by_id == plans[1].id
    actions = [(a[0], a[2]) for a in _audit(app)]
    assert actions[1:4] == [("plan.file", plans[0].id), ("plan.supersede", plans[0].id),
                            ("plan.revise", plans[1].id)]
    entries = _audit(app)
    assert entries[1][4]["filing_number"] == "411081-2020-001-L"
    assert entries[2][3:] == ({"is_current": True}, {"is_current": False})
    assert entries[3][4]["revises"] == "411081-2020-001-L"
    # Listed the other way round, the older version is refused (as before).
    other = {"统一社会信用代码": credit_code(2, "411081")}
    result = _run(app, write_xlsx(tmp_path / "w.xlsx", [rows[1] | other, rows[0] | other]))
    assert [(e.row, e.column) for e in result.errors] == [(3, "签署发布日期")]
    assert "第2行的新版本" in result.errors[0].message or "row 2" in result.errors[0].message


def test_reimport_is_idempotent(app, tmp_path):
    rows = [row(n) for n in range(1, 6)] + [
        row(6, 备案编号="许环应急备〔2019〕12号", 签署发布日期="2019-03-01", 备案日期="2019-03-10"),
        row(7, 签署发布日期="2020-04-01", 备案日期="2020-04-10"),
        row(7, 签署发布日期="2023-05-04", 备案日期="2023-05-18")]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    assert _run(app, path).committed
    dump, audit_entries = _dump(app), _audit(app)
    again = _run(app, path)
    assert again.errors == [] and again.committed
    assert again.counts["enterprise_unchanged"] == 8 and again.counts["plan_unchanged"] == 8
    assert _dump(app) == dump
    assert _audit(app)[:-1] == audit_entries and _audit(app)[-1][0] == "import.run"


def test_a_bad_row_at_row_9999_leaves_the_database_unchanged(app, tmp_path):
    assert _run(app, write_xlsx(tmp_path / "seed.xlsx", [row(1), row(2)])).committed
    before, audit_before = _dump(app), _audit(app)
    rows = [row(n, 联系人="李娜" if n <= 2 else "王伟") for n in range(1, 10000)]
    rows[9997]["签署发布日期"] = "2023-02-30"  # the officer's row 9,999 (row 1 is the header)
    result = _run(app, write_csv(tmp_path / "big.csv", rows))
    assert result.rows == 9999 and not result.committed
    assert [(e.row, e.column, e.value) for e in result.errors] == [(9999, "签署发布日期", "2023-02-30")]
    assert _dump(app) == before and _audit(app) == audit_before


def test_dry_run_takes_no_serial(app, tmp_path):
    result = _run(app, write_xlsx(tmp_path / "a.xlsx", [row(1), row(2)]), dry_run=True)
    assert result.errors == [] and result.counts["plan_filed"] == 2
    assert _dump(app)["filing_serials"] == []


def test_import_writes_what_the_services_write(app, tmp_path):
    """Row 1 through the import, the same data for enterprise 2 through the services:
    the same stored values and the same audit entries (apart from names and numbers)."""
    from registry.enterprises.schemas import EnterpriseIn
    from registry.enterprises.service import create_enterprise
    from registry.extensions import db
    from registry.models import Enterprise, Plan
    from registry.permissions import SYSTEM
    from registry.plans.schemas import PlanIn
    from registry.plans.service import file_plan

    notation = "较大[较大-大气(Q1-M2-E1)+一般-水(Q0)]"
    assert _run(app, write_xlsx(tmp_path / "a.xlsx", [row(1, 环境风险等级=notation)])).committed
    with app.app_context():
        e = create_enterprise(SYSTEM, EnterpriseIn(
            name="许昌市瑞丰化工有限公司2号厂", credit_code=credit_code(2, "411081"),
            county_code="411081", address="禹州市示范路2号", longitude=113.47, latitude=34.17,
            industry="化学原料和化学制品制造业", contact_name="王伟", contact_phone="13812345678",
            contact_email="c2@example.com", cross_region=False))
        file_plan(SYSTEM, PlanIn(enterprise_id=e.id, title="突发环境事件应急预案（2023年版）",
                                 signed_on="2023-05-04", filed_on="2023-05-18",
                                 risk_notation=notation,
                                 documents=["filing_form", "plan", "risk_assessment",
                                            "resource_survey", "expert_review"]))
        skip = {"id", "enterprise_id", "created_at", "updated_at", "name", "credit_code",
                "address", "contact_email", "filing_number", "filing_serial"}
        a, b = (db.session.scalars(sa.select(m).order_by(m.id)).all() for m in (Enterprise, Plan))
        for pair in (a, b):
            first, second = ({c.name: getattr(x, c.name) for c in x.__table__.columns
                              if c.name not in skip} for x in pair)
            assert first == second
        assert sorted(d.kind for d in b[0].documents) == sorted(d.kind for d in b[1].documents)
    entries = _audit(app)
    by_action = {}
    for action, _kind, _id, before, after in entries:
        by_action.setdefault(action, []).append((before, {k: v for k, v in (after or {}).items()
                                                          if k not in skip}))
    assert by_action["enterprise.create"][0] == by_action["enterprise.create"][1]
    assert by_action["plan.file"][0] == by_action["plan.file"][1]


def test_serials_stay_gapless_when_filings_arrive_during_an_import(app, tmp_path):
    """An import of 40 filings and 4 single filings in the same county and year at once:
    every serial 1..44 once (the counter row queues them; no duplicate, no gap)."""
    from registry.enterprises.schemas import EnterpriseIn
    from registry.enterprises.service import create_enterprise
    from registry.permissions import SystemActor
    from registry.plans.schemas import PlanIn
    from registry.plans.service import file_plan

    singles = []
    with app.app_context():
        for n in range(101, 105):
            singles.append(create_enterprise(SystemActor("t"), EnterpriseIn(
                name=f"并发{n}", credit_code=credit_code(n, "411081"), county_code="411081",
                address="禹州市", longitude=113.47, latitude=34.17)).id)
    path = write_xlsx(tmp_path / "many.xlsx", [row(n) for n in range(1, 41)])
    barrier = threading.Barrier(len(singles) + 1)
    errors = []

    def single(enterprise_id):
        with app.app_context():
            barrier.wait()
            try:
                file_plan(SystemActor("t"), PlanIn(enterprise_id=enterprise_id, title="预案",
                                                    signed_on="2023-05-04", filed_on="2023-05-20",
                                                    risk_level="general"))
            except Exception as exc:  # noqa: BLE001 - recorded and asserted below
                errors.append(repr(exc))

    def bulk():
        barrier.wait()
        try:
            assert _run(app, path).committed
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            errors.append(repr(exc))

    threads = [threading.Thread(target=single, args=(i,)) for i in singles]
    threads.append(threading.Thread(target=bulk))
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    serials = sorted(p.filing_serial for p in _dump(app)["plans"])
    assert serials == list(range(1, 45))
    assert [r.last_serial for r in _dump(app)["filing_serials"]] == [44]
