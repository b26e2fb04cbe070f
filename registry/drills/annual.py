"""The drills and corrective-action sections of the annual figures
(``registry.workflows.annual``), in the bureau's report style (seed report, 2023):
“全市先后组织并参加反恐应急演练、环境应急演练等各类演练41次，查找处置突发环境事件存在的
短板，针对性进行整改，提升环境应急处突能力。” and “…发现问题…，目前已全部整改完毕。”
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from registry.drills import permissions as drill_permissions
from registry.drills.labels import CATEGORIES, ORGANISER_LEVELS, THEMES, type_key_label
from registry.drills.rules import OPEN_STATUSES
from registry.drills.service import drill_stats
from registry.extensions import db
from registry.models import CorrectiveAction, Drill
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


def action_figures(actor, year: int, as_of: date) -> dict[str, dict[str, int]]:
    """Per category: ``opened`` (found in drills held in ``year``), ``closed`` (verified in
    ``year``), ``unverified`` (not yet verified on ``as_of``) and ``overdue`` (on ``as_of``
    neither done nor verified, past the due date — the improvement plan's overdue rule)."""
    start = date(year, 1, 1)
    stmt = (sa.select(CorrectiveAction.category, Drill.held_on, CorrectiveAction.due_on,
                      CorrectiveAction.done_on, CorrectiveAction.verified_on)
            .join(Drill, CorrectiveAction.drill_id == Drill.id)
            .where(Drill.held_on <= as_of, sa.or_(CorrectiveAction.verified_on.is_(None),
                                                  CorrectiveAction.verified_on >= start)))
    stmt = drill_permissions.scope_drills(stmt, actor, Drill.county_code)
    figures = {k: dict.fromkeys(("opened", "closed", "unverified", "overdue"), 0)
               for k in CATEGORIES}
    for category, held_on, due_on, done_on, verified_on in db.session.execute(stmt):
        counts = figures.setdefault(category, dict.fromkeys(figures["plan"], 0))
        state = _state_on(done_on, verified_on, as_of)
        counts["opened"] += held_on >= start
        counts["closed"] += state == "verified"
        counts["unverified"] += state != "verified"
        counts["overdue"] += state in OPEN_STATUSES and due_on is not None and due_on < as_of
    return figures


def _action_sentence(total: dict, year: int, as_of: date) -> str:
    period, until = period_words(year, as_of), until_words(year, as_of)
    done = [f"制定整改措施{total['opened']}项" if total["opened"] else "",
            f"完成整改并验收销号{total['closed']}项" if total["closed"] else ""]
    text = f"针对演练发现的问题，{period}" + "，".join(d for d in done if d)
    if not total["unverified"]:
        return text + f"，{until}已全部整改到位。"
    text = (text + "；" if any(done) else "针对演练发现的问题，") + \
        f"{until}，尚有{total['unverified']}项整改未完成验收"
    if total["overdue"]:
        text += f"，其中{total['overdue']}项已超过整改期限"
    return text + "，正督促责任单位限期整改到位。"


def action_section(actor, year: int, as_of: date) -> SectionResult:
    """Corrective actions in the caller's view: found, verified, still open and overdue."""
    figures = action_figures(actor, year, as_of)
    total = {k: sum(c[k] for c in figures.values()) for k in figures["plan"]}
    sentences = []
    if any(total.values()):
        sentences.append(_action_sentence(total, year, as_of))
    rows = [[str(CATEGORIES.get(k, k)), c["opened"], c["closed"], c["unverified"], c["overdue"]]
            for k, c in figures.items()]
    rows.append(["合计", total["opened"], total["closed"], total["unverified"], total["overdue"]])
    table = Table("演练发现问题整改情况（按问题类别）",
                  ["问题类别", "年内新增", "年内验收销号", "未完成验收", "其中逾期"], rows)
    return SectionResult(sentences, [table], {"total": total, "by_category": figures})


DRILLS = Section("drills", drill_section, order=30)
ACTIONS = Section("actions", action_section, order=40)
