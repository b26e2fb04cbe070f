"""Annual figures (年度情况): what a bureau writes in its yearly report, from the data.

The plans section is built here; agreements, drills and corrective actions add their own
(declared in their ``Area(annual_sections=...)``) — each a function
``(actor, year, as_of) -> SectionResult`` giving the sentences for the paragraph and the
tables behind them. The paragraph is the report's text and is always Chinese.

The paragraph follows the bureau's report style (seed report, 2023): “督促指导企业及时修编
环境应急预案，完成环境风险企业预案备案527家，其中一般风险等级494家，较大风险等级26家，
重大环境风险等级7家。”
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from registry import permissions
from registry.jurisdictions.service import home_city_name
from registry.clock import today as local_today
from registry.errors import ValidationFailed
from registry.extensions import db
from registry.areas import registry
from registry.jurisdictions.service import county_names
from registry.models import Enterprise, Plan
from registry.rules.hj941 import LEVELS, LEVEL_ZH

FIRST_YEAR = 2000


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list]
    wide: bool = False  # the page gives it the full width (long names, several dates)


@dataclass
class SectionResult:
    sentences: list[str]          # joined into the report's paragraph, in order
    tables: list[Table] = field(default_factory=list)
    figures: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    key: str
    build: Callable[[object, int, date], SectionResult]
    order: int = 100


def check_year(year: int, today: date | None = None) -> int:
    today = today or local_today()
    if not FIRST_YEAR <= year <= today.year:
        raise ValidationFailed({"year": [_("Choose a year between %(first)s and %(last)s.",
                                           first=FIRST_YEAR, last=today.year)]})
    return year


def _scoped(stmt, actor):
    return permissions.scope(stmt.join(Enterprise, Plan.enterprise_id == Enterprise.id), actor,
                             Enterprise.county_code)


def _in_force(actor, as_of: date):
    """Each enterprise's latest version filed on or before ``as_of``: the plans in force."""
    latest = _scoped(sa.select(Plan.enterprise_id, sa.func.max(Plan.version).label("version"))
                     .where(Plan.filed_on <= as_of), actor).group_by(Plan.enterprise_id).subquery()
    stmt = (sa.select(Plan.risk_level, Enterprise.county_code, sa.func.count())
            .join(Enterprise, Plan.enterprise_id == Enterprise.id)
            .join(latest, sa.and_(latest.c.enterprise_id == Plan.enterprise_id,
                                  latest.c.version == Plan.version))
            .group_by(Plan.risk_level, Enterprise.county_code))
    return db.session.execute(stmt).all()


def _filed_in(actor, year: int):
    # Grouped by the label: PostgreSQL sees two bound "version > 1" as different expressions.
    is_revision = (Plan.version > 1).label("is_revision")
    stmt = _scoped(sa.select(Plan.risk_level, Enterprise.county_code, is_revision,
                             Plan.filed_late, sa.func.count())
                   .where(Plan.filed_on >= date(year, 1, 1), Plan.filed_on <= date(year, 12, 31)),
                   actor).group_by(Plan.risk_level, Enterprise.county_code, is_revision,
                                   Plan.filed_late)
    return db.session.execute(stmt).all()


def jurisdiction_word(actor) -> str:
    """全市 for a city-wide caller, 辖区内 for one who sees some counties."""
    return "全市" if permissions.visible_county_codes(actor) is None else "辖区内"


def until_words(year: int, as_of: date) -> str:
    """截至2023年底, or 截至2026年6月15日 for the year still running."""
    if as_of.year > year or (as_of.month, as_of.day) == (12, 31):
        return f"截至{year}年底"
    return f"截至{year}年{as_of.month}月{as_of.day}日"


def period_words(year: int, as_of: date) -> str:
    """全年 for a finished year, 年内 for the year still running."""
    return "全年" if until_words(year, as_of).endswith("年底") else "年内"


