"""Importing a register of enterprises and plans: all or nothing, in one transaction.

Every row is validated with the same schemas as the forms and the API (EnterpriseIn /
EnterprisePatch, PlanIn, RevisionIn, CorrectionIn) and judged with the same rule
functions as the enterprise and plan services, set-based:

1. read and validate every row (pure);
2. read what is stored for the file's credit codes and filing numbers in a few queries
   and decide each row in file order against it and the rows before it
   (``matching.Matcher``; a failed row leaves no trace, as a rolled-back savepoint did);
3. if no row broke a rule and this is not a dry run, write everything in bulk
   (``bulk.write``: one serial upsert per county and year, executemany inserts) and commit.

The report lists every error of every row (row, column, value, rule). Re-importing
updates, never duplicates: an enterprise is matched by its credit code, a plan by its
filing number (or, without one, by the current version's signing date). The same
enterprise or plan version given twice in one file must agree.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from collections.abc import Callable, Iterator

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from registry import audit, permissions
from registry.enterprises.schemas import EnterpriseIn
from registry.enterprises.service import check_location
from registry.errors import Conflict, DomainError, ValidationFailed
from registry.extensions import db
from registry.bulk_insert import refresh_statistics
from registry.jurisdictions.service import list_counties
from registry.models import Enterprise, Plan
from registry.plans.schemas import PlanIn
from registry.rules.credit_code import division_warning
from registry.validation import rule_message, validate
from registry.workflows import bulk, cells, source
from registry.workflows.columns import BY_KEY, DOCUMENT_NAMES, EXAMPLE_MARK, FIELD_COLUMN, header_map
from registry.workflows.matching import Matcher, ParsedRow, RowFailed
from registry.workflows.permissions import require_import
from registry.workflows.source import Register, SheetAbsent, read_register

PREVIEW_ROWS = 50


@dataclass
class RowError:
    row: int
    column: str   # Chinese header; "" for the row as a whole
    value: str
    message: str
    index: int = -1  # 0-based column in the uploaded file; -1 for the row as a whole
    sheet: str = ""  # the worksheet, for a row of a further sheet (``sheets.RegisterSheet``)


@dataclass
class ImportResult:
    rows: int = 0
    counts: dict = field(default_factory=lambda: dict.fromkeys(
        ("enterprise_created", "enterprise_updated", "enterprise_unchanged", "plan_filed",
         "plan_revised", "plan_corrected", "plan_unchanged"), 0))
    errors: list[RowError] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)  # the first rows that change something
    committed: bool = False
    dry_run: bool = False
    unplaced: int = 0  # enterprises without coordinates after the import (待定位)
    # Rows imported but looking wrong (an unknown division code in the credit code): the
    # first PREVIEW_ROWS, and how many in all.
    warnings: list[RowError] = field(default_factory=list)
    warning_count: int = 0
    # Further sheets read (``sheets.RegisterSheet.key`` -> {"rows": n, outcome: n, …}).
    sheets: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportResult:
        errors = [RowError(**e) for e in data.pop("errors", [])]
        warnings = [RowError(**w) for w in data.pop("warnings", [])]
        return cls(errors=errors, warnings=warnings, **data)


def _missing_columns(found) -> list[str]:
    present = {c.key for c in found.values()}
    return [c.header for c in BY_KEY.values() if c.required and c.key not in present]


def _read_cells(row: list, columns, county) -> tuple[dict, dict, list]:
    """Schema input for the enterprise and for the plan, and the (column key, message) of
    every cell that could not be read."""
    enterprise, plan, errors = {}, {}, []
    for index, column in columns.items():
        value = row[index] if index < len(row) else None
        try:
            if column.key == "county_code":
                read = county(value)
            elif column.key == "risk_level":
                plan.update(cells.read_risk(value))
                continue
            elif column.key == "documents":
                read = cells.read_documents(value, DOCUMENT_NAMES)
            else:
                read = (column.read or cells.text)(value)
        except cells.CellError as exc:
            errors.append((column.key, exc.message))
            continue
        (enterprise if column.part == "enterprise" else plan)[column.key] = read
    return enterprise, plan, errors


def _schema_errors(exc: ValidationFailed, unread: set) -> list[tuple[str, str]]:
    """(field, message) pairs of a schema's refusal, without those of a cell already
    reported as unreadable (its field is then missing, which says nothing new)."""
    pairs = []
    for name, messages in exc.fields.items():
        field_name = name.split(".")[0]
        if FIELD_COLUMN.get(field_name) in unread:
            continue
        pairs.extend((field_name, m) for m in messages)
    return pairs


def _point(number: int, data: dict) -> dict | None:
    """The row's point for the location check, when its county and both coordinates
    were read as numbers within the schema's range."""
    try:
        lon, lat = float(data["longitude"]), float(data["latitude"])
    except (KeyError, TypeError, ValueError):
        return None
    if not data.get("county_code") or not (73 <= lon <= 136 and 3 <= lat <= 54):
        return None
    return {"id": number, "county_code": data["county_code"], "lon": lon, "lat": lat}


