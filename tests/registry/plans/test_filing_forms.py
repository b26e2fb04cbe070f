"""The filing forms as an officer's browser sends them (#16 §3): a risk level alone files;
a major revision starts with no documents and carries one over only when asked."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.models import AuditEntry

from tests.conftest import ALL_DOCUMENTS, enterprise_payload, plan_payload
from tests.formdefaults import form_defaults


@pytest.fixture
def officer(client, accounts):
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    return client


def _as_browser(client, path, **typed):
    data = form_defaults(client.get(path).get_data(as_text=True))
    data.update({k: v if isinstance(v, list) else [v] for k, v in typed.items()})
    return client.post(path, data=data)


def test_risk_level_alone_files_through_the_form(officer, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    r = _as_browser(officer, f"/enterprises/{e['id']}/plans/new", title="突发环境事件应急预案",
                    signed_on="2026-03-02", filed_on="2026-03-20", risk_level="general")
    assert r.status_code == 302, __import__("re").findall(r"(?:feedback|alert)[^>]*>[^<]+", r.get_data(as_text=True))
    plan = admin_api.get(f"/plans?enterprise_id={e['id']}").json["items"][0]
    assert plan["risk_level"] == "general" and plan["risk_assessment"] is None


def test_breakdown_error_marks_the_field(officer, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    r = _as_browser(officer, f"/enterprises/{e['id']}/plans/new", title="突发环境事件应急预案",
                    signed_on="2026-03-02", air_q="很多", air_m="50", air_e="E1")
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert 'is-invalid" name="air_q"' in page and 'is-invalid" name="air_m"' not in page


@pytest.fixture
def filed(admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    return admin_api.post("/plans", json=plan_payload(e["id"], documents=ALL_DOCUMENTS)).json


def test_revision_form_ticks_nothing_and_files_incomplete(officer, admin_api, filed):
    path = f"/plans/{filed['id']}/revise"
    defaults = form_defaults(officer.get(path).get_data(as_text=True))
    assert "documents" not in defaults and "carried_over" not in defaults
    r = _as_browser(officer, path, title="突发环境事件应急预案（修订）", signed_on="2026-05-04",
                    filed_on="2026-05-12", risk_level="general", reason="生产工艺变化")
    assert r.status_code == 302, __import__("re").findall(r"(?:feedback|alert)[^>]*>[^<]+", r.get_data(as_text=True))
    current = admin_api.get(f"/plans?enterprise_id={filed['enterprise_id']}&current=true").json["items"][0]
    assert current["version"] == 2 and current["documents"] == [] and not current["complete"]


def test_carry_over_is_explicit_and_audited(officer, admin_api, filed, app):
    path = f"/plans/{filed['id']}/revise"
    r = _as_browser(officer, path, title="突发环境事件应急预案（修订）", signed_on="2026-05-04",
                    filed_on="2026-05-12", risk_level="general", documents=["plan"],
                    carried_over=["expert_review", "resource_survey"])
    assert r.status_code == 302, __import__("re").findall(r"(?:feedback|alert)[^>]*>[^<]+", r.get_data(as_text=True))
    current = admin_api.get(f"/plans?enterprise_id={filed['enterprise_id']}&current=true").json["items"][0]
    assert current["documents"] == ["plan", "resource_survey", "expert_review"]
    with app.app_context():
        entry = db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.action == "plan.revise", AuditEntry.entity_id == current["id"])).one()
        assert entry.after["documents_carried_over"] == ["resource_survey", "expert_review"]


def test_carry_over_of_a_missing_document_names_the_field(admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    plan = admin_api.post("/plans", json=plan_payload(e["id"], documents=["plan"])).json
    r = admin_api.post(f"/plans/{plan['id']}/revisions",
                       json={"title": "修订", "signed_on": "2026-05-04", "risk_level": "general",
                             "carried_over": ["expert_review"]})
    assert r.status_code == 422 and list(r.json["error"]["fields"]) == ["carried_over"]
    assert admin_api.get(f"/plans/{plan['id']}").json["is_current"]  # nothing half-written
