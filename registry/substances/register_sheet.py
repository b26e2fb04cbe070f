"""The register's 风险物质 sheet (issue #20): each enterprise's substances held, one row per
substance — credit code, substance (name, alias or CAS number), maximum quantity on site,
optionally where stored — read by the register import beside the enterprises and written
by the template and the enterprises export (``workflows.sheets``).

The rows of an enterprise replace the substances of its risk inventory; its M sheet, E and
penalty stay as recorded, and the grade is computed again with the same function as the
inventory form (``inventory.compute``). An enterprise with no inventory yet gets one only
when its substances stay below the critical quantities in both media (Q < 1: 一般 whatever
M and E are); with Q ≥ 1 the grade needs its M and E, which the sheet does not carry, so
its rows are refused with the reason and what to do — never graded on made-up inputs.
"""
from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry import permissions
from registry.errors import DomainError, ValidationFailed
from registry.extensions import db
from registry.fields import halfwidth
from registry.models import Enterprise, RiskInventory, Substance
from registry.substances import exports, grading, inventory
from registry.substances.schemas import InventoryIn
from registry.substances.service import ALIAS_SEPARATOR
from registry.validation import validate
from registry.workflows import cells
from registry.workflows.importer import RowError
from registry.workflows.sheets import RegisterSheet, SheetDecision

TITLE = "风险物质"
CHUNK = 500

# Header as officers write it (Chinese or English; spaces, "*" and bracket widths ignored)
# -> column key. 企业名称 and 临界量 are read past (the export writes them for the reader).
HEADERS = {
    "统一社会信用代码": "credit_code", "信用代码": "credit_code",
    "unifiedsocialcreditcode": "credit_code", "creditcode": "credit_code",
    "企业名称": "enterprise_name", "enterprisename": "enterprise_name",
    "风险物质": "substance", "风险物质名称": "substance", "物质名称": "substance",
    "substance": "substance",
    "cas号": "cas", "cas": "cas", "casno.": "cas", "casnumber": "cas",
    "最大存在量(t)": "max_quantity_t", "最大存在总量(t)": "max_quantity_t",
    "最大存在量": "max_quantity_t", "最大存在总量": "max_quantity_t",
    "maximumquantity(t)": "max_quantity_t",
    "临界量(t)": "critical_quantity_t", "临界量": "critical_quantity_t",
    "criticalquantity(t)": "critical_quantity_t",
    "存放位置": "storage", "储存位置": "storage", "wherestored": "storage",
}
# Column key -> header as the sheet writes it (errors name the column so).
NAMES = {"credit_code": "统一社会信用代码", "enterprise_name": "企业名称", "substance": "风险物质",
         "cas": "CAS号", "max_quantity_t": "最大存在量(t)", "critical_quantity_t": "临界量(t)",
         "storage": "存放位置"}


def _normal(header) -> str:
    text = halfwidth(str(header or "")).replace("*", "").replace(" ", "").strip()
    return text.casefold()


def header_map(headers: list) -> dict[int, str]:
    """{index: column key} of the headers the sheet knows."""
    found = {}
    for index, header in enumerate(headers):
        key = HEADERS.get(_normal(header))
        if key and key not in found.values():
            found[index] = key
    return found


