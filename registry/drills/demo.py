"""Demo drills (演示数据): 2023 reproduces the seed report's 41 drills (environmental and
counter-terrorism) with their findings; later years have fewer, the current year is not
empty. Everything goes through the drill services and is marked as demo."""
from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from registry.drills.actions import add_action, move_action
from registry.drills.schemas import ActionIn, DrillIn, DrillPatch
from registry.drills.service import create_drill, update_drill
from registry.extensions import db
from registry.models import Enterprise, Plan

FIRST_YEAR, FIRST_YEAR_COUNT = 2023, 41
PLACES = {"411002": "魏都", "411003": "建安", "411024": "鄢陵", "411025": "襄城",
          "411081": "禹州", "411082": "长葛"}
SEATS = {"411002": (113.82, 34.03), "411003": (113.83, 34.00), "411024": (114.20, 34.10),
         "411025": (113.48, 33.85), "411081": (113.47, 34.17), "411082": (113.77, 34.22)}
SCENARIOS = [("硫酸", "water"), ("液氨", "air"), ("盐酸", "water"), ("柴油", "water"),
             ("氯气", "air"), ("含铬废水", "water"), ("甲醇", "both")]
# What a drill of each theme finds (category, problem, corrective measure): a
# counter-terrorism drill tests guarding and reporting, not the rainwater outlet.
_SPILL = [
    ("plan", "预案中雨水排口封堵责任分工不明确", "修订预案，明确封堵责任人及联系方式"),
    ("equipment", "应急池容量不足，围堰存在缺口", "扩建应急池并修补围堰"),
    ("equipment", "应急物资储备不足，吸附棉过期", "补充并更新应急物资台账"),
    ("training", "部分岗位人员对报告程序不熟悉", "组织全员应急培训并考核"),
    ("organisation", "现场指挥部设置不合理，指令传达迟缓", "调整应急组织机构及指挥流程"),
    ("coordination", "与消防、环境监测单位信息报送不畅", "建立联络群并明确信息报送时限"),
]
FINDINGS = {
    "environmental": _SPILL,
    "hazardous_chemicals": _SPILL[1:] + [
        ("equipment", "有毒气体报警仪未定期校验", "委托检定并建立校验台账"),
        ("training", "应急人员佩戴空气呼吸器不熟练", "开展个体防护装备专项训练"),
    ],
    "water_pollution": [
        ("plan", "预案中雨水排口封堵责任分工不明确", "修订预案，明确封堵责任人及联系方式"),
        ("equipment", "雨水排口切换阀门锈蚀，关闭耗时过长", "更换切换阀门并纳入日常巡检"),
        ("coordination", "跨界断面监测数据共享不及时", "与下游市约定监测数据共享方式"),
        ("coordination", "下游取水口通报未在时限内完成", "明确通报责任人并演练通报流程"),
        ("equipment", "拦截坝、吸附坝物资调运迟缓", "在重点河段前置拦截物资"),
    ],
    "heavy_pollution_weather": [
        ("plan", "重污染天气应急减排清单与实际生产工序不符", "更新应急减排清单及操作方案"),
        ("organisation", "预警响应指令传达至车间耗时过长", "建立预警信息直达车间的通知机制"),
        ("training", "部分岗位人员不清楚各级预警下的减排措施", "组织减排措施专项培训"),
    ],
    "counter_terrorism": [
        ("organisation", "门卫对外来人员和车辆登记查验不严", "落实出入登记查验制度"),
        ("equipment", "危险化学品库房视频监控存在盲区", "增设监控点位并接入值班室"),
        ("coordination", "与公安机关的报警联动流程不清", "明确报警联动流程并张贴上墙"),
        ("training", "员工对可疑物品处置程序不熟悉", "开展反恐防范知识培训"),
    ],
}
THEME_SHARES = {"counter_terrorism": 0.07, "water_pollution": 0.2, "hazardous_chemicals": 0.12,
                "heavy_pollution_weather": 0.08, "environmental": 0.53}
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = ["伟", "芳", "敏", "静", "强", "磊", "军", "洋", "勇", "杰"]


def short_name(name: str) -> str:
    """An enterprise as a drill's title names it: without the company form or the demo
    mark (禹州市恒达陶瓷有限公司 → 禹州市恒达陶瓷; …股份有限公司河南许昌禹州恒达加油站 →
    河南许昌禹州恒达加油站)."""
    parts = [p for p in name.removesuffix("（演示）").split("有限公司") if p]
    for form in ("有限责任公司", "股份"):
        parts = [p.removesuffix(form) for p in parts]
    return parts[-1]


def _count(year: int, today: date) -> int:
    if year == FIRST_YEAR:
        return FIRST_YEAR_COUNT
    full = max(10, FIRST_YEAR_COUNT - 8 * (year - FIRST_YEAR))
    if year < today.year:
        return full
    return max(5, round(full * today.timetuple().tm_yday / 366))


def _themes(rng, count: int) -> list[str]:
    """A year's drill themes in the shares a bureau's year shows: mostly environmental
    and water-pollution drills, counter-terrorism ones a minority (the seed report names
    them beside environmental drills)."""
    themes = [theme for theme, share in THEME_SHARES.items()
              for _ in range(max(1, round(count * share)) if theme == "counter_terrorism"
                             else round(count * share))]
    themes = (themes + ["environmental"] * count)[:count]
    rng.shuffle(themes)
    return themes