def _parse_row(number: int, row: list, columns, county, given: frozenset,
               points: list) -> ParsedRow:
    """Read every cell and validate the enterprise and the plan with the schemas; no
    database. One pass finds every error of the row: unreadable cells, the enterprise's
    fields and the plan's fields (issue #16.2), raised together as one RowFailed."""
    enterprise_data, plan_data, errors = _read_cells(row, columns, county)
    point = _point(number, enterprise_data)
    if point is not None:
        points.append(point)
    unread = {key for key, _m in errors}
    enterprise = None
    try:
        enterprise = validate(EnterpriseIn, enterprise_data)
        check_location(enterprise.longitude, enterprise.latitude)
    except ValidationFailed as exc:
        errors.extend(_schema_errors(exc, unread))
    plan = None
    has_plan = (any(v not in (None, "", []) for v in plan_data.values())
                or any(BY_KEY[key].part == "plan" for key in unread))
    if has_plan:
        try:
            # The enterprise's id is known only once it is written: a placeholder here.
            plan = validate(PlanIn, {**plan_data, "enterprise_id": 0})
        except ValidationFailed as exc:
            errors.extend(_schema_errors(exc, unread))
    if errors:
        order = {c.key: i for i, c in columns.items()}
        errors.sort(key=lambda e: order.get(FIELD_COLUMN.get(e[0]), len(order)))
        raise RowFailed(errors)
    parsed = ParsedRow(number, row, enterprise, given, None)
    if has_plan:
        parsed.plan_data, parsed.plan = plan_data, plan
    return parsed


def _errors_for(number: int, row: list, exc, columns) -> list[RowError]:
    if isinstance(exc, ValidationFailed):
        pairs = [(f.split(".")[0], m) for f, msgs in exc.fields.items() for m in msgs]
    elif isinstance(exc, RowFailed):
        pairs = exc.errors
    else:
        pairs = [("", exc.message or exc.code)]
    index_of = {c.key: i for i, c in columns.items()}
    errors = []
    for field_name, message in pairs:
        key = FIELD_COLUMN.get(field_name)
        index = index_of.get(key, -1)
        value = row[index] if 0 <= index < len(row) else None
        errors.append(RowError(number, BY_KEY[key].header if key in BY_KEY else "",
                               cells.as_shown(value), str(message), index))
    return errors


def _parse_all(register: Register, columns, county, result: ImportResult, progress) -> list:
    if not register.rows:
        return []
    name_index = next(i for i, c in columns.items() if c.key == "name")
    # The enterprise fields the file has columns for: the same for every row.
    given = frozenset(c.key for c in columns.values() if c.part == "enterprise")
    parsed, points = [], []
    for number, row in register.rows:
        if str(row[name_index] or "").strip().startswith(EXAMPLE_MARK):
            continue
        result.rows += 1
        try:
            parsed.append(_parse_row(number, row, columns, county, given, points))
        except (DomainError, RowFailed) as exc:
            parsed.append((number, row, exc))
        if progress:
            progress(1)
    _check_locations(parsed, points)
    return parsed