class _Table:
    """The substance table, looked up by name, alias or CAS number (case-blind)."""

    def __init__(self):
        self.by_name, self.by_alias, self.by_cas = {}, {}, {}
        for s in db.session.scalars(sa.select(Substance)):
            self.by_name[s.name.casefold()] = s
            if s.cas:
                self.by_cas.setdefault(s.cas, []).append(s)
            for alias in (s.aliases or "").split(ALIAS_SEPARATOR):
                if alias.strip():
                    self.by_alias.setdefault(alias.strip().casefold(), []).append(s)

    def find(self, name: str | None, cas: str | None):
        """(substance row, None) or (None, (column key, message))."""
        named = None
        if name:
            named = self.by_name.get(name.casefold())
            if named is None:
                aliases = self.by_alias.get(name.casefold(), [])
                if len(aliases) > 1:
                    return None, ("substance", _(
                        "“%(name)s” is an alias of several substances (%(names)s): give the "
                        "substance's own name or its CAS number.", name=name,
                        names="、".join(a.name for a in aliases)))
                named = aliases[0] if aliases else None
            if named is None and cas and len(self.by_cas.get(cas, [])) == 1:
                return self.by_cas[cas][0], None  # renamed in the table since: the CAS decides
            if named is None:
                return None, ("substance", _(
                    "“%(name)s” is not in the table of risk substances (名称 or 别名); the "
                    "substance page lists it. An administrator loads the official table of "
                    "HJ 941-2018 Appendix A.", name=name))
        if cas:
            by_cas = self.by_cas.get(cas, [])
            if named is not None:
                if by_cas and named.id not in {s.id for s in by_cas}:
                    return None, ("cas", _(
                        "CAS number %(cas)s is %(other)s in the table, not %(name)s.", cas=cas,
                        other="、".join(s.name for s in by_cas), name=named.name))
                return named, None
            if len(by_cas) == 1:
                return by_cas[0], None
            if by_cas:
                return None, ("cas", _(
                    "CAS number %(cas)s is on several substances (%(names)s): give the "
                    "substance's name.", cas=cas, names="、".join(s.name for s in by_cas)))
            return None, ("cas", _("No substance with CAS number %(cas)s is in the table of "
                                   "risk substances.", cas=cas))
        return named, None


def _read_row(values: list, columns: dict[int, str]) -> tuple[dict, list]:
    """The row's cells by key, and (key, message) for every cell that cannot be read."""
    data, errors = {}, []
    for index, key in columns.items():
        value = values[index] if index < len(values) else None
        try:
            if key == "credit_code":
                data[key] = (cells.read_code(value) or "").upper() or None
            elif key == "cas":
                data[key] = cells.compact_text(value)
            elif key == "max_quantity_t":
                data[key] = _quantity(value)
            else:
                data[key] = cells.text(value)
        except cells.CellError as exc:
            errors.append((key, exc.message))
    return data, errors


def _quantity(value) -> float | None:
    raw = cells.read_number(value)
    if raw is None or isinstance(raw, (int, float)):
        number = raw
    else:
        try:
            number = float(raw.removesuffix("t").removesuffix("吨"))
        except ValueError:
            raise cells.CellError(_("“%(value)s” is not a number of tonnes.",
                                    value=value)) from None
    if number is not None and not 0 < number <= 10_000_000:
        raise cells.CellError(_("The maximum quantity must be more than 0 and at most "
                                "10,000,000 t."))
    return number


class _Rows:
    """Errors of the sheet, each naming its row, column and the cell as typed."""

    def __init__(self, title: str, columns: dict[int, str]):
        self.title, self.errors = title, []
        self.index = {key: i for i, key in columns.items()}

    def add(self, number: int, values: list, key: str | None, message: str) -> None:
        index = self.index.get(key, -1) if key else -1
        value = values[index] if 0 <= index < len(values) else None
        self.errors.append(RowError(number, NAMES.get(key, "") if key else "",
                                    cells.as_shown(value), str(message), index, self.title))


def _enterprises(matcher, codes: set[str]) -> dict[str, SimpleNamespace]:
    """The records of ``codes`` as the import will leave them: the matcher's (the first
    sheet's rows, decided) and, for the others, the register's."""
    found = {c: matcher.enterprises[c] for c in codes if c in matcher.enterprises}
    rest = sorted(codes - found.keys())
    columns = [Enterprise.__table__.c[f] for f in (
        "id", "name", "credit_code", "county_code", "longitude", "latitude",
        "discharge_longitude", "discharge_latitude", "receiving_water")]
    for start in range(0, len(rest), CHUNK):
        for row in db.session.execute(sa.select(*columns).where(
                Enterprise.credit_code.in_(rest[start:start + CHUNK]))):
            found[row.credit_code] = SimpleNamespace(**row._mapping)
    return found