def _drill(rng, year: int, today: date, pool: dict[str, list], theme: str) -> DrillIn:
    last = min(date(year, 12, 31), today - timedelta(days=1))
    held = date(year, 1, 1) + timedelta(days=rng.randrange((last - date(year, 1, 1)).days + 1))
    level = rng.choices(["enterprise", "county", "city", "joint"], [50, 30, 12, 8])[0]
    county = rng.choice(sorted(pool))
    substance, pathway = rng.choice(SCENARIOS)
    lon, lat = SEATS[county]
    enterprises = rng.sample(pool[county], k=1 if level != "county" else 2)
    if level in ("city", "joint"):
        enterprises = [rng.choice(pool[c]) for c in rng.sample(sorted(pool), 2)]
    names = {"environmental": "突发环境事件", "counter_terrorism": "反恐", "water_pollution": "水污染",
             "heavy_pollution_weather": "重污染天气", "hazardous_chemicals": "危险化学品泄漏"}
    where = {"enterprise": short_name(enterprises[0].name), "county": f"{PLACES[county]}",
             "city": "许昌市", "joint": rng.choice(["许昌—漯河", "许昌—周口", "许昌—平顶山"])}[level]
    axes = year >= 2024 or rng.random() < 0.5
    return DrillIn(
        title=f"{where}{names[theme]}应急演练", held_on=held,
        duration_hours=rng.choice([1.5, 2, 2.5, 3, 4]), organiser_level=level,
        county_code=county if level in ("enterprise", "county") else None,
        organiser={"enterprise": enterprises[0].name, "county": f"许昌市生态环境局{PLACES[county]}分局",
                   "city": "许昌市生态环境局", "joint": "许昌市生态环境局及下游市生态环境局"}[level],
        place=f"{PLACES[county]}演练场（演示）", longitude=round(lon + rng.uniform(-0.05, 0.05), 6),
        latitude=round(lat + rng.uniform(-0.04, 0.04), 6),
        content_type=rng.choice(["comprehensive", "single"]) if axes else None,
        form_type=rng.choice(["live", "tabletop"]) if axes else None,
        legacy_type=None if axes else rng.choice(["tabletop", "functional", "full_scale"]),
        theme=theme, enterprise_ids=[e.id for e in enterprises],
        scenario_substance=substance, scenario_pathway=pathway,
        participating_bodies=["许昌市生态环境局", f"{PLACES[county]}应急管理局", "消防救援队伍"]
        + (["公安机关"] if theme == "counter_terrorism" else []),
        headcount=rng.randrange(20, 200),
        evaluation="演练组织有序，响应基本及时；发现问题已列入整改计划。（演示）")


def _findings(rng, actor, drill, today: date) -> int:
    count = 0
    findings = FINDINGS[drill.theme]
    for category, problem, measure in rng.sample(findings, k=rng.choice([0, 1, 2, 2, 3])):
        due = drill.held_on + timedelta(days=rng.choice([30, 60, 90, 120]))
        flag = (category == "plan" and drill.plans and all(p.is_current for p in drill.plans)
                and drill.held_on.year >= today.year - 1)
        action = add_action(actor, drill.id, ActionIn(
            description=f"{problem}；{measure}", category=category,
            owner_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            owner_unit=drill.enterprises[0].name if drill.enterprises else "许昌市生态环境局",
            due_on=due, plan_needs_revision=bool(flag),
            plan_id=drill.plans[0].id if flag else None))
        age = (today - due).days
        steps = (["in_progress", "done", "verified"] if age > 60 else
                 ["in_progress", "done"] if age > 0 and rng.random() < 0.5 else
                 ["in_progress"] if rng.random() < 0.5 else [])
        if age > 60:
            chance = rng.random()
            if chance < 0.1:
                steps = ["in_progress"]  # a few stay overdue
            elif chance < 0.2:
                steps = ["in_progress", "done"]  # done, the verification still to come
        for step in steps:
            evidence = "整改完成，见验收记录（演示）" if step == "done" else None
            move_action(actor, action.id, step, evidence, today=min(today, due))
        count += 1
    return count


def load_drill_demo(actor, today: date, seed: int = 2023) -> dict:
    """Create demo drills and their corrective actions (no commit: part of ``load_demo``)."""
    rng = random.Random(seed)
    pool: dict[str, list] = {}
    enterprises = db.session.scalars(
        sa.select(Enterprise).join(Plan, sa.and_(Plan.enterprise_id == Enterprise.id,
                                                 Plan.is_current))
        .where(Enterprise.is_demo, Plan.filed_on < date(FIRST_YEAR, 1, 1)).order_by(Enterprise.id))
    for enterprise in enterprises:
        pool.setdefault(enterprise.county_code, []).append(enterprise)
    pool = {c: es for c, es in pool.items() if len(es) >= 2}
    drills = actions = 0
    for year in range(FIRST_YEAR, today.year + 1):
        themes = _themes(rng, _count(year, today))
        for theme in themes:
            drill = create_drill(actor, _drill(rng, year, today, pool, theme))
            actions += _findings(rng, actor, drill, today)
            if (today - drill.held_on).days > 180 and all(a.due_on for a in drill.actions):
                update_drill(actor, drill.id, DrillPatch(status="closed"))
            drills += 1
    return {"drills": drills, "actions": actions}
