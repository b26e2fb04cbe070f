"""Drill fixtures: an enterprise with a filed plan per county, drill payloads."""
import pytest

from tests.conftest import enterprise_payload, plan_payload


def drill_payload(**overrides) -> dict:
    payload = {
        "title": "禹州市突发环境事件应急演练", "held_on": "2026-05-20", "duration_hours": 2.5,
        "organiser_level": "county", "county_code": "411081", "organiser": "许昌市生态环境局禹州分局",
        "place": "禹州市产业集聚区", "longitude": 113.47, "latitude": 34.17,
        "content_type": "comprehensive", "form_type": "live", "theme": "water_pollution",
        "enterprise_ids": [], "scenario_substance": "硫酸", "scenario_pathway": "water",
        "participating_bodies": ["禹州市应急管理局", "禹州市消防救援大队"], "headcount": 60,
        "evaluation": "响应及时，围堵到位；暴露出应急物资储备不足。",
    }
    payload.update(overrides)
    return payload


def action_payload(**overrides) -> dict:
    payload = {"description": "应急池容量不足，需扩建至 500 立方米", "category": "equipment",
               "owner_name": "李强", "owner_unit": "许昌华通化工有限公司", "due_on": "2026-08-31"}
    payload.update(overrides)
    return payload


@pytest.fixture
def filed(admin_api):
    """One enterprise with a current plan in 411081 (禹州) and one in 411025 (襄城)."""
    out = {}
    for n, county in ((1, "411081"), (2, "411025")):
        e = admin_api.post("/enterprises", json=enterprise_payload(n, county=county)).json
        p = admin_api.post("/plans", json=plan_payload(e["id"], signed_on="2025-03-03",
                                                       filed_on="2025-03-10")).json
        out[county] = (e, p)
    return out
