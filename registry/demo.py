"""Xuchang demo data (演示数据) reproducing the 2023 report's figures: 527 current plans,
494 general, 26 major, 7 serious (domain.md §8). Every record is marked as demo.

Deterministic (seeded) apart from the demo users' passwords, which are random and
printed once. Everything goes through the same services as the web and the API.
"""
from __future__ import annotations

import math
import random
import secrets
from datetime import date, timedelta

import sqlalchemy as sa

from registry.agreements.demo import load_demo_agreements
from registry.auth.service import create_user
from registry.bulk_insert import refresh_statistics
from registry.enterprises.schemas import EnterpriseIn
from registry.enterprises.service import create_enterprise
from registry.errors import Conflict
from registry.extensions import db
from registry.models import County, Enterprise, Plan
from registry.permissions import SystemActor
from registry.plans.schemas import PlanIn, RevisionIn
from registry.plans.service import file_plan, revise_plan
from registry.rules.credit_code import ALPHABET, build_credit_code
from registry.rules.plan_status import DOCUMENTS, review_due_on
from registry.unit_of_work import unit_of_work

DEMO_SUFFIX = "（演示）"
ACTOR = SystemActor("load-demo")
LEVEL_COUNTS = {"general": 494, "major": 26, "serious": 7}
# Share of enterprises per county (roughly by industrial weight).
COUNTY_WEIGHTS = {"411002": 0.10, "411003": 0.20, "411024": 0.12, "411025": 0.16,
                  "411081": 0.22, "411082": 0.20}
PLACES = {"411002": "魏都", "411003": "建安", "411024": "鄢陵", "411025": "襄城",
          "411081": "禹州", "411082": "长葛"}
INDUSTRIES = {
    "化工": "化学原料和化学制品制造业", "制药": "医药制造业", "陶瓷": "非金属矿物制品业",
    "铸造": "金属制品业", "电镀": "金属表面处理及热处理加工", "发制品": "皮革、毛皮、羽毛及其制品业",
    "纺织": "纺织业", "食品": "农副食品加工业", "再生资源": "废弃资源综合利用业",
    "电力": "电力、热力生产和供应业", "污水处理": "水的生产和供应业", "加油站": "机动车燃油零售",
    "煤业": "煤炭开采和洗选业", "建材": "非金属矿物制品业", "机械": "通用设备制造业",
}
# Industries a 较大 or 重大 level fits (hazardous substances in quantity); the rest of the
# demo's industries are general-risk only: a machinery shop is not 重大.
HIGH_RISK = ["化工", "化工", "化工", "制药", "电镀", "电力", "再生资源", "煤业"]
GENERAL = ["化工", "制药", "陶瓷", "陶瓷", "铸造", "电镀", "发制品", "发制品", "纺织", "食品",
           "食品", "再生资源", "电力", "污水处理", "加油站", "加油站", "煤业", "建材", "机械",
           "机械"]
# How a bureau's register names each trade's enterprises: {city} 许昌, {place} the county
# as written in a company name (禹州市, 襄城县, 许昌市建安区), {word} a trade name.
NAME_TEMPLATES = {
    "化工": ["{place}{word}化工有限公司", "河南{word}化工科技有限公司", "许昌{word}精细化工有限公司"],
    "制药": ["{place}{word}药业有限公司", "河南{word}制药有限公司"],
    "陶瓷": ["{place}{word}陶瓷有限公司", "{place}{word}钧瓷文化有限公司"],
    "铸造": ["{place}{word}铸造有限公司", "许昌{word}精密铸造有限公司"],
    "电镀": ["{place}{word}电镀有限公司", "许昌{word}表面处理有限公司"],
    "发制品": ["许昌{word}发制品有限公司", "{place}{word}假发制品有限公司"],
    "纺织": ["{place}{word}纺织有限公司", "河南{word}纺织印染有限公司"],
    "食品": ["{place}{word}食品有限公司", "河南{word}食品股份有限公司"],
    "再生资源": ["{place}{word}再生资源有限公司", "许昌{word}再生金属有限公司"],
    "电力": ["许昌{word}热电有限责任公司", "{place}{word}热力有限公司"],
    "污水处理": ["{place}{word}污水处理有限公司", "{place}第{number}污水处理厂"],
    "加油站": ["中国石化销售股份有限公司河南许昌{county}{word}加油站",
             "中国石油天然气股份有限公司河南许昌{county}{word}加油站",
             "{place}{word}石油经销有限公司"],
    "煤业": ["{place}{word}煤业有限公司", "河南{word}矿业有限公司"],
    "建材": ["{place}{word}新型建材有限公司", "{place}{word}水泥有限公司"],
    "机械": ["{place}{word}机械制造有限公司", "许昌{word}机电设备有限公司"],
}
COMPANY_PLACES = {"411002": "许昌市魏都区", "411003": "许昌市建安区", "411024": "鄢陵县",
                  "411025": "襄城县", "411081": "禹州市", "411082": "长葛市"}
