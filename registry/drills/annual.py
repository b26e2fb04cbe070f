"""The drills and corrective-action sections of the annual figures
(``registry.workflows.annual``), in the bureau's report style (seed report, 2023):
“全市先后组织并参加反恐应急演练、环境应急演练等各类演练41次，查找处置突发环境事件存在的
短板，针对性进行整改，提升环境应急处突能力。” and “…发现问题…，目前已全部整改完毕。”
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from registry import permissions
from registry.clock import local_date
from registry.drills import permissions as drill_permissions
from registry.drills.labels import CATEGORIES, ORGANISER_LEVELS, THEMES, type_key_label
from registry.drills.rules import OPEN_STATUSES
from registry.drills.service import drill_stats
from registry.extensions import db
from registry.models import CorrectiveAction, Drill, Incident
from registry.workflows.annual import (Section, SectionResult, Table, jurisdiction_word,
                                       period_words, until_words)

# How the report names who organised a drill.
ORGANISED_BY = {"city": "市级组织", "county": "县级组织", "enterprise": "企业组织",
                "joint": "跨市联合组织"}
THEMES_NAMED = 3  # themes named in the sentence before “等各类演练”


def _counted(table: dict, labels, total_label: str = "合计") -> list[list]:
    rows = [[str(labels(k)), n] for k, n in sorted(table.items(), key=lambda kv: -kv[1])]
    return rows + [[total_label, sum(table.values())]]


def _drill_sentence(actor, year: int, as_of: date, stats: dict) -> list[str]:
    total = stats["total"]
    if not total:
        return []
    themes = sorted(stats["by_theme"].items(), key=lambda kv: (-kv[1], list(THEMES).index(kv[0])))
    named = [f"{THEMES[k]}应急演练" for k, _n in themes if k != "other"][:THEMES_NAMED]
    if not named:
        what = "各类应急演练"
    elif len(themes) == 1:
        what = named[0]
    else:
        what = "、".join(named) + "等各类演练"
    levels = [f"{ORGANISED_BY[k]}{stats['by_organiser'][k]}次" for k in ORGANISED_BY
              if stats["by_organiser"].get(k)]
    detail = f"，其中{'、'.join(levels)}" if len(levels) > 1 else ""
    return [f"{jurisdiction_word(actor)}{period_words(year, as_of)}先后组织并参加{what}{total}次"
            f"{detail}，查找处置突发环境事件存在的短板，提升环境应急处突能力。"]


def drill_section(actor, year: int, as_of: date) -> SectionResult:
    """Drills held in ``year`` in the caller's view: how many, by theme, organiser level
    and type (the same counts as the drill list's figures)."""
    stats = drill_stats(actor, year)
    tables = [
        Table("应急演练（按演练主题）", ["演练主题", "次数"],
              _counted(stats["by_theme"], lambda k: THEMES.get(k, k))),
        Table("应急演练（按组织层级）", ["组织层级", "次数"],
              _counted(stats["by_organiser"], lambda k: ORGANISER_LEVELS.get(k, k))),
        Table("应急演练（按演练形式）", ["演练形式", "次数"],
              _counted(stats["by_type"], type_key_label)),
    ]
    return SectionResult(_drill_sentence(actor, year, as_of, stats), tables,
                         {"total": stats["total"], "by_theme": stats["by_theme"],
                          "by_organiser": stats["by_organiser"], "by_type": stats["by_type"]})


def _state_on(done_on, verified_on, as_of: date) -> str:
    """An action's state on ``as_of`` from the dates it was done and verified."""
    if verified_on is not None and verified_on <= as_of:
        return "verified"
    if done_on is not None and done_on <= as_of:
        return "done"
    return "open"


_ACTION_DATES = (CorrectiveAction.category, CorrectiveAction.due_on, CorrectiveAction.done_on,
                 CorrectiveAction.verified_on)


def _action_rows(actor, year: int, as_of: date):
    """(origin, found_on, category, due_on, done_on, verified_on) of the actions in the
    caller's view found by ``as_of`` and not verified before ``year``: those of drills
    (found on the drill's day) and those of incidents (found on the day reported,
    issue #21)."""
    start = date(year, 1, 1)
    still_counted = sa.or_(CorrectiveAction.verified_on.is_(None),
                           CorrectiveAction.verified_on >= start)
    drills = drill_permissions.scope_drills(
        sa.select(Drill.held_on, *_ACTION_DATES).join(Drill, CorrectiveAction.drill_id == Drill.id)
        .where(Drill.held_on <= as_of, still_counted), actor, Drill.county_code)
    for held_on, *dates in db.session.execute(drills):
        yield ("drill", held_on, *dates)
    incidents = permissions.scope(
        sa.select(Incident.reported_at, *_ACTION_DATES)
        .join(Incident, CorrectiveAction.incident_id == Incident.id).where(still_counted),
        actor, Incident.county_code)
    for reported_at, *dates in db.session.execute(incidents):
        found_on = local_date(reported_at)
        if found_on <= as_of:
            yield ("incident", found_on, *dates)


def _no_actions() -> dict[str, int]:
    return dict.fromkeys(("opened", "closed", "unverified", "overdue"), 0)


def action_figures(actor, year: int, as_of: date) -> dict[str, dict[str, int]]:
    """Per category: ``opened`` (found in drills held, or incidents reported, in ``year``),
    ``closed`` (verified in ``year``), ``unverified`` (not yet verified on ``as_of``) and
    ``overdue`` (on ``as_of`` neither done nor verified, past the due date — the
    improvement plan's overdue rule)."""
    return _figures(actor, year, as_of)[0]


def _figures(actor, year: int, as_of: date) -> tuple[dict, dict]:
    """``action_figures`` and the same counts by origin (``drill``, ``incident``)."""
    start = date(year, 1, 1)
    figures = {k: _no_actions() for k in CATEGORIES}
    origins = {"drill": _no_actions(), "incident": _no_actions()}
    for origin, found_on, category, due_on, done_on, verified_on in _action_rows(actor, year, as_of):
        state = _state_on(done_on, verified_on, as_of)
        for counts in (figures.setdefault(category, _no_actions()), origins[origin]):
            counts["opened"] += found_on >= start
            counts["closed"] += state == "verified"
            counts["unverified"] += state != "verified"
            counts["overdue"] += state in OPEN_STATUSES and due_on is not None and due_on < as_of
    return figures, origins


def _action_sentence(total: dict, year: int, as_of: date, with_incidents: bool = False) -> str:
    period, until = period_words(year, as_of), until_words(year, as_of)
    found = "针对应急演练和突发环境事件处置中发现的问题，" if with_incidents else "针对演练发现的问题，"
    done = [f"制定整改措施{total['opened']}项" if total["opened"] else "",
            f"完成整改并验收销号{total['closed']}项" if total["closed"] else ""]
    text = found + period + "，".join(d for d in done if d)
    if not total["unverified"]:
        return text + f"，{until}已全部整改到位。"
    text = (text + "；" if any(done) else found) + \
        f"{until}，尚有{total['unverified']}项整改未完成验收"
    if total["overdue"]:
        text += f"，其中{total['overdue']}项已超过整改期限"
    return text + "，正督促责任单位限期整改到位。"


def action_section(actor, year: int, as_of: date) -> SectionResult:
    """Corrective actions in the caller's view: found, verified, still open and overdue."""
    figures, origins = _figures(actor, year, as_of)
    total = {k: sum(c[k] for c in figures.values()) for k in figures["plan"]}
    with_incidents = any(origins["incident"].values())
    sentences = []
    if any(total.values()):
        sentences.append(_action_sentence(total, year, as_of, with_incidents))
    rows = [[str(CATEGORIES.get(k, k)), c["opened"], c["closed"], c["unverified"], c["overdue"]]
            for k, c in figures.items()]
    rows.append(["合计", total["opened"], total["closed"], total["unverified"], total["overdue"]])
    title = ("演练及事件处置发现问题整改情况（按问题类别）" if with_incidents
             else "演练发现问题整改情况（按问题类别）")
    tables = [Table(title, ["问题类别", "年内新增", "年内验收销号", "未完成验收", "其中逾期"], rows)]
    if with_incidents:
        tables.append(Table("发现问题整改情况（按来源）",
                            ["问题来源", "年内新增", "年内验收销号", "未完成验收", "其中逾期"],
                            [[name, *(origins[key][k] for k in total)]
                             for key, name in (("drill", "应急演练"), ("incident", "突发环境事件处置"))]))
    return SectionResult(sentences, tables, {"total": total, "by_category": figures,
                                             "by_origin": origins})


DRILLS = Section("drills", drill_section, order=30)
ACTIONS = Section("actions", action_section, order=40)
