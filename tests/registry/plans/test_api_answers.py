"""API answers an officer's integrator relies on (#16 §3): the field that is wrong is the
field named, and what was sent comes back."""
from __future__ import annotations

from tests.conftest import ALL_DOCUMENTS, enterprise_payload, plan_payload


def test_unknown_county_is_422_naming_county_code(client, accounts):
    api = accounts.api(client, "officer", ["411081"])
    r = api.post("/enterprises", json=enterprise_payload(1, county="411099"))
    assert r.status_code == 422 and list(r.json["error"]["fields"]) == ["county_code"]
    r = api.post("/enterprises", json=enterprise_payload(1, county="411025"))  # real, not mine
    assert r.status_code == 403


def test_future_signing_date_reports_only_signed_on(admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    body = plan_payload(e["id"], signed_on="2026-07-01")
    del body["filed_on"]
    r = admin_api.post("/plans", json=body)
    assert r.status_code == 422 and list(r.json["error"]["fields"]) == ["signed_on"]


def test_revision_reason_is_returned(admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    plan = admin_api.post("/plans", json=plan_payload(e["id"])).json
    assert plan["reason"] is None
    r = admin_api.post(f"/plans/{plan['id']}/revisions",
                       json={"title": "突发环境事件应急预案（修订版）", "signed_on": "2026-05-04",
                             "risk_level": "major", "reason": "新增液氯储罐，风险物质数量变化",
                             "documents": ALL_DOCUMENTS})
    assert r.status_code == 201 and r.json["reason"] == "新增液氯储罐，风险物质数量变化"
    assert admin_api.get(f"/plans/{r.json['id']}").json["reason"] == "新增液氯储罐，风险物质数量变化"


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(api, plan_id, kind, content=PDF, filename="备案表.pdf"):
    import io

    return api.client.post(f"/api/v1/plans/{plan_id}/documents/{kind}",
                           data={"file": (io.BytesIO(content), filename)},
                           headers=api._headers({}), content_type="multipart/form-data")


def test_five_document_filing_completed_through_the_api(admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    plan = admin_api.post("/plans", json=plan_payload(e["id"], documents=[])).json
    assert not plan["complete"]
    for kind in ALL_DOCUMENTS:
        r = _upload(admin_api, plan["id"], kind)
        assert r.status_code == 201, r.json
    assert r.json["complete"] and r.json["documents"] == ALL_DOCUMENTS


def test_upload_refusals_name_the_field(client, accounts, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    plan = admin_api.post("/plans", json=plan_payload(e["id"], documents=[])).json
    r = _upload(admin_api, plan["id"], "photo")
    assert r.status_code == 422 and list(r.json["error"]["fields"]) == ["kind"]
    r = _upload(admin_api, plan["id"], "plan", content=b"MZ\x90\x00not a pdf", filename="plan.pdf")
    assert r.status_code == 422 and list(r.json["error"]["fields"]) == ["file"]
    r = admin_api.client.post(f"/api/v1/plans/{plan['id']}/documents/plan", data={},
                              headers=admin_api._headers({}), content_type="multipart/form-data")
    assert r.status_code == 422 and list(r.json["error"]["fields"]) == ["file"]
    other = accounts.api(client, "officer", ["411025"])
    assert _upload(other, plan["id"], "plan").status_code == 403
    assert admin_api.get(f"/plans/{plan['id']}").json["documents"] == []  # nothing half-written
