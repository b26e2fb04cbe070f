"""GET /api/v1/annual/{year}: the annual page's figures as JSON, scoped like the page (#16 §4)."""
from __future__ import annotations

import pytest

from tests.conftest import enterprise_payload, plan_payload


@pytest.fixture
def register(admin_api):
    """2024: a general plan in 禹州 and a serious one in 长葛; 2025: 禹州's is revised (major)."""
    e1 = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    e2 = admin_api.post("/enterprises", json=enterprise_payload(2, county="411082",
                                                                name="长葛市恒达铸造有限公司")).json
    p1 = admin_api.post("/plans", json=plan_payload(e1["id"], signed_on="2024-03-01",
                                                    filed_on="2024-03-15")).json
    admin_api.post("/plans", json=plan_payload(e2["id"], risk_level="serious", signed_on="2024-05-06",
                                               filed_on="2024-05-20"))
    r = admin_api.post(f"/plans/{p1['id']}/revisions",
                       json={"title": "突发环境事件应急预案（2025年修订版）", "signed_on": "2025-04-01",
                             "filed_on": "2025-04-10", "risk_level": "major", "reason": "重大危险源变化",
                             "documents": ["filing_form", "plan", "risk_assessment", "resource_survey",
                                           "expert_review"]})
    assert r.status_code == 201, r.json
    return e1, e2


def test_city_figures_at_year_end(admin_api, register):
    y2024 = admin_api.get("/annual/2024").json
    assert y2024["plans_in_force_at_year_end"] == {"total": 2, "general": 1, "major": 0, "serious": 1}
    assert (y2024["plans_filed"], y2024["plans_revised"], y2024["as_of"]) == (2, 0, "2024-12-31")
    y2025 = admin_api.get("/annual/2025").json
    assert y2025["plans_in_force_at_year_end"] == {"total": 2, "general": 0, "major": 1, "serious": 1}
    assert (y2025["plans_filed"], y2025["plans_revised"]) == (0, 1)
    assert y2025["drills_held"]["total"] == 0 and y2025["corrective_actions"]["open"] == 0
    assert "共完成环境风险企业预案备案2家" in y2025["paragraph"]


def test_county_officer_sees_only_own_county(client, accounts, register):
    api = accounts.api(client, "officer", ["411082"])
    figures = api.get("/annual/2025").json
    assert figures["plans_in_force_at_year_end"] == {"total": 1, "general": 0, "major": 0, "serious": 1}
    assert figures["plans_revised"] == 0


@pytest.mark.parametrize("year", ["1999", "2999"])
def test_year_out_of_range_names_the_field(admin_api, year):
    r = admin_api.get(f"/annual/{year}")
    assert r.status_code == 422 and list(r.json["error"]["fields"]) == ["year"]


def test_in_openapi(admin_api):
    spec = admin_api.get("/openapi.json").json
    op = spec["paths"]["/annual/{year}"]["get"]
    assert op["parameters"][0]["schema"]["type"] == "integer"


def test_demo_reproduces_the_seed_report_at_the_end_of_2023(demo, admin_api):
    """The seed report (2023): 527 plans = 494 general + 26 major + 7 serious, 41 drills,
    agreements signed with 漯河、周口、平顶山 — and today's register still holds the 527."""
    assert demo.exit_code == 0
    y2023 = admin_api.get("/annual/2023").json
    assert y2023["plans_in_force_at_year_end"] == {"total": 527, "general": 494, "major": 26, "serious": 7}
    assert y2023["drills_held"]["total"] == 41
    assert y2023["agreement_cities_signed"] == ["漯河市", "周口市", "平顶山市"]
    assert "共完成环境风险企业预案备案527家，其中一般风险等级494家，较大风险等级26家，重大环境风险等级7家" \
        in y2023["paragraph"]
    stats = admin_api.get("/stats").json["plans"]
    assert stats["total"] == 527 and stats["by_risk_level"] == {"general": 494, "major": 26, "serious": 7}
    assert stats["overdue_total"] >= stats["by_status"]["overdue"] > 0
