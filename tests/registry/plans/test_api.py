"""Filing, revising and correcting plans through the JSON API (today pinned to 2026-06-15)."""
import pytest

from tests.conftest import ALL_DOCUMENTS, enterprise_payload, plan_payload


@pytest.fixture
def enterprise(admin_api):
    return admin_api.post("/enterprises", json=enterprise_payload(1)).json


def test_file_plan_returns_the_filing_facts(admin_api, enterprise):
    r = admin_api.post("/plans", json=plan_payload(enterprise["id"]))
    assert r.status_code == 201, r.json
    plan = r.json
    assert plan["filing_number"] == "411002-2026-001-L"
    assert plan["version"] == 1
    # 2026-03-02 is a Monday; no holiday in March 2026: the 20th working day after it.
    assert plan["filing_deadline"] == "2026-03-30"
    assert plan["filed_late"] is False
    assert plan["review_due_on"] == "2029-03-02"
    assert plan["status"] == "filed"
    assert plan["complete"] is True and plan["missing_documents"] == []
    assert plan["documents_status"] == "complete"


def test_late_filing_is_flagged_not_refused(admin_api, enterprise):
    r = admin_api.post("/plans", json=plan_payload(enterprise["id"], filed_on="2026-03-31"))
    assert r.status_code == 201
    assert r.json["filed_late"] is True


def test_deadline_follows_the_holiday_calendar(admin_api, enterprise, app):
    from datetime import date

    from registry.rules.workdays import filing_deadline

    r = admin_api.post("/plans", json=plan_payload(enterprise["id"], signed_on="2025-09-26",
                                                   filed_on="2025-10-30"))
    expected, approximate = filing_deadline(date(2025, 9, 26), 20)
    assert r.json["filing_deadline"] == expected.isoformat()
    assert approximate is False and r.json["deadline_approximate"] is False
    # National Day week and the 调休 make this later than 20 Monday–Friday days (2025-10-24).
    assert expected > date(2025, 10, 24)


def test_missing_documents_are_listed(admin_api, enterprise):
    r = admin_api.post("/plans", json=plan_payload(enterprise["id"], documents=["plan", "filing_form"]))
    assert r.json["complete"] is False
    assert r.json["missing_documents"] == ["risk_assessment", "resource_survey", "expert_review"]
    assert r.json["status"] == "filed"  # status follows the review clock only


@pytest.mark.parametrize("signed_on,status", [("2023-01-10", "overdue"), ("2023-08-01", "due_soon"),
                                              ("2024-01-10", "filed")])
def test_status_follows_review_clock(admin_api, enterprise, signed_on, status):
    r = admin_api.post("/plans", json=plan_payload(enterprise["id"], signed_on=signed_on,
                                                   filed_on=signed_on))
    assert r.json["status"] == status
    assert admin_api.get(f"/plans?status={status}").json["total"] == 1


def test_breakdown_computes_level_and_notation(admin_api, enterprise):
    body = plan_payload(enterprise["id"], risk_level=None, risk_assessment={
        "air": {"q": 3.2, "m": 30, "e": "E2"}, "water": {"q": 0.5, "m": 0, "e": "E3"}})
    del body["risk_level"]
    r = admin_api.post("/plans", json=body)
    assert r.status_code == 201, r.json
    assert r.json["risk_level"] == "major"
    assert r.json["risk_notation"] == "较大[较大-大气(Q1-M2-E2)+一般-水(Q0)]"
    assert r.json["filing_number"].endswith("-M")


def test_breakdown_disagreeing_with_level_is_an_error(admin_api, enterprise):
    r = admin_api.post("/plans", json=plan_payload(enterprise["id"], risk_level="serious",
                                                   risk_assessment={"air": {"q": 0.2, "m": 5, "e": "E3"},
                                                                    "water": {"q": 0.1, "m": 5, "e": "E3"}}))
    assert r.status_code == 422
    assert "risk_level" in r.json["error"]["fields"]
    assert admin_api.get("/plans").json["total"] == 0


def test_level_accepts_chinese(admin_api, enterprise):
    r = admin_api.post("/plans", json=plan_payload(enterprise["id"], risk_level="重大"))
    assert r.status_code == 201 and r.json["risk_level"] == "serious"
    assert r.json["filing_number"] == "411002-2026-001-H"


def test_cross_region_enterprise_gets_T(admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(9, cross_region=True)).json
    r = admin_api.post("/plans", json=plan_payload(e["id"], risk_level="major"))
    assert r.json["filing_number"] == "411002-2026-001-MT"


def test_serials_per_county_and_year(admin_api):
    numbers = []
    for n, county in enumerate(["411002", "411002", "411081", "411002"], start=1):
        e = admin_api.post("/enterprises", json=enterprise_payload(n, county=county)).json
        numbers.append(admin_api.post("/plans", json=plan_payload(e["id"])).json["filing_number"])
    assert numbers == ["411002-2026-001-L", "411002-2026-002-L", "411081-2026-001-L",
                       "411002-2026-003-L"]
    e = admin_api.post("/enterprises", json=enterprise_payload(5)).json
    r = admin_api.post("/plans", json=plan_payload(e["id"], signed_on="2025-12-01",
                                                   filed_on="2025-12-10"))
    assert r.json["filing_number"] == "411002-2025-001-L"


def test_bad_dates_and_fields(admin_api, enterprise):
    r = admin_api.post("/plans", json=plan_payload(enterprise["id"], signed_on="2026-13-01",
                                                   documents=["plan", "photo"]))
    assert r.status_code == 422
    assert {"signed_on", "documents.1"} <= set(r.json["error"]["fields"])
    r = admin_api.post("/plans", json=plan_payload(enterprise["id"], signed_on="2026-07-01",
                                                   filed_on="2026-07-02"))
    assert r.status_code == 422 and "signed_on" in r.json["error"]["fields"]
    r = admin_api.post("/plans", json=plan_payload(enterprise["id"], risk_level=None))
    assert r.status_code == 422
    r = admin_api.post("/plans", json=plan_payload(99999))
    assert r.status_code == 404