def _plan_section(actor, year: int, as_of: date) -> SectionResult:
    in_force = _in_force(actor, as_of)
    filed = _filed_in(actor, year)
    total_by_level = dict.fromkeys(LEVELS, 0)
    by_county: dict[str, dict] = {}
    for level, county, n in in_force:
        total_by_level[level] += n
        by_county.setdefault(county, {"filed": 0, "in_force": dict.fromkeys(LEVELS, 0)})
        by_county[county]["in_force"][level] += n
    new = dict.fromkeys(LEVELS, 0)
    revised = dict.fromkeys(LEVELS, 0)
    late = 0
    for level, county, is_revision, filed_late, n in filed:
        (revised if is_revision else new)[level] += n
        late += n if filed_late else 0
        by_county.setdefault(county, {"filed": 0, "in_force": dict.fromkeys(LEVELS, 0)})
        by_county[county]["filed"] += n
    total = sum(total_by_level.values())
    names = county_names()
    where = jurisdiction_word(actor)
    until = until_words(year, as_of)
    sentences = [
        f"{year}年，督促指导企业及时修编环境应急预案，全年新增环境风险企业预案备案{sum(new.values())}家、"
        f"修订后重新备案{sum(revised.values())}家"
        + (f"，其中逾期备案{late}家" if late else "") + "。",
        f"{until}，{where}共完成环境风险企业预案备案{total}家，其中一般风险等级{total_by_level['general']}家，"
        f"较大风险等级{total_by_level['major']}家，重大环境风险等级{total_by_level['serious']}家。",
    ]
    level_table = Table("按环境风险等级", ["环境风险等级", "年内新增备案", "年内修订备案", "有效备案（家）"],
                        [[LEVEL_ZH[k], new[k], revised[k], total_by_level[k]] for k in LEVELS]
                        + [["合计", sum(new.values()), sum(revised.values()), total]])
    county_rows = [[names.get(code, code), v["filed"], *(v["in_force"][k] for k in LEVELS),
                    sum(v["in_force"].values())] for code, v in sorted(by_county.items())]
    if county_rows:
        county_rows.append(["合计", *(sum(row[i] for row in county_rows) for i in range(1, 6))])
    county_table = Table("按县（市、区）", ["县（市、区）", "年内备案", "一般", "较大", "重大", "有效备案合计"],
                         county_rows)
    return SectionResult(sentences, [level_table, county_table],
                         {"in_force": total_by_level, "in_force_total": total, "new": new,
                          "revised": revised, "late": late})


PLANS_SECTION = Section("plans", _plan_section, order=10)


class Delta(int):
    """A change from last year: a number (right-aligned, summed by a spreadsheet) shown
    with its sign, +3 / -2 / 0."""

    def __str__(self) -> str:
        return f"{int(self):+d}" if self else "0"


# The figures compared with last year: (label, section key, path into its ``figures``).
# A section the app does not declare (or that has no such figure) is left out.
COMPARED = [
    ("有效备案（家）", "plans", ("in_force_total",)),
    ("其中一般环境风险等级", "plans", ("in_force", "general")),
    ("其中较大环境风险等级", "plans", ("in_force", "major")),
    ("其中重大环境风险等级", "plans", ("in_force", "serious")),
    ("年内新增备案（家）", "plans", ("new",)),
    ("年内修订备案（家）", "plans", ("revised",)),
    ("逾期备案（家）", "plans", ("late",)),
    ("有效联防联控协议涉及城市（个）", "agreements", ("cities_in_force",)),
    ("应急演练（次）", "drills", ("total",)),
    ("演练发现问题（项）", "actions", ("total", "opened")),
    ("验收销号（项）", "actions", ("total", "closed")),
    ("未完成验收（项）", "actions", ("total", "unverified")),
]


def _figure(sections: dict, key: str, path: tuple[str, ...]) -> int | None:
    if key not in sections:
        return None
    value = sections[key].figures
    for step in path:
        if not isinstance(value, dict) or step not in value:
            return None
        value = value[step]
    if isinstance(value, dict):  # counts per level: their sum
        return sum(value.values())
    if isinstance(value, list):  # names: how many different
        return len(set(value))
    return value


def comparison_table(now: dict, before: dict) -> Table:
    """This year's figures beside last year's (at its end), and the change."""
    year, as_of = now["year"], now["as_of"]
    this_year = f"{year}年" if until_words(year, as_of).endswith("年底") else \
        f"{year}年（截至{as_of.month}月{as_of.day}日）"
    rows = []
    for label, key, path in COMPARED:
        a, b = _figure(now["sections"], key, path), _figure(before["sections"], key, path)
        if a is not None and b is not None:
            rows.append([label, a, b, Delta(a - b)])
    return Table("与上年对比", ["指标", this_year, f"{before['year']}年", "增减"], rows)


def _figures(actor, year: int, today: date) -> dict:
    check_year(year, today)
    as_of = min(date(year, 12, 31), today)
    with force_locale("zh_CN"):  # the report's language, whatever the page's
        results = [(s.key, s.build(actor, year, as_of))
                   for s in sorted(registry().annual_sections.values(), key=lambda s: s.order)]
    return {"year": year, "as_of": as_of, "city": home_city_name(),
            "paragraph": "".join(sentence for _k, r in results for sentence in r.sentences),
            "sections": dict(results),
            "tables": [t for _k, r in results for t in r.tables]}


def annual_figures(actor, year: int, today: date | None = None, compare: bool = False) -> dict:
    """The year's paragraph, figures and tables for the caller's jurisdiction; with
    ``compare``, last year's figures too (``previous``, by the same section functions) and a
    last table setting the two side by side. Raises ValidationFailed for a year before 2000
    or after this one."""
    today = today or local_today()
    figures = _figures(actor, year, today)
    figures["previous"] = None
    if compare and year > FIRST_YEAR:
        previous = _figures(actor, year - 1, today)
        figures["previous"] = previous
        with force_locale("zh_CN"):
            figures["tables"].append(comparison_table(figures, previous))
    return figures