def _check_locations(parsed: list, points: list) -> None:
    """A point outside the county the row declares is an error of the row (a longitude
    of 120.5 for 禹州), judged for every row at once against the counties on the map."""
    from registry.map.service import outside_message, points_outside_declared

    outside = points_outside_declared(points) if points else {}
    if not outside:
        return
    by_number = {p["id"]: p for p in points}
    for index, item in enumerate(parsed):
        number = item.number if isinstance(item, ParsedRow) else item[0]
        if number not in outside:
            continue
        point = by_number[number]
        error = ("longitude", outside_message(point["county_code"], point["lon"], point["lat"],
                                              outside[number]))
        if isinstance(item, ParsedRow):
            parsed[index] = (number, item.cells, RowFailed([error]))
        elif isinstance(item[2], RowFailed):
            item[2].errors.append(error)


def _outside_scope(actor, parsed: list, counties: dict, result: ImportResult) -> list:
    """Rows of counties this account may not write are told once, as one error of the
    file naming the counties it may import (a county officer's city-wide file would
    otherwise give one "not allowed" per row); those rows are then left out."""
    outside: dict[str, list[int]] = {}
    kept = []
    for item in parsed:
        if isinstance(item, ParsedRow) and not permissions.can_write_county(
                actor, item.enterprise.county_code):
            outside.setdefault(item.enterprise.county_code, []).append(item.number)
        else:
            kept.append(item)
    if not outside:
        return parsed
    rows = sorted(n for numbers in outside.values() for n in numbers)
    allowed = "、".join(f"{counties[c].name}（{c}）" if c in counties else c
                       for c in sorted(actor.county_codes or ()))
    others = "、".join(f"{counties[c].name if c in counties else c} {len(n)}"
                      for c, n in sorted(outside.items()))
    result.errors.append(RowError(0, BY_KEY["county_code"].header, others, _(
        "This account may import only enterprises of %(allowed)s. %(n)s rows (rows %(first)s–"
        "%(last)s) are in other counties (%(others)s rows): remove them from the file, or have "
        "them imported by an officer of those counties or of the city.", allowed=allowed or "—",
        n=len(rows), first=rows[0], last=rows[-1], others=others)))
    return kept


def _decide_all(matcher: Matcher, parsed: list, columns, result: ImportResult) -> None:
    matcher.load((p.enterprise.credit_code for p in parsed if isinstance(p, ParsedRow)),
                 (p.plan.filing_number for p in parsed
                  if isinstance(p, ParsedRow) and p.plan and p.plan.filing_number))
    unplaced = set()
    for index, item in enumerate(parsed):
        parsed[index] = None  # what a row keeps after its decision is in the matcher
        if not isinstance(item, ParsedRow):
            result.errors.extend(_errors_for(*item, columns))
            continue
        try:
            outcome = matcher.decide(item)
        except (DomainError, RowFailed) as exc:
            result.errors.extend(_errors_for(item.number, item.cells, exc, columns))
            continue
        if outcome["unplaced"]:
            unplaced.add(outcome["credit_code"])
        _warn(item, columns, result)
        line = {"row": item.number, **outcome}
        if len(result.preview) < PREVIEW_ROWS:
            result.preview.append(line)
        if len(result.changes) < PREVIEW_ROWS and (
                outcome["enterprise"] != "unchanged" or outcome["plan"] not in (None, "unchanged")):
            result.changes.append(line)
    result.counts = dict(matcher.counts)
    result.unplaced = len(unplaced)


def _warn(item: ParsedRow, columns, result: ImportResult) -> None:
    """A row that passes but whose credit code names no known division (GB/T 2260 changes
    every year, so it is imported, with a warning the preview and the CLI show)."""
    violation = division_warning(item.enterprise.credit_code)
    if violation is None:
        return
    result.warning_count += 1
    if len(result.warnings) < PREVIEW_ROWS:
        column = BY_KEY["credit_code"]
        index = next((i for i, c in columns.items() if c.key == "credit_code"), -1)
        result.warnings.append(RowError(item.number, column.header, item.enterprise.credit_code,
                                        rule_message(violation), index))


