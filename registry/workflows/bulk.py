"""Writing an import's decided rows in bulk, inside the caller's transaction.

``Matcher`` has judged every row and queued its writes; this module issues them as a few
set-based statements: one serial upsert per (county, year) — ``filing.take_serials``, the
same atomic statement the plans service uses, so concurrent filings still queue on the
counter row and a rollback gives the serials back — then executemany inserts and updates
(``INSERT … RETURNING id`` where the ids are needed) for enterprises, plans, documents,
supersessions and audit entries. Never commits.
"""
from __future__ import annotations

import sqlalchemy as sa

from registry import audit
from registry.bulk_insert import insert_many
from registry.extensions import db
from registry.models import Enterprise, Plan, PlanDocument
from registry.plans import filing
from registry.enterprises.service import AUDITED as ENTERPRISE_AUDITED
from registry.workflows.matching import Matcher, PendingNumber, _chunks

# Rows per statement: bounds the parameter lists held at once (memory), not the speed.
BATCH = 2000
_PLAN_COLUMNS = [c.name for c in Plan.__table__.columns
                 if c.name not in ("id", "enterprise_id", "superseded_by_id", "created_at",
                                   "updated_at")]
# Columns a row can change on a stored version: a correction or a supersession.
_PLAN_CHANGES = ("title", "filed_on", "filed_late", "is_current", "revision_required",
                 "superseded_on")


def take_numbers(new_plans: list) -> None:
    """Give each new version without a legacy number its serial: per (county, year) the
    legacy numbers of the file raise the counter first, then the group's serials are taken
    in one statement and handed out in row order. Groups are locked in sorted order, so
    two imports never wait on each other in a cycle."""
    groups: dict[tuple[str, int], list] = {}
    floors: dict[tuple[str, int], int] = {}
    for plan in new_plans:
        key = (plan.filing_county_code, plan.filing_year)
        if isinstance(plan.filing_number, PendingNumber):
            groups.setdefault(key, []).append(plan)
        elif plan.raises_counter:
            floors[key] = max(floors.get(key, 0), plan.filing_serial)
    for key in sorted(groups.keys() | floors.keys()):
        members = groups.get(key, [])
        last = filing.take_serials(*key, count=len(members), at_least=floors.get(key, 0))
        for serial, plan in enumerate(members, start=last - len(members) + 1):
            numbering = filing.issued_numbering(*key, serial, plan.risk_level, plan.cross_region)
            plan.filing_number.value = numbering["filing_number"]
            vars(plan).update(numbering)


def _insert_with_ids(table, records: list, values, key: str) -> None:
    """Insert a row ``values(record)`` per record and set each record's ``id``, read back
    by the unique column ``key``. (An ordered ``INSERT … RETURNING`` would do, but SQLite
    can only keep its order by inserting one row per statement.)"""
    for batch in _chunks(records, BATCH):
        insert_many(table, [values(r) for r in batch])
        by_key = {getattr(r, key): r for r in batch}
        for chunk in _chunks(by_key):
            for new_id, value in db.session.execute(sa.select(table.c.id, table.c[key])
                                                    .where(table.c[key].in_(chunk))):
                by_key[value].id = new_id


def _update_by_id(table, rows: list[dict]) -> None:
    """executemany ``UPDATE … WHERE id = :row_id``; the other keys are the SET columns."""
    if rows:
        db.session.execute(sa.update(table).where(table.c.id == sa.bindparam("row_id")), rows)


def _resolved(values: dict | None) -> dict | None:
    if values is None:
        return None
    return {k: v.value if isinstance(v, PendingNumber) else v for k, v in values.items()}


def write(matcher: Matcher, actor) -> None:
    """Issue every write ``matcher`` queued. Raises IntegrityError when a concurrent
    change took a credit code or a number first (the caller rolls back)."""
    take_numbers(matcher.new_plans)
    e, p, d = Enterprise.__table__, Plan.__table__, PlanDocument.__table__
    _update_by_id(e, [{"row_id": r.id, **{f: getattr(r, f) for f in ENTERPRISE_AUDITED}}
                      for r in matcher.changed_enterprises.values()])
    _insert_with_ids(e, matcher.new_enterprises, lambda r: {
        **{f: getattr(r, f) for f in ENTERPRISE_AUDITED}, "is_demo": False}, "credit_code")
    # A superseded version stops being current before its successor is inserted.
    _update_by_id(p, [{"row_id": r.id, **{f: getattr(r, f) for f in _PLAN_CHANGES}}
                      for r in matcher.changed_plans.values()])
    _insert_with_ids(p, matcher.new_plans, lambda r: {
        "enterprise_id": r.owner.id, **{f: getattr(r, f) for f in _PLAN_COLUMNS}}, "filing_number")
    for chunk in _chunks(matcher.removed_documents):
        db.session.execute(sa.delete(d).where(d.c.id.in_(chunk)))
    documents = [(r, doc.kind) for r in matcher.new_plans for doc in r.documents]
    for batch in _chunks(documents + matcher.added_documents, BATCH):
        insert_many(d, [{"plan_id": r.id, "kind": kind} for r, kind in batch])
    links = [r for r in (*matcher.changed_plans.values(), *matcher.new_plans) if r.superseded_by]
    _update_by_id(p, [{"row_id": r.id, "superseded_by_id": r.superseded_by.id} for r in links])
    for batch in _chunks(matcher.audit, BATCH):
        audit.record_all([audit.entry(actor, action, kind, record.id, _resolved(before),
                                      _resolved(after))
                          for action, kind, record, before, after in batch])
