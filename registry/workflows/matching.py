"""Matching an import's rows against the register, in memory, before anything is written.

``Matcher.load`` reads what is stored for the file's credit codes and filing numbers in a
few queries. ``Matcher.decide`` then judges one row against those records and against the
rows before it, with the same rule functions as the enterprise and plan services
(``enterprises.service.check_new`` / ``check_changes``, ``registry.plans.filing``), and
queues its writes for ``registry.workflows.bulk``. Every check of a row runs before any
of its changes is applied, so a row that breaks a rule leaves no trace and the rows after
it are judged as if it were absent (what a rolled-back savepoint did before).

Records are plain attribute bags carrying the ORM attribute names, so the shared rules
and ``audit.snapshot`` read them like ``Enterprise`` and ``Plan`` objects.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import sqlalchemy as sa
from flask_babel import gettext as _

from registry import audit, permissions
from registry.enterprises.schemas import EnterpriseIn, EnterprisePatch
from registry.enterprises.service import AUDITED as ENTERPRISE_AUDITED
from registry.enterprises.service import check_changes, check_new
from registry.errors import Conflict, NotFound, PermissionDenied
from registry.extensions import db
from registry.models import Enterprise, Plan, PlanDocument
from registry.plans import filing
from registry.plans.schemas import CorrectionIn, PlanIn, RevisionIn
from registry.rules.hj941 import parse_notation
from registry.validation import validate

CHUNK = 500  # values per IN (…) list: well below SQLite's and PostgreSQL's bind limits


class RowFailed(Exception):
    """A row broke an import rule; ``errors`` are (schema field, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors


@dataclass
class ParsedRow:
    """A row read and validated with the schemas (``importer._parse_row``)."""

    number: int
    cells: list
    enterprise: EnterpriseIn
    given: frozenset            # enterprise fields present as columns
    plan_data: dict | None      # schema input of the plan cells; None when all are blank
    plan: PlanIn | None = None  # enterprise_id is a placeholder until the row is written


class PendingNumber:
    """The filing number of a version filed by this import: its serial is taken when the
    rows are written. Stands in for the number in records and audit entries until then."""

    def __init__(self, row: int):
        self.row = row
        self.value: str | None = None

    def __str__(self) -> str:
        return self.value or _("the new version in row %(row)s", row=self.row)


def _chunks(values, size: int = CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _agree(first_row: int, fields) -> RowFailed:
    """The same enterprise (credit code) or plan version twice in one file, with different
    data: which row is right is the officer's call, not the import's."""
    return RowFailed([(f, _("Row %(row)s gives a different value for the same record; the rows "
                            "of one enterprise or plan version must agree.", row=first_row))
                      for f in fields])


def _level_of(body) -> str:
    return body.risk_level or parse_notation(body.risk_notation).level


class Matcher:
    """What is stored and what the rows so far decided, plus the writes they queued."""

    def __init__(self, actor, counties: dict):
        self.actor, self.counties = actor, counties
        self.enterprises: dict[str, SimpleNamespace] = {}  # credit code -> record
        self.current: dict[str, SimpleNamespace] = {}      # credit code -> current version
        self.by_number: dict[str, SimpleNamespace] = {}    # filing number -> version
        self.by_signing: dict[tuple, SimpleNamespace] = {}  # (credit code, signed on) -> version
        self.max_version: dict[str, int] = {}              # credit code -> highest version
        self.first_row: dict[int, int] = {}                # id(record) -> row that gave it
        self.counts = dict.fromkeys(
            ("enterprise_created", "enterprise_updated", "enterprise_unchanged", "plan_filed",
             "plan_revised", "plan_corrected", "plan_unchanged"), 0)
        # Queued writes, in row order.
        self.new_enterprises: list = []
        self.changed_enterprises: dict[int, SimpleNamespace] = {}
        self.new_plans: list = []
        self.changed_plans: dict[int, SimpleNamespace] = {}
        self.removed_documents: list[int] = []
        self.added_documents: list[tuple[SimpleNamespace, str]] = []
        self.audit: list[tuple] = []  # (action, entity_type, record, before, after)

    # -- what is stored -----------------------------------------------------------------

    def load(self, credit_codes, filing_numbers) -> None:
        """Read the enterprises, all their versions, and the versions holding the file's
        filing numbers, with their documents."""
        e, p = Enterprise.__table__, Plan.__table__
        columns = [e.c.id, *(e.c[f] for f in ENTERPRISE_AUDITED)]
        for chunk in _chunks(set(credit_codes)):
            for row in db.session.execute(sa.select(*columns).where(e.c.credit_code.in_(chunk))):
                self.enterprises[row.credit_code] = SimpleNamespace(**row._mapping)
        by_id = {r.id: r for r in self.enterprises.values()}
        plans = {}
        for chunk in _chunks(by_id):
            for row in db.session.execute(sa.select(p).where(p.c.enterprise_id.in_(chunk))):
                plans[row.id] = self._plan_record(row, by_id[row.enterprise_id])
        for chunk in _chunks(set(filing_numbers)):
            stmt = (sa.select(p, e.c.credit_code, e.c.name, e.c.county_code)
                    .join(e, e.c.id == p.c.enterprise_id).where(p.c.filing_number.in_(chunk)))
            for row in db.session.execute(stmt):
                owner = by_id.get(row.enterprise_id) or SimpleNamespace(
                    id=row.enterprise_id, credit_code=row.credit_code, name=row.name,
                    county_code=row.county_code)
                plans.setdefault(row.id, self._plan_record(row, owner))
        d = PlanDocument.__table__
        for chunk in _chunks(plans):
            for row in db.session.execute(sa.select(d.c.id, d.c.plan_id, d.c.kind, d.c.stored_name)
                                          .where(d.c.plan_id.in_(chunk)).order_by(d.c.id)):
                plans[row.plan_id].documents.append(
                    SimpleNamespace(id=row.id, kind=row.kind, stored_name=row.stored_name))
        for plan in plans.values():
            self.by_number[plan.filing_number] = plan
            key = plan.owner.credit_code
            if key in self.enterprises:
                self.by_signing[key, plan.signed_on] = plan
                self.max_version[key] = max(self.max_version.get(key, 0), plan.version)
                if plan.is_current:
                    self.current[key] = plan

    @staticmethod
    def _plan_record(row, owner) -> SimpleNamespace:
        values = {c.name: row._mapping[c] for c in Plan.__table__.columns}
        return SimpleNamespace(**values, owner=owner, documents=[], stored=True,
                               superseded_by=None)

    # -- one row ------------------------------------------------------------------------

    def decide(self, row: ParsedRow) -> dict:
        """Judge ``row`` and queue its writes; returns its preview line. Raises RowFailed,
        ValidationFailed, Conflict, PermissionDenied — and then nothing has changed."""
        record, view, e_action, e_apply = self._enterprise(row)
        p_action, p_apply = None, None
        if row.plan_data is not None:
            try:
                p_action, p_apply = self._plan(row, record, view)
            except (Conflict, NotFound) as exc:
                raise RowFailed([("filing_number", exc.message)]) from None
        e_apply()
        self.counts[f"enterprise_{e_action}"] += 1
        if p_apply is not None:
            p_apply()
            self.counts[f"plan_{p_action}"] += 1
        return {"name": view.name, "credit_code": view.credit_code,
                "enterprise": e_action, "plan": p_action,
                "unplaced": view.longitude is None or view.latitude is None}

    def _enterprise(self, row: ParsedRow):
        body, actor = row.enterprise, self.actor
        existing = self.enterprises.get(body.credit_code)
        try:
            if existing is None:
                check_new(actor, body, self.counties.get)
            else:
                permissions.require_read_county(actor, existing.county_code)
                changes = EnterprisePatch(**{k: v for k, v in body.model_dump().items()
                                             if k in row.given}).model_dump(exclude_unset=True)
                if changes.get("longitude") is None and changes.get("latitude") is None:
                    # A register without coordinates never unplaces a placed enterprise.
                    changes.pop("longitude", None)
                    changes.pop("latitude", None)
                check_changes(actor, existing, changes, self.counties.get)
        except PermissionDenied as exc:
            raise RowFailed([("county_code", exc.message)]) from None
        if existing is None:
            record = SimpleNamespace(id=None, **body.model_dump())

            def apply():
                self.enterprises[record.credit_code] = record
                self.first_row[id(record)] = row.number
                self.new_enterprises.append(record)
                self.audit.append(("enterprise.create", "enterprise", record, None,
                                   audit.snapshot(record, ENTERPRISE_AUDITED)))
            return record, record, "created", apply
        view = SimpleNamespace(**{**vars(existing), **changes})
        old, new = audit.diff(audit.snapshot(existing, ENTERPRISE_AUDITED),
                              audit.snapshot(view, ENTERPRISE_AUDITED))
        if new and id(existing) in self.first_row:
            raise _agree(self.first_row[id(existing)], new)

        def apply():
            self.first_row.setdefault(id(existing), row.number)
            if new:
                vars(existing).update(changes)
                self.changed_enterprises[id(existing)] = existing
                self.audit.append(("enterprise.update", "enterprise", existing, old, new))
        return existing, view, "updated" if new else "unchanged", apply

    def _plan(self, row: ParsedRow, owner, view):
        body = row.plan
        current = self.current.get(view.credit_code)
        if body.filing_number:
            existing = self.by_number.get(body.filing_number)
            if existing is not None:
                if existing.stored:
                    permissions.require_read_county(self.actor, existing.owner.county_code)
                if existing.owner.credit_code != view.credit_code:
                    raise RowFailed([("filing_number", _(
                        "Filing number %(number)s belongs to another enterprise (%(name)s).",
                        number=body.filing_number, name=existing.owner.name))])
                return self._correct(row, existing, view)
        elif (view.credit_code, body.signed_on) in self.by_signing:
            # Without a number, the version signed that day (current or, in a re-imported
            # history, superseded) is the same version again.
            return self._correct(row, self.by_signing[view.credit_code, body.signed_on], view)
        if current is None:
            return self._new_version(row, owner, view, body, None)
        if body.signed_on <= current.signed_on:
            raise RowFailed([("signed_on", _(
                "The current plan (%(number)s) was signed on %(date)s; an older version cannot be "
                "imported after it.", number=str(current.filing_number),
                date=current.signed_on.isoformat()))])
        revision = validate(RevisionIn, {k: v for k, v in row.plan_data.items()
                                         if k != "enterprise_id"})
        return self._new_version(row, owner, view, revision, current)

    def _correct(self, row: ParsedRow, plan, view):
        """Same version again: a major change is refused, a minor one is a correction."""
        body = row.plan
        level = _level_of(body)
        if body.signed_on != plan.signed_on or level != plan.risk_level:
            raise RowFailed([("signed_on" if body.signed_on != plan.signed_on else "risk_level", _(
                "Filing %(number)s was signed on %(date)s at level %(level)s; changing the signing "
                "date or the risk level is a major revision: give the new version its own row.",
                number=str(plan.filing_number), date=plan.signed_on.isoformat(),
                level=plan.risk_level))])
        changes = {}
        if body.title != plan.title:
            changes["title"] = body.title
        if body.filed_on and body.filed_on != plan.filed_on:
            changes["filed_on"] = body.filed_on
        if "documents" in row.plan_data and set(body.documents) != {d.kind for d in plan.documents}:
            changes["documents"] = body.documents
        first = self.first_row.get(id(plan))
        if not changes:
            return "unchanged", lambda: self.first_row.setdefault(id(plan), row.number)
        if first is not None:
            raise _agree(first, changes)
        permissions.require_write_county(self.actor, view.county_code)
        staged = SimpleNamespace(**{**vars(plan), "documents": list(plan.documents)})
        before = filing.snapshot(plan)
        removed, added = filing.correct(
            staged, CorrectionIn(**changes).model_dump(exclude_unset=True))
        gone = {id(d) for d in removed}
        staged.documents = ([d for d in staged.documents if id(d) not in gone]
                            + [SimpleNamespace(id=None, kind=k, stored_name=None) for k in added])
        old, new = audit.diff(before, filing.snapshot(staged))

        def apply():
            self.first_row[id(plan)] = row.number
            vars(plan).update(vars(staged))
            self.changed_plans[id(plan)] = plan
            self.removed_documents.extend(d.id for d in removed)
            self.added_documents.extend((plan, k) for k in added)
            if new:
                self.audit.append(("plan.correct", "plan", plan, old, new))
        return "corrected", apply

    def _new_version(self, row: ParsedRow, owner, view, data, old):
        """A first filing (``old`` None) or a major revision superseding ``old``."""
        permissions.require_write_county(self.actor, view.county_code)
        if old is not None:
            filing.check_revision(old, data.signed_on)
        values = filing.version_fields(data)
        last = old.version if old else self.max_version.get(view.credit_code, 0)
        record = SimpleNamespace(
            id=None, owner=owner, stored=False, version=last + 1,
            is_demo=old.is_demo if old else False, is_current=True, revision_required=False,
            revision_reason=None, revised_because=None, superseded_on=None, superseded_by=None,
            documents=[SimpleNamespace(id=None, kind=k, stored_name=None)
                       for k in filing.document_kinds(data.documents)],
            **values, **self._numbering(row, data.filing_number, values, view))
        staged = None
        if old is not None:
            staged = SimpleNamespace(**vars(old))
            before = filing.snapshot(old)
            resolves = filing.supersede(staged)
            superseded = audit.diff(before, filing.snapshot(staged))
            revised = filing.revision_audit(filing.snapshot(record), old.filing_number,
                                            getattr(data, "reason", None), resolves)

        def apply():
            key = view.credit_code
            self.first_row[id(record)] = row.number
            self.new_plans.append(record)
            self.current[key] = record
            self.max_version[key] = record.version
            self.by_signing[key, record.signed_on] = record
            if data.filing_number:
                self.by_number[record.filing_number] = record
            if old is None:
                self.audit.append(("plan.file", "plan", record, None, filing.snapshot(record)))
                return
            vars(old).update(vars(staged), superseded_by=record)
            if old.stored:
                self.changed_plans[id(old)] = old
            self.audit.append(("plan.supersede", "plan", old, *superseded))
            self.audit.append(("plan.revise", "plan", record, None, revised))
        return "filed" if old is None else "revised", apply

    def _numbering(self, row: ParsedRow, legacy: str | None, values: dict, view) -> dict:
        """A legacy number as typed (flagged if irregular); otherwise a pending number whose
        serial ``bulk.take_numbers`` takes per (county, year)."""
        if legacy:
            if legacy in self.by_number:
                raise filing.number_in_use(legacy)
            numbering, raise_counter = filing.legacy_numbering(
                legacy, values["risk_level"], self.counties.__contains__)
            return {"filing_county_code": None, "filing_year": None, "filing_serial": None,
                    **numbering, "raises_counter": raise_counter, "cross_region": view.cross_region}
        return dict(filing_number=PendingNumber(row.number), filing_county_code=view.county_code,
                    filing_year=values["filed_on"].year, filing_serial=None,
                    filing_number_irregular=False, raises_counter=False,
                    cross_region=view.cross_region)