def read_upload(path, filename: str | None = None) -> Register:
    """The register in ``path`` (``source.read_register``) with the further sheets the
    areas declare (``Area(register_sheets=...)``) that the workbook has, by key."""
    from registry.areas import registry

    sheets = registry().register_sheets.values()

    def further(title) -> bool:
        return any(source.same_title(title, t) for s in sheets for t in s.titles)

    titles = source.sheet_titles(path, filename)
    if titles and further(titles[0]):
        # The workbook starts with a further sheet: the register is the first other sheet
        # that names the register's columns (an export reordered), else there is none.
        register = Register([], [])
        for title in titles[1:]:
            if further(title):
                continue
            found = read_register(path, filename, sheet=(title,))
            if len(header_map(found.headers)) >= 2:
                register = found
                break
    else:
        register = read_register(path, filename)
    for sheet in sheets:
        try:
            extra = read_register(path, filename, columns=sheet.columns, sheet=sheet.titles)
        except SheetAbsent:
            continue
        if extra.rows:
            register.sheets[sheet.key] = extra
    return register


def _file_credit_codes(register: Register, columns) -> set[str]:
    """Every credit code the first sheet names, read or not (a further sheet's row of an
    enterprise whose own row failed is not told again that the enterprise is unknown)."""
    index = next((i for i, c in columns.items() if c.key == "credit_code"), None)
    if index is None:
        return set()
    codes = set()
    for _n, row in register.rows:
        if index < len(row) and row[index] is not None:
            try:
                codes.add((cells.read_code(row[index]) or "").upper())
            except cells.CellError:  # a number cell: its row is an error of the first sheet
                continue
    return codes


def _decide_sheets(actor, register: Register, matcher: Matcher, columns,
                   result: ImportResult) -> list:
    from registry.areas import registry

    if not register.sheets:
        return []
    matcher.file_credit_codes = _file_credit_codes(register, columns)
    decided = []
    for key, rows in register.sheets.items():
        sheet = registry().register_sheets[key]
        decision = sheet.decide(actor, rows, matcher)
        result.errors.extend(decision.errors)
        result.sheets[key] = {"rows": len(rows.rows), **decision.counts}
        decided.append((sheet, decision))
    return decided


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the import: it keeps ~100 objects a row
    alive until it ends and makes no cycles worth collecting, so the collector would only
    rescan them again and again (a fifth of the CPU time at 10,000 rows). Reference
    counting still frees everything else; the collector resumes afterwards (unless it was
    already paused, e.g. by a concurrent import)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_import(actor, register: Register, *, dry_run: bool = False,
               progress: Callable[[int], None] | None = None) -> ImportResult:
    """Import ``register`` (from ``read_upload``) as ``actor``, all or nothing, with its
    further sheets (``sheets.RegisterSheet``: decided after the first sheet's rows, written
    after them in the same transaction).

    Commits only when every row passed and ``dry_run`` is false; otherwise rolls back and
    writes nothing (a dry run decides every row but issues no write). ``progress(n)`` is
    called as rows are read. Returns an ImportResult with counts, a preview of the first
    rows and every error (row, column, value, rule broken).
    Raises PermissionDenied (viewers), ValidationFailed (required columns missing) and
    Conflict (a concurrent change took a credit code or a filing number first).
    """
    require_import(actor)
    columns = header_map(register.headers)
    missing = _missing_columns(columns)
    # A workbook of further sheets only (e.g. 风险物质 alone) has no enterprise columns.
    if missing and (register.headers or not register.sheets):
        raise ValidationFailed({"file": [_("Required columns missing: %(columns)s.",
                                           columns="、".join(missing))]})
    result = ImportResult(dry_run=dry_run)
    db.session.rollback()  # start from a clean unit of work
    with _collector_paused():
        counties = list_counties(include_retired=True)
        parsed = _parse_all(register, columns, cells.CountyReader(counties), result, progress)
        by_code = {c.code: c for c in counties}
        parsed = _outside_scope(actor, parsed, by_code, result)
        matcher = Matcher(actor, by_code)
        _decide_all(matcher, parsed, columns, result)
        sheets = _decide_sheets(actor, register, matcher, columns, result)
        if result.errors or dry_run:
            db.session.rollback()
            return result
        try:
            bulk.write(matcher, actor)
            for sheet, decision in sheets:
                sheet.write(actor, decision, matcher)
            audit.record(actor, "import.run", "import", 0, None,
                         {"rows": result.rows, **{k: v for k, v in result.counts.items() if v}})
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            raise Conflict(_("Another change to these records was saved at the same time; "
                             "nothing was imported. Import the file again.")) from None
    result.committed = True
    refresh_statistics(Enterprise.__table__, Plan.__table__)  # imports are rare and large
    return result