NAME_WORDS = ["华通", "恒达", "瑞丰", "金源", "宏盛", "中原", "鑫泰", "永兴", "天合", "嘉禾",
              "东方", "新兴", "昌盛", "博远", "润泽", "明阳", "福安", "鼎力", "正泰", "晨光",
              "豫通", "锦程", "泰和", "汇丰", "德润", "隆基", "广源", "聚鑫", "万通", "宏达",
              "盛世", "华茂", "永盛", "金鼎", "康达", "浩宇", "佳和", "信诚", "远航", "顺发"]
NUMERALS = "一二三四五六七八九"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超"]
# Breakdowns that grade to each level (air, water), HJ 941-2018 matrix.
BREAKDOWNS = {
    "general": [({"q": 0.4, "m": 10, "e": "E2"}, {"q": 0.6, "m": 10, "e": "E3"}),
                ({"q": 2.5, "m": 15, "e": "E3"}, {"q": 0.8, "m": 10, "e": "E2"})],
    "major": [({"q": 3.2, "m": 30, "e": "E2"}, {"q": 0.5, "m": 10, "e": "E3"}),
              ({"q": 0.7, "m": 10, "e": "E3"}, {"q": 12.0, "m": 30, "e": "E3"})],
    "serious": [({"q": 120.0, "m": 50, "e": "E2"}, {"q": 15.0, "m": 35, "e": "E2"})],
}


def demo_present() -> bool:
    return db.session.scalar(sa.select(Enterprise.id).where(Enterprise.is_demo).limit(1)) is not None


def database_empty() -> bool:
    return (db.session.scalar(sa.select(Enterprise.id).limit(1)) is None
            and db.session.scalar(sa.select(Plan.id).limit(1)) is None)


def _point_near(rng: random.Random, county: County, inside=None) -> tuple[float, float]:
    """A point a few km around the county seat; inside its polygon when ``inside`` is
    given (searching wider if the seat lies near the edge)."""
    for attempt in range(2000):
        reach = 0.09 if attempt < 200 else 0.35
        radius = reach * math.sqrt(rng.random())
        angle = rng.random() * 2 * math.pi
        lon = round(county.longitude + radius * math.cos(angle), 6)
        lat = round(county.latitude + radius * math.sin(angle) * 0.85, 6)
        if inside is None or inside(county.code, lon, lat):
            return lon, lat
    raise RuntimeError(f"no demo point found inside county {county.code}")


# The seed report's figures hold at the end of 2023: every demo enterprise's first version
# is filed by then, and a revision keeps the level, so the 527 = 494 + 26 + 7 in force on
# 2023-12-31 are still today's 527.
SEED_YEAR_END = date(2023, 12, 31)
FIRST_SIGNED = (date(2020, 3, 2), date(2023, 11, 30))
RENEWED_SHARE = 0.86  # plans renewed at their 3-year review; the rest are left overdue


def _filed_on(rng: random.Random, signed: date, today: date) -> date:
    lag = rng.choice([3, 7, 10, 15, 20, 25] + [45] * 1)
    return min(signed + timedelta(days=lag), today)


def _versions(rng: random.Random, today: date) -> list[tuple[date, date]]:
    """(signed, filed) of each version of one enterprise's plan, oldest first: the first
    filed by the end of the seed year, then a renewal around each review date that has
    passed (most of them; about one in seven is left overdue)."""
    low, high = FIRST_SIGNED
    signed = low + timedelta(days=rng.randrange((high - low).days))
    versions = [(signed, _filed_on(rng, signed, min(today, SEED_YEAR_END)))]
    while True:
        due = review_due_on(signed)
        if due > today - timedelta(days=30) or rng.random() > RENEWED_SHARE:
            return versions
        earliest = max(versions[-1][1] + timedelta(days=30), due - timedelta(days=120))
        latest = min(due + timedelta(days=20), today - timedelta(days=20))
        if latest <= earliest:
            return versions
        signed = earliest + timedelta(days=rng.randrange((latest - earliest).days))
        versions.append((signed, _filed_on(rng, signed, today)))


def _company_name(rng: random.Random, trade: str, code: str, used: set[str]) -> str:
    """A name a bureau's register would hold for an enterprise of this trade, unique in
    the demo (another trade name is drawn, not a number appended)."""
    templates = NAME_TEMPLATES[trade]
    for _attempt in range(200):
        name = rng.choice(templates).format(
            place=COMPANY_PLACES[code], county=PLACES[code], word=rng.choice(NAME_WORDS),
            number=rng.choice(NUMERALS))
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError(f"no unused demo name left for {trade} in {code}")