def test_second_first_filing_is_409(admin_api, enterprise):
    assert admin_api.post("/plans", json=plan_payload(enterprise["id"])).status_code == 201
    r = admin_api.post("/plans", json=plan_payload(enterprise["id"]))
    assert r.status_code == 409


def test_major_revision_supersedes(admin_api, enterprise):
    first = admin_api.post("/plans", json=plan_payload(enterprise["id"])).json
    body = {k: v for k, v in plan_payload(enterprise["id"]).items() if k != "enterprise_id"}
    body.update(signed_on="2026-05-06", filed_on="2026-05-20", risk_level="major",
                reason="生产工艺变更")
    r = admin_api.post(f"/plans/{first['id']}/revisions", json=body)
    assert r.status_code == 201, r.json
    new = r.json
    assert new["version"] == 2
    assert new["filing_number"] == "411002-2026-002-M"
    assert new["review_due_on"] == "2029-05-06"
    old = admin_api.get(f"/plans/{first['id']}").json
    assert old["status"] == "superseded" and old["superseded_by_id"] == new["id"]
    assert admin_api.post(f"/plans/{first['id']}/revisions", json=body).status_code == 409
    body["signed_on"] = "2026-05-01"
    assert admin_api.post(f"/plans/{new['id']}/revisions", json=body).status_code == 422
    stats = admin_api.get("/stats").json["plans"]
    assert stats["total"] == 1 and stats["by_risk_level"]["major"] == 1


def test_minor_correction_keeps_number_and_clock(admin_api, enterprise, app):
    first = admin_api.post("/plans", json=plan_payload(enterprise["id"], documents=["plan"])).json
    r = admin_api.patch(f"/plans/{first['id']}", json={"title": "更正后的标题",
                                                       "documents": ALL_DOCUMENTS,
                                                       "note": "补交材料"})
    assert r.status_code == 200, r.json
    assert r.json["filing_number"] == first["filing_number"]
    assert r.json["review_due_on"] == first["review_due_on"]
    assert r.json["title"] == "更正后的标题" and r.json["complete"] is True
    r = admin_api.patch(f"/plans/{first['id']}", json={"signed_on": "2026-04-01"})
    assert r.status_code == 422 and "signed_on" in r.json["error"]["fields"]
    with app.app_context():
        from registry.audit import history

        actions = [e.action for e in history("plan", [first["id"]])]
    assert actions == ["plan.correct", "plan.file"]


def test_legacy_numbers(admin_api):
    e1 = admin_api.post("/enterprises", json=enterprise_payload(1, county="411003")).json
    r = admin_api.post("/plans", json=plan_payload(e1["id"], signed_on="2015-06-01",
                                                   filed_on="2015-06-20",
                                                   filing_number="411023-2015-026-L"))
    assert r.status_code == 201 and r.json["filing_number"] == "411023-2015-026-L"
    assert r.json["filing_number_irregular"] is False
    e2 = admin_api.post("/enterprises", json=enterprise_payload(2, county="411003")).json
    r = admin_api.post("/plans", json=plan_payload(e2["id"], signed_on="2016-06-01",
                                                   filed_on="2016-06-20", filing_number="许环备2016-7号"))
    assert r.status_code == 201 and r.json["filing_number_irregular"] is True
    e3 = admin_api.post("/enterprises", json=enterprise_payload(3, county="411003")).json
    r = admin_api.post("/plans", json=plan_payload(e3["id"], filing_number="411023-2015-026-L"))
    assert r.status_code == 409
    # Parses, but the county code is a typo (5 digits): accepted, flagged.
    e4 = admin_api.post("/enterprises", json=enterprise_payload(4, county="411003")).json
    r = admin_api.post("/plans", json=plan_payload(e4["id"], signed_on="2015-06-01",
                                                   filed_on="2015-06-20",
                                                   filing_number="41102-2015-027-L"))
    assert r.status_code == 201 and r.json["filing_number_irregular"] is True


def test_stats_count_current_plans_in_jurisdiction(client, accounts, admin_api):
    for n, (county, level) in enumerate([("411081", "general"), ("411081", "serious"),
                                         ("411025", "major")], start=1):
        e = admin_api.post("/enterprises", json=enterprise_payload(n, county=county)).json
        admin_api.post("/plans", json=plan_payload(e["id"], risk_level=level))
    stats = admin_api.get("/stats").json["plans"]
    assert stats["total"] == 3
    assert stats["by_risk_level"] == {"general": 1, "major": 1, "serious": 1}
    assert stats["by_county"] == {"411025": 1, "411081": 2}
    assert stats["by_status"]["filed"] == 3
    officer = accounts.api(client, "officer", ["411081"])
    assert officer.get("/stats").json["plans"]["total"] == 2


def test_county_officer_cannot_file_elsewhere(client, accounts, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411025")).json
    officer = accounts.api(client, "officer", ["411081"])
    assert officer.post("/plans", json=plan_payload(e["id"])).status_code == 403
    mine = accounts.api(client, "officer", ["411025"])
    assert mine.post("/plans", json=plan_payload(e["id"])).status_code == 201
    viewer = accounts.api(client, "viewer", ["411025"])
    plan_id = mine.get("/plans").json["items"][0]["id"]
    assert viewer.patch(f"/plans/{plan_id}", json={"title": "x"}).status_code == 403
    assert officer.patch(f"/plans/{plan_id}", json={"title": "x"}).status_code == 403