def _stored(ids: list[int]) -> dict[int, RiskInventory]:
    stored = {}
    for start in range(0, len(ids), CHUNK):
        for inv in db.session.scalars(sa.select(RiskInventory).where(
                RiskInventory.enterprise_id.in_(ids[start:start + CHUNK]))):
            stored[inv.enterprise_id] = inv
    return stored


def decide(actor, register, matcher) -> SheetDecision:
    """Judge every row of the sheet and grade each enterprise's new inventory, in memory."""
    title = register.title or TITLE
    columns = header_map(register.headers)
    rows = _Rows(title, columns)
    missing = [NAMES[k] for k in ("credit_code", "max_quantity_t") if k not in columns.values()]
    if "substance" not in columns.values() and "cas" not in columns.values():
        missing.append(f"{NAMES['substance']}/{NAMES['cas']}")
    if missing:
        rows.errors.append(RowError(0, "", "", _(
            "Sheet %(sheet)s: required columns missing: %(columns)s.", sheet=title,
            columns="、".join(missing)), -1, title))
        return SheetDecision(errors=rows.errors)
    table = _Table()
    read = []  # (number, values, data, substance)
    for number, values in register.rows:
        data, errors = _read_row(values, columns)
        for key, message in errors:
            rows.add(number, values, key, message)
        if errors:
            continue
        if not data.get("credit_code"):
            rows.add(number, values, "credit_code", _("This field is required."))
            continue
        if data.get("max_quantity_t") is None:
            rows.add(number, values, "max_quantity_t", _("This field is required."))
            continue
        if not data.get("substance") and not data.get("cas"):
            rows.add(number, values, "substance", _(
                "Give the substance's name (or an alias) or its CAS number."))
            continue
        substance, problem = table.find(data.get("substance"), data.get("cas"))
        if problem:
            rows.add(number, values, *problem)
            continue
        read.append((number, values, data, substance))
    records = _enterprises(matcher, {data["credit_code"] for _n, _v, data, _s in read})
    file_codes = getattr(matcher, "file_credit_codes", set())
    by_code: dict[str, list] = {}
    for number, values, data, substance in read:
        code = data["credit_code"]
        record = records.get(code)
        if record is None:
            if code not in file_codes:  # else its row of the first sheet is the error
                rows.add(number, values, "credit_code", _(
                    "No enterprise with this credit code is in the register or on the "
                    "first sheet of this file."))
            continue
        if not permissions.can_write_county(actor, record.county_code):
            county = matcher.counties.get(record.county_code)
            rows.add(number, values, "credit_code", _(
                "This account may not change the enterprises of %(county)s.",
                county=county.name if county else record.county_code))
            continue
        lines = by_code.setdefault(code, [])
        first = next((n for n, _v, _d, s in lines if s.id == substance.id), None)
        if first is not None:
            rows.add(number, values, "substance", _(
                "%(name)s is already on row %(row)s for this enterprise: give its largest "
                "quantity once.", name=substance.name, row=first))
            continue
        lines.append((number, values, data, substance))
    stored = _stored([records[c].id for c in by_code if getattr(records[c], "id", None)])
    pending, counts = [], {"created": 0, "updated": 0, "unchanged": 0}
    for code, lines in by_code.items():
        outcome = _grade(records[code], lines, stored.get(getattr(records[code], "id", None)),
                         rows)
        if outcome is not None:
            # The matcher's record of a new enterprise gets its id when the rows are written.
            pending.append((records[code], *outcome))
            counts[outcome[2]] += 1
    return SheetDecision(errors=rows.errors, counts=counts, pending=pending)