def load_demo(today: date, inside=None, seed: int = 2023) -> dict:
    """Create demo enterprises, plans and users in one transaction.

    ``inside(code, lon, lat) -> bool`` (optional) keeps points inside their county polygon.
    Raises Conflict when any enterprise or plan already exists. Returns the users'
    credentials and counts.
    """
    if not database_empty():
        raise Conflict("the database already holds enterprises or plans; demo data not loaded")
    with unit_of_work(demo=True):  # one transaction: every row marked as demo
        rng = random.Random(seed)
        counties = {c.code: c for c in db.session.scalars(sa.select(County))}
        levels = [lvl for lvl, n in LEVEL_COUNTS.items() for _ in range(n)]
        rng.shuffle(levels)
        codes = list(COUNTY_WEIGHTS)
        weights = [COUNTY_WEIGHTS[c] for c in codes]
        used_codes: set[str] = set()
        used_names: set[str] = set()
        filings: list[tuple] = []
        revised = 0
        for index, level in enumerate(levels, start=1):
            code = rng.choices(codes, weights)[0]
            county = counties[code]
            trade = rng.choice(HIGH_RISK if level != "general" else GENERAL)
            industry = INDUSTRIES[trade]
            name = _company_name(rng, trade, code, used_names) + DEMO_SUFFIX
            while True:
                # 91 = enterprise / company; area code; a GB 11714 organisation code (8
                # characters and its check character). Nine are drawn, as before, so the rest
                # of the demo data (drawn from the same generator) stays as it was.
                org8 = "".join(rng.choices(ALPHABET, k=9))[:8]
                credit = build_credit_code("91", code, org8)
                if credit not in used_codes:
                    used_codes.add(credit)
                    break
            lon, lat = _point_near(rng, county, inside)
            enterprise = create_enterprise(ACTOR, EnterpriseIn(
                name=name, credit_code=credit, county_code=code,
                address=f"许昌市{county.name}{rng.choice(NAME_WORDS)}路{rng.randrange(1, 300)}号（演示地址）",
                longitude=lon, latitude=lat, industry=industry,
                contact_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                contact_phone=f"13{rng.randrange(10**9):09d}",
                contact_email=f"demo{index:03d}@example.com",
                cross_region=rng.random() < 0.03,
            ))
            versions = _versions(rng, today)
            air, water = rng.choice(BREAKDOWNS[level])
            with_breakdown = rng.random() < 0.6
            docs = list(DOCUMENTS) if rng.random() < 0.85 else rng.sample(DOCUMENTS, 3)
            title = f"{name.removesuffix(DEMO_SUFFIX)}突发环境事件应急预案"
            breakdown = {"air": air, "water": water} if with_breakdown else None
            (first_signed, first_filed), *renewals = versions
            filings.append(("file", enterprise.id, PlanIn(
                enterprise_id=enterprise.id, title=title, signed_on=first_signed,
                filed_on=first_filed, risk_level=level, risk_assessment=breakdown, documents=docs)))
            for signed, filed in renewals:
                filings.append(("revise", enterprise.id, RevisionIn(
                    title=f"{title}（{signed.year}年修订版）", signed_on=signed, filed_on=filed,
                    risk_level=level, risk_assessment=breakdown, documents=list(DOCUMENTS),
                    reason="回顾性评估后修订（演示）")))
                revised += 1
        # File in date order, as a bureau receives them, so serials follow filing dates.
        current: dict[int, int] = {}
        for kind, enterprise_id, data in sorted(filings, key=lambda f: (f[2].filed_on, f[1], f[0])):
            if kind == "file":
                current[enterprise_id] = file_plan(ACTOR, data).id
            else:
                current[enterprise_id] = revise_plan(ACTOR, current[enterprise_id], data).id
        load_demo_agreements(ACTOR, today)
        from registry.drills.demo import load_drill_demo

        drills = load_drill_demo(ACTOR, today, seed)
        passwords = _demo_users()
    from registry.reminders.demo import load_reminders_demo

    from registry.submissions.demo import load_submissions_demo

    with unit_of_work(demo=True):  # the applications' own steps commit as they go
        passwords += load_submissions_demo(today)  # before the reminder run: its notices too
    reminders = load_reminders_demo(today)
    from registry.incidents.demo import load_incident_demo

    with unit_of_work(demo=True):
        load_incident_demo(ACTOR, today)
    refresh_statistics(*db.metadata.sorted_tables)  # every table was filled from empty
    return {"enterprises": len(levels), "revised": revised, "users": passwords, **drills,
            "reminders": reminders}


def _demo_users() -> list[tuple[str, str, str]]:
    users = [("admin", "admin", ()), ("xuchang_city", "officer", tuple(COUNTY_WEIGHTS)),
             ("yuzhou_officer", "officer", ("411081",)), ("xiangcheng_officer", "officer", ("411025",)),
             ("viewer", "viewer", tuple(COUNTY_WEIGHTS))]
    created = []
    for username, role, counties in users:
        password = secrets.token_urlsafe(12)
        create_user(ACTOR, username, role, password, counties,
                    email=f"{username}@example.com")
        created.append((username, role, password))
    return created