def _grade(record, lines: list, stored: RiskInventory | None, rows: _Rows):
    """(InventoryIn, result, outcome) for one enterprise, or None after adding its errors."""
    number, values = lines[0][0], lines[0][1]
    substances = [{"substance_id": s.id, "max_quantity_t": d["max_quantity_t"],
                   "storage": d.get("storage")} for _n, _v, d, s in lines]
    kept = ({"air": stored.air, "water": stored.water, "penalised": stored.penalised}
            if stored is not None else {})
    if stored is not None and (
            sorted((i.substance_id, i.max_quantity_t, i.storage) for i in stored.items)
            == sorted((x["substance_id"], x["max_quantity_t"], x["storage"]) for x in substances)):
        return None, None, "unchanged"  # nothing to grade again: the stored grade stands
    try:
        data = validate(InventoryIn, {"substances": substances, **kept})
    except ValidationFailed as exc:
        for name, messages in exc.fields.items():
            parts = name.split(".")
            at = lines[int(parts[1])] if parts[0] == "substances" and parts[1:2] and \
                parts[1].isdigit() and int(parts[1]) < len(lines) else lines[0]
            for message in messages:
                rows.add(at[0], at[1], "storage" if "storage" in name else None, message)
        return None
    if stored is None:
        found = {s.id: s for _n, _v, _d, s in lines}
        over = [m for m, flag in (("air", "counts_air"), ("water", "counts_water"))
                if grading.q_ratio((line.max_quantity_t,
                                    found[line.substance_id].critical_quantity_t)
                                   for line in data.substances
                                   if getattr(found[line.substance_id], flag)) >= 1]
        if over:
            media = "、".join(str(_MEDIA[m]) for m in over)
            rows.add(number, values, "max_quantity_t", _(
                "%(name)s has no risk inventory yet, and these quantities reach the critical "
                "quantity (Q ≥ 1) in %(media)s: its level then depends on its M and E, which "
                "this sheet does not carry. Record its inventory (M sheet and E) on the "
                "enterprise's page (Risk inventory and grading) first, then import the "
                "substances again.",
                name=record.name, media=media))
            return None
    try:
        # The M sheet and E are kept as recorded: not held again to today's control items.
        result = inventory.compute(record, data, check_items=False, trace_below_q1=False)
    except ValidationFailed as exc:
        for name, messages in exc.fields.items():
            medium = name.split(".")[0]
            prefix = f"{_MEDIA[medium]}：" if medium in _MEDIA else ""
            for message in messages:
                text = message if record.name in message else f"{record.name} {prefix}{message}"
                rows.add(number, values, "max_quantity_t", text)
        return None
    except DomainError as exc:
        rows.add(number, values, None, f"{record.name}：{exc.message or exc.code}")
        return None
    return data, result, "created" if stored is None else "updated"


_MEDIA = {"air": _l("air"), "water": _l("water")}


def write(actor, decision: SheetDecision, matcher) -> None:
    """Store each enterprise's inventory (audited), after the first sheet's rows."""
    changed = [(r, d, res) for r, d, res, outcome in decision.pending if outcome != "unchanged"]
    stored = _stored([r.id for r, _d, _res in changed])
    for record, data, result in changed:
        inventory.store(actor, record.id, data, result, stored.get(record.id))


def add_template_sheet(book) -> None:
    """The template's 风险物质 sheet: its headers (required ones marked *) and a demo row."""
    from registry.workflows.workbooks import REQUIRED_FILL, style_header

    sheet = book.create_sheet(TITLE)
    headers = ["统一社会信用代码*", "企业名称", "风险物质*", "CAS号", "最大存在量(t)*", "存放位置"]
    sheet.append(headers)
    style_header(sheet, [24, 30, 18, 14, 16, 24])
    for index in (1, 3, 5):
        sheet.cell(row=1, column=index).fill = REQUIRED_FILL
    sheet.column_dimensions["A"].number_format = "@"


SHEET = RegisterSheet(
    key="risk_substances", titles=(TITLE, "企业风险物质", "risk substances"),
    label=_l("Risk substance lists"),
    columns=header_map, decide=decide, write=write, export=exports.RISK_SUBSTANCES,
    template=add_template_sheet,
    note="每行为一家企业持有的一种风险物质：统一社会信用代码、风险物质名称（或别名）或CAS号、最大存在量（吨），"
         "存放位置选填。物质须在风险物质表中（名称、别名或CAS号）。一家企业的各行替换其风险物质清单中的物质，"
         "M值、E值按已录入的保留并重新计算等级；尚无清单的企业，若物质在大气或水中Q≥1，须先在企业页面"
         "“风险物质与环境风险分级”录入M值、E值。企业可以在第一个工作表中，也可以已在系统中。")
