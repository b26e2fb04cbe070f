"""Access matrix: every route of the app (web and API, every method) called as each kind of
caller, with real records in the path, and the status code each must get.

Callers, in this order in every expectation string:
    anon     not logged in, no token
    viewer   viewer of county A (411081)
    officerA officer of county A (411081)
    officerB officer of county B (411025)
    admin    administrator

The records (fresh for every call, so one caller's write cannot change the next one's
answer): an enterprise in county A with a current plan that has an uploaded ``plan``
document, and an enterprise in county A without a plan; for the areas' routes also a county
drill in county A exercising that plan, with a corrective action, a report and an evidence
file, a closed drill, the Xuchang–Luohe agreement with its roster, a meeting and the signed
document, and a sent plan-review reminder for an enterprise in county A (see ``_records``).

A route (method + rule) in ``app.url_map`` without an entry in ACCESS fails; so does an
entry for a route that no longer exists. Adding a route means adding one line, e.g.
    ("GET", "/drills"): [Case("302 200 200 200 200")],
Path parameters are filled from RECORDS by name (``enterprise_id``, ``plan_id``, ``kind``…);
a Case may override them (``params=``) or send a query string, a JSON body (API) or a form
(web; a CSRF token is added) built by a function ``(n, records) -> dict`` where ``n`` is
unique per call.
"""
from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass, field
from collections.abc import Callable

import pytest

from registry.auth.session import GENERATION_KEY
from tests.conftest import PINNED_TODAY, csrf_token, enterprise_payload
from tests.registry.agreements.payloads import luohe
from tests.registry.drills.conftest import action_payload, drill_payload
from tests.registry.hardening.conftest import COUNTY_A, COUNTY_B

ROLES = ("anon", "viewer", "officerA", "officerB", "admin")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Case:
    expect: str                                   # five status codes, in ROLES order
    json: Callable | None = None                  # API body: (n, records) -> dict
    form: Callable | None = None                  # web form: (n, records) -> dict
    query: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)    # path parameters overriding RECORDS

    def codes(self) -> dict[str, int]:
        codes = [int(c) for c in self.expect.split()]
        assert len(codes) == len(ROLES), f"{self.expect!r}: give one code per caller {ROLES}"
        return dict(zip(ROLES, codes))


def _enterprise_form(n, rec, county=COUNTY_A):
    data = enterprise_payload(1000 + n, county=county)
    data["cross_region"] = ""
    return {k: v for k, v in data.items() if v not in ("", False)}


def _plan_form(n, rec):
    return {"title": f"突发环境事件应急预案（修订{n}）", "signed_on": "2026-05-06",
            "filed_on": "2026-05-20", "risk_level": "general",
            "documents": ["filing_form", "plan", "risk_assessment", "resource_survey",
                          "expert_review"]}


def _plan_json(n, rec, **extra):
    return {**_plan_form(n, rec), **extra}


def _upload_form(n, rec):
    return {"file": (io.BytesIO(PDF), "应急预案.pdf")}


def _drill_form(n, rec, **overrides):
    """The drill form as the page posts it (one line per participating body)."""
    payload = drill_payload(**{"title": f"禹州市突发环境事件应急演练（第{n}次）", **overrides})
    data = {k: v for k, v in payload.items()
            if v is not None and k not in ("participating_bodies", "enterprise_ids")}
    data["participating_bodies"] = "\n".join(payload["participating_bodies"])
    data["enterprise_ids"] = [str(i) for i in payload["enterprise_ids"]]
    data["type_scheme"] = "axes"
    return data


def _drill_json(n, rec, **overrides):
    return drill_payload(**{"title": f"禹州市突发环境事件应急演练（第{n}次）", **overrides})


def _city_drill(n, rec):
    return _drill_json(n, rec, organiser_level="city", county_code=None,
                       organiser="许昌市生态环境局", title=f"许昌市重污染天气应急演练（第{n}次）",
                       theme="heavy_pollution_weather")


def _action_form(n, rec):
    return action_payload(description=f"应急池容量不足，需扩建至 500 立方米（问题{n}）")


def _drill_file_form(n, rec):
    return {"kind": "report", "file": (io.BytesIO(PDF), "演练评估报告.pdf")}


def _flat(value, prefix=""):
    """A nested payload as the agreement form names its inputs (``parties-0-city_name``)."""
    if isinstance(value, dict):
        return {k: v for key, item in value.items()
                for k, v in _flat(item, f"{prefix}-{key}" if prefix else key).items()}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in _flat(item, f"{prefix}-{i}").items()}
    return {prefix: "" if value is None else str(value)}


def _agreement_form(n, rec, **overrides):
    payload = luohe(title=f"许昌市—漯河市跨界突发水污染事件联防联控协议（第{n}号）", **overrides)
    for party in payload["parties"]:
        party.pop("contacts")  # the roster is kept on the agreement page, not in this form
    return {**_flat({k: v for k, v in payload.items() if k != "rivers"}),
            "rivers": "、".join(payload["rivers"])}


def _contact_form(n, rec):
    return {"name": f"周建{n}", "role": "水利局值班室", "duty_phone": "0395-3100119",
            "mobile": "13803950199", "verified_on": "2026-06-01"}


def _meeting_form(n, rec):
    return {"held_on": "2026-05-28", "place": "许昌市生态环境局会议室",
            "participants": "许昌市、漯河市生态环境局", "summary": f"第{n}次联席会议：核对通讯录"}


def _agreement_file_form(n, rec):
    return {"file": (io.BytesIO(PDF), "联防联控协议（签章版）.pdf")}

def _incident_json(n, rec, **overrides):
    """An incident on 颍河 at 禹州 (county A), reported 20 minutes ago."""
    from datetime import UTC, datetime, timedelta

    return {"reported_at": (datetime.now(UTC) - timedelta(minutes=20)).isoformat(),
            "longitude": 113.46778, "latitude": 34.1575, "medium": "water",
            "substance": "柴油", "quantity_t": 3.5, "summary": f"罐车侧翻，柴油泄漏入颍河（{n}）",
            **overrides}


def _incident_form(n, rec, **overrides):
    """The report form: local time (Asia/Shanghai) an hour ago, as datetime-local sends it."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    data = _incident_json(n, rec, **overrides)
    local = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")) - timedelta(hours=1)
    data["reported_at"] = local.strftime("%Y-%m-%dT%H:%M")
    return {k: str(v) for k, v in data.items()}


def _call_form(n, rec):
    return {"city": "漯河市", "channel": "phone", "contact": "李建国", "note": f"值班电话通知（{n}）"}


def _resource(n):
    return {"name": f"吸附棉（{n}号库）", "kind": "material", "quantity": 200, "unit": "卷",
            "owner": "许昌市生态环境局", "longitude": 113.47, "latitude": 34.16}



def _substance_json(n, rec):
    return {"name": f"测试物质（接口）{n}", "critical_quantity_t": 2, "media": ["air"]}


def _substance_form(n, rec):
    return {"name": f"测试物质（页面）{n}", "critical_quantity_t": "2", "media": ["water"]}


def _inventory_form(n, rec):
    return {"substance_id": [str(rec["substance_id"])], "max_quantity_t": ["2"],
            "storage": [""], "water-control_score": "10"}


# (method, rule) -> cases. Codes: anon viewer officerA officerB admin.
ACCESS: dict[tuple[str, str], list[Case]] = {
    # Web ---------------------------------------------------------------------------------
    ("GET", "/"): [Case("302 200 200 200 200")],
    ("GET", "/login"): [Case("200 200 200 200 200")],
    ("GET", "/healthz"): [Case("200 200 200 200 200")],
    ("GET", "/healthz/db"): [Case("200 200 200 200 200")],
    ("POST", "/login"): [Case("401 401 401 401 401",
                              form=lambda n, r: {"username": f"nobody{n}", "password": "wrong"})],
    ("POST", "/logout"): [Case("302 302 302 302 302", form=lambda n, r: {})],
    ("POST", "/lang/<code>"): [Case("302 302 302 302 302", form=lambda n, r: {},
                                    params={"code": "en"})],
    ("GET", "/users"): [Case("302 403 403 403 200")],
    ("POST", "/users"): [Case("302 403 403 403 302", form=lambda n, r: {
        "username": f"newuser{n}", "role": "viewer", "password": "correct-horse-battery",
        "county": COUNTY_A})],
    # user 1 is the viewer (the first caller made); the administrator calls last
    ("POST", "/users/<int:user_id>/deactivate"): [Case("302 403 403 403 302", form=lambda n, r: {},
                                                       params={"user_id": 1})],
    ("POST", "/users/<int:user_id>/activate"): [Case("302 403 403 403 302", form=lambda n, r: {},
                                                     params={"user_id": 1})],
    ("POST", "/users/<int:user_id>/reset-password"): [Case("302 403 403 403 302",
                                                           form=lambda n, r: {},
                                                           params={"user_id": 1})],
    ("GET", "/users/tokens"): [Case("302 403 403 403 200")],
    ("GET", "/users/<int:user_id>/edit"): [Case("302 403 403 403 200", params={"user_id": 1})],
    ("POST", "/users/<int:user_id>/edit"): [Case("302 403 403 403 302", params={"user_id": 1},
                                                 form=lambda n, r: {"role": "viewer",
                                                                    "county": COUNTY_A})],
    ("POST", "/users/tokens"): [Case("302 403 403 403 302", form=lambda n, r: {"token_id": "1"})],
    ("GET", "/account/password"): [Case("302 200 200 200 200")],
    ("POST", "/account/password"): [Case("302 422 422 422 422", form=lambda n, r: {
        "current_password": "not-the-password", "new_password": "颍河水清-2026-许昌"})],
    ("GET", "/jurisdictions"): [Case("302 200 200 200 200")],
    ("POST", "/jurisdictions"): [Case("302 403 403 403 302",
                                      form=lambda n, r: {"code": f"ZONE{n:04d}",
                                                         "name": "许昌经济技术开发区"})],
    ("GET", "/enterprises"): [Case("302 200 200 200 200")],
    ("GET", "/enterprises/new"): [Case("302 403 200 200 200")],
    ("POST", "/enterprises/new"): [Case("302 403 302 403 302", form=_enterprise_form),
                                   Case("302 403 422 422 422", form=lambda n, r: {"name": ""})],
    ("GET", "/enterprises/<int:enterprise_id>"): [
        Case("302 200 200 403 200"), Case("302 404 404 404 404", params={"enterprise_id": 0})],
    ("GET", "/enterprises/<int:enterprise_id>/edit"): [Case("302 403 200 403 200")],
    ("POST", "/enterprises/<int:enterprise_id>/edit"): [
        Case("302 403 302 403 302", form=lambda n, r: {"address": f"禹州市示范路{n}号"})],
    ("GET", "/enterprises/<int:enterprise_id>/plans/new"): [Case("302 403 200 403 200")],
    ("POST", "/enterprises/<int:enterprise_id>/plans/new"): [
        Case("302 403 302 403 302", form=_plan_form,
             params={"enterprise_id": "bare_enterprise_id"})],
    ("GET", "/enterprises/<int:enterprise_id>/downstream"): [Case("302 200 200 403 200")],
    # Risk substances and inventories (issue #20)
    ("GET", "/substances"): [Case("302 200 200 200 200")],
    ("GET", "/grading-check"): [Case("302 200 200 200 200")],
    ("GET", "/substances/new"): [Case("302 403 403 403 200")],
    ("POST", "/substances/new"): [Case("302 403 403 403 302", form=_substance_form)],
    ("GET", "/substances/<int:substance_id>/edit"): [Case("302 403 403 403 200")],
    ("POST", "/substances/<int:substance_id>/edit"): [Case("302 403 403 403 302",
                                                           form=_substance_form)],
    ("GET", "/enterprises/<int:enterprise_id>/risk-inventory"): [Case("302 200 200 403 200")],
    ("POST", "/enterprises/<int:enterprise_id>/risk-inventory"): [
        Case("302 403 302 403 302", form=_inventory_form)],
    ("GET", "/plans"): [Case("302 200 200 200 200")],
    ("GET", "/plans/<int:plan_id>"): [
        Case("302 200 200 403 200"), Case("302 404 404 404 404", params={"plan_id": 0})],
    ("GET", "/plans/<int:plan_id>/revise"): [Case("302 403 200 403 200")],
    ("POST", "/plans/<int:plan_id>/revise"): [Case("302 403 302 403 302", form=_plan_form)],
    ("GET", "/plans/<int:plan_id>/correct"): [Case("302 403 200 403 200")],
    ("POST", "/plans/<int:plan_id>/correct"): [
        Case("302 403 302 403 302", form=lambda n, r: {"title": f"应急预案（更正{n}）"})],
    ("GET", "/plans/<int:plan_id>/earlier-files/<int:file_id>"): [
        Case("302 200 200 403 200"), Case("302 404 404 403 404", params={"file_id": 0})],
    ("GET", "/plans/<int:plan_id>/documents/<kind>"): [
        Case("302 200 200 403 200"), Case("302 404 404 403 404", params={"kind": "expert_review"})],
    ("POST", "/plans/<int:plan_id>/documents/<kind>"): [
        Case("302 403 302 403 302", form=_upload_form)],
    ("GET", "/map"): [Case("302 200 200 200 200")],
    ("GET", "/map/frame"): [Case("302 200 200 200 200"),
                            Case("302 200 200 403 200", query={"enterprise_id": "enterprise_id"}),
        Case("302 200 200 200 200", query={"name": "化工"})],
    ("GET", "/map/details/<int:enterprise_id>"): [Case("302 200 200 403 200")],
    ("GET", "/map/upstream"): [Case("302 200 200 200 200")],
    ("GET", "/map/checks"): [Case("302 200 200 200 200")],
    ("GET", "/map/checks/<int:enterprise_id>/place"): [Case("302 403 200 403 200")],
    ("POST", "/map/checks/<int:enterprise_id>/place"): [
        Case("302 403 302 403 302", form=lambda n, r: {"longitude": "113.47", "latitude": "34.17"}),
        Case("302 403 422 403 422", form=lambda n, r: {"longitude": "113.47"})],
    # Import, export, annual figures (registry/workflows/): viewers read and export only.
    ("GET", "/import"): [Case("302 403 200 200 200")],
    ("GET", "/import/template.xlsx"): [Case("302 200 200 200 200")],
    ("POST", "/import"): [Case("302 403 422 422 422", form=lambda n, r: {})],
    ("GET", "/import/<token>"): [Case("302 404 404 404 404", params={"token": "f" * 32})],
    ("POST", "/import/<token>/confirm"): [
        Case("302 404 404 404 404", form=lambda n, r: {}, params={"token": "f" * 32})],
    ("GET", "/import/<token>/report.xlsx"): [Case("302 404 404 404 404", params={"token": "f" * 32})],
    ("GET", "/import/<token>/status"): [Case("302 404 404 404 404", params={"token": "f" * 32})],
    ("GET", "/export/<name>.<fmt>"): [
        Case("302 200 200 200 200", params={"name": "enterprises", "fmt": "csv"}),
        Case("302 200 200 200 200", params={"name": "plans", "fmt": "xlsx"}),
        Case("302 200 200 200 200", params={"name": "drills", "fmt": "xlsx"}, query={"year": ""}),
        Case("302 200 200 200 200", params={"name": "actions", "fmt": "csv"}, query={"view": "all"}),
        Case("302 200 200 200 200", params={"name": "agreements", "fmt": "xlsx"}),
        Case("302 200 200 200 200", params={"name": "risk_substances", "fmt": "csv"}),
        Case("302 404 404 404 404", params={"name": "drills", "fmt": "geojson"}),
        Case("302 404 404 404 404", params={"name": "secrets", "fmt": "csv"})],
    ("GET", "/annual"): [Case("302 200 200 200 200")],
    ("GET", "/annual/<int:year>.docx"): [Case("302 200 200 200 200", params={"year": 2025})],
    ("GET", "/annual/<int:year>.xlsx"): [Case("302 200 200 200 200", params={"year": 2025})],
    ("GET", "/static/<path:filename>"): [Case("200 200 200 200 200",
                                              params={"filename": "app.css"})],
    # Drills: county officers write their county's drills; viewers read; city-level drills
    # need an administrator (or an officer holding every county).
    ("GET", "/drills"): [Case("302 200 200 200 200")],
    ("GET", "/drills/new"): [Case("302 200 200 200 200")],
    ("POST", "/drills/new"): [
        Case("302 403 302 403 302", form=_drill_form),
        Case("302 403 403 302 302", form=lambda n, r: _drill_form(n, r, county_code=COUNTY_B)),
        Case("302 403 403 403 302", form=lambda n, r: _drill_form(
            n, r, organiser_level="city", county_code=None, title=f"许昌市应急演练（第{n}次）")),
        Case("302 422 422 422 422", form=lambda n, r: {"title": ""})],
    ("GET", "/drills/<int:drill_id>"): [
        Case("302 200 200 403 200"), Case("302 404 404 404 404", params={"drill_id": 0})],
    ("GET", "/drills/<int:drill_id>/edit"): [
        Case("302 403 200 403 200"), Case("302 404 404 404 404", params={"drill_id": 0})],
    ("POST", "/drills/<int:drill_id>/edit"): [
        Case("302 403 302 403 302",
             form=lambda n, r: _drill_form(n, r, enterprise_ids=[r["enterprise_id"]])),
        # Moving county A's drill to county B needs the right to write both.
        Case("302 403 403 403 302", form=lambda n, r: _drill_form(n, r, county_code=COUNTY_B))],
    ("POST", "/drills/<int:drill_id>/status"): [
        Case("302 403 302 403 302", form=lambda n, r: {"status": "closed"}),
        Case("302 403 302 403 302", form=lambda n, r: {"status": "open"},
             params={"drill_id": "closed_drill_id"})],
    ("POST", "/drills/<int:drill_id>/actions"): [
        Case("302 403 302 403 302", form=_action_form),
        Case("302 422 422 403 422", form=lambda n, r: {"description": ""}),
        Case("302 403 422 403 422", form=_action_form, params={"drill_id": "closed_drill_id"})],
    ("GET", "/actions/<int:action_id>/edit"): [
        Case("302 403 200 403 200"), Case("302 404 404 404 404", params={"action_id": 0})],
    ("POST", "/actions/<int:action_id>/edit"): [
        Case("302 403 302 403 302", form=_action_form),
        Case("302 403 422 403 422", form=lambda n, r: {**_action_form(n, r), "category": "x"})],
    ("POST", "/actions/<int:action_id>/status"): [
        Case("302 403 302 403 302", form=lambda n, r: {"status": "in_progress"})],
    ("POST", "/drills/<int:drill_id>/files"): [Case("302 403 302 403 302", form=_drill_file_form)],
    ("POST", "/drills/<int:drill_id>/actions/<int:action_id>/files"): [
        Case("302 403 302 403 302", form=_drill_file_form),
        Case("302 403 404 403 404", form=_drill_file_form, params={"action_id": 0})],
    ("GET", "/drills/files/<int:attachment_id>"): [
        Case("302 200 200 403 200"), Case("302 404 404 404 404", params={"attachment_id": 0})],
    ("GET", "/actions"): [Case("302 200 200 200 200"),
                          Case("302 200 200 200 200", query={"view": "overdue"})],
    ("GET", "/drills/schedule"): [Case("302 200 200 200 200")],
    # Agreements: everyone logged in reads; administrators (and officers holding every
    # county of the home city) write.
    ("GET", "/agreements"): [Case("302 200 200 200 200")],
    ("GET", "/agreements/new"): [Case("302 403 403 403 200")],
    ("POST", "/agreements/new"): [
        Case("302 403 403 403 302", form=_agreement_form),
        Case("302 403 403 403 422", form=lambda n, r: _agreement_form(n, r, signed_on="2030-01-01"))],
    ("GET", "/agreements/<int:agreement_id>"): [
        Case("302 200 200 200 200"), Case("302 404 404 404 404", params={"agreement_id": 0})],
    ("GET", "/agreements/<int:agreement_id>/edit"): [
        Case("302 403 403 403 200"), Case("302 404 404 404 404", params={"agreement_id": 0})],
    ("POST", "/agreements/<int:agreement_id>/edit"): [
        Case("302 403 403 403 302", form=lambda n, r: {
            **_flat({"sections": luohe()["sections"]}), "title": f"联防联控协议（修订{n}）"})],
    ("POST", "/agreements/<int:agreement_id>/parties/<int:party_id>/contacts"): [
        Case("302 403 403 403 302", form=_contact_form),
        Case("302 403 403 403 404", form=_contact_form, params={"party_id": 0})],
    ("GET", "/agreements/<int:agreement_id>/contacts/<int:contact_id>/edit"): [
        Case("302 403 403 403 200"), Case("302 404 404 404 404", params={"contact_id": 0})],
    ("POST", "/agreements/<int:agreement_id>/contacts/<int:contact_id>/edit"): [
        Case("302 403 403 403 302", form=_contact_form)],
    ("POST", "/agreements/<int:agreement_id>/contacts/<int:contact_id>/verify"): [
        Case("302 403 403 403 302", form=lambda n, r: {})],
    ("POST", "/agreements/<int:agreement_id>/contacts/<int:contact_id>/remove"): [
        Case("302 403 403 403 302", form=lambda n, r: {}),
        Case("302 404 404 404 404", form=lambda n, r: {}, params={"contact_id": 0})],
    ("POST", "/agreements/<int:agreement_id>/meetings"): [
        Case("302 403 403 403 302", form=_meeting_form)],
    ("POST", "/agreements/<int:agreement_id>/document"): [
        Case("302 403 403 403 302", form=_agreement_file_form)],
    ("GET", "/agreements/<int:agreement_id>/document"): [
        Case("302 200 200 200 200"), Case("302 404 404 404 404", params={"agreement_id": 0})],
    ("GET", "/notification-sheet"): [
        Case("302 200 200 200 200"),
        Case("302 200 200 403 200", query={"enterprise_id": "enterprise_id"}),
        Case("302 200 200 200 200", query={"name": "化工"})],
    # Reminders: officers see and resend their counties' reminders; viewers only read.
    ("GET", "/reminders"): [Case("302 200 200 200 200")],
    ("POST", "/reminders/<int:reminder_id>/resend"): [
        Case("302 403 302 403 302", form=lambda n, r: {"next": "/reminders"}),
        Case("302 404 404 404 404", form=lambda n, r: {}, params={"reminder_id": 0})],
    ("GET", "/reminders/preview"): [Case("302 200 200 200 200")],
    ("POST", "/reminders/preferences"): [
        Case("302 403 302 302 302", form=lambda n, r: {"digest": "on"})],
    # Online filing (registry/submissions/): the portal is for enterprise users only (their
    # own matrix: tests/registry/submissions/test_enterprise_role.py); the review queue for
    # the county's officers. The record is a submitted application in county A.
    ("GET", "/portal/"): [Case("302 403 403 403 403")],
    ("GET", "/portal/enterprises/<int:enterprise_id>"): [Case("302 403 403 403 403")],
    ("GET", "/portal/enterprises/<int:enterprise_id>/submissions/new"): [
        Case("302 403 403 403 403")],
    ("POST", "/portal/enterprises/<int:enterprise_id>/submissions/new"): [
        Case("302 403 403 403 403", form=lambda n, r: {"title": "应急预案", "signed_on": "2026-06-01",
                                                       "risk_level": "general"})],
    ("GET", "/portal/submissions/<int:submission_id>"): [Case("302 403 403 403 403")],
    ("POST", "/portal/submissions/<int:submission_id>/documents"): [
        Case("302 403 403 403 403", form=lambda n, r: {"kind": "plan", **_upload_form(n, r)})],
    ("POST", "/portal/submissions/<int:submission_id>/submit"): [
        Case("302 403 403 403 403", form=lambda n, r: {})],
    ("POST", "/portal/submissions/<int:submission_id>/withdraw"): [
        Case("302 403 403 403 403", form=lambda n, r: {})],
    ("GET", "/portal/submissions/<int:submission_id>/documents/<int:document_id>"): [
        Case("302 403 403 403 403")],
    ("GET", "/portal/submissions/<int:submission_id>/inventory"): [Case("302 403 403 403 403")],
    ("POST", "/portal/submissions/<int:submission_id>/inventory"): [
        Case("302 403 403 403 403", form=lambda n, r: {})],
    ("GET", "/submissions"): [Case("302 200 200 200 200"),
                              Case("302 200 200 200 200", query={"status": "accepted"})],
    ("GET", "/submissions/<int:submission_id>"): [
        Case("302 200 200 404 200"), Case("302 404 404 404 404", params={"submission_id": 0})],
    ("GET", "/submissions/<int:submission_id>/documents/<int:document_id>"): [
        Case("302 200 200 404 200"), Case("302 404 404 404 404", params={"document_id": 0})],
    ("POST", "/submissions/<int:submission_id>/return"): [
        Case("302 403 302 404 302", form=lambda n, r: {"reason_plan": "预案未签署",
                                                       "resubmit_by": "2026-06-30"}),
        Case("302 422 422 404 422", form=lambda n, r: {"resubmit_by": "2026-06-30"})],
    ("POST", "/submissions/<int:submission_id>/accept"): [
        Case("302 403 302 404 302", form=lambda n, r: {})],
    # The 备案表 receipt: none before acceptance; the accepted one for its county.
    ("GET", "/portal/submissions/<int:submission_id>/receipt.pdf"): [
        Case("302 403 403 403 403"),
        Case("302 403 403 403 403", params={"submission_id": "accepted_submission_id"})],
    ("GET", "/submissions/<int:submission_id>/receipt.pdf"): [
        Case("302 404 404 404 404"),
        Case("302 200 200 404 200", params={"submission_id": "accepted_submission_id"})],
    ("GET", "/api/v1/submissions/<int:submission_id>/receipt.pdf"): [
        Case("401 404 404 404 404"),
        Case("401 200 200 404 200", params={"submission_id": "accepted_submission_id"})],
    ("GET", "/public/filings"): [Case("200 200 200 200 200"),
                                 Case("200 200 200 200 200", query={"county": COUNTY_A})],
    ("GET", "/verify/<code>"): [Case("404 404 404 404 404", params={"code": "0" * 32})],
    ("POST", "/api/v1/submissions"): [
        Case("401 403 201 404 201", json=lambda n, r: {
            "enterprise_id": r["bare_enterprise_id"], "title": "突发环境事件应急预案",
            "signed_on": "2026-06-01", "risk_level": "general"}),
        Case("401 422 422 422 422", json=lambda n, r: {"title": "缺少其他字段"})],
    ("GET", "/api/v1/submissions"): [Case("401 200 200 200 200"),
                                     Case("401 422 422 422 422", query={"status": "lost"})],
    ("GET", "/api/v1/submissions/<int:submission_id>"): [
        Case("401 200 200 404 200"), Case("401 404 404 404 404", params={"submission_id": 0})],
    ("POST", "/api/v1/submissions/<int:submission_id>/documents/<kind>"): [
        Case("401 403 422 404 422")],
    ("POST", "/api/v1/submissions/<int:submission_id>/submit"): [Case("401 403 409 404 409")],
    # A submitted application's inventory is frozen (409); a viewer acts for no enterprise.
    ("PUT", "/api/v1/submissions/<int:submission_id>/inventory"): [
        Case("401 403 409 404 409", json=lambda n, r: {}),
        Case("401 422 422 422 422", json=lambda n, r: {"substances": "x"})],
    ("POST", "/api/v1/submissions/<int:submission_id>/withdraw"): [Case("401 403 200 404 200")],
    ("POST", "/api/v1/submissions/<int:submission_id>/return"): [
        Case("401 403 200 404 200", json=lambda n, r: {"reasons": [{"reason": "备案表未盖章"}],
                                                       "resubmit_by": "2026-06-30"}),
        Case("401 422 422 422 422", json=lambda n, r: {"reasons": []})],
    ("POST", "/api/v1/submissions/<int:submission_id>/accept"): [Case("401 403 200 404 200")],
    # Enterprise accounts (registry/submissions/accounts.py): made and managed by the
    # officers of the enterprise's county; requests decided by them; viewers only read.
    ("POST", "/enterprises/<int:enterprise_id>/accounts"): [
        Case("302 403 303 403 303", form=lambda n, r: {"username": f"qiye{n}",
                                                       "email": f"qiye{n}@example.com"})],
    ("POST", "/enterprises/<int:enterprise_id>/accounts/<int:user_id>/link"): [
        Case("302 403 303 403 303", form=lambda n, r: {}),
        Case("302 403 404 403 404", form=lambda n, r: {}, params={"user_id": 0})],
    ("POST", "/enterprises/<int:enterprise_id>/accounts/<int:user_id>/deactivate"): [
        Case("302 403 303 403 303", form=lambda n, r: {})],
    ("POST", "/enterprises/<int:enterprise_id>/accounts/<int:user_id>/activate"): [
        Case("302 403 303 403 303", form=lambda n, r: {})],
    ("GET", "/submissions/enrolments"): [Case("302 200 200 200 200"),
                                         Case("302 200 200 200 200", query={"status": "refused"})],
    ("POST", "/submissions/enrolments/<int:request_id>/approve"): [
        Case("302 403 303 403 303", form=lambda n, r: {}),
        Case("302 404 404 404 404", form=lambda n, r: {}, params={"request_id": 0})],
    ("POST", "/submissions/enrolments/<int:request_id>/refuse"): [
        Case("302 403 303 403 303", form=lambda n, r: {"reason": "联系人电话无法接通"})],
    ("GET", "/portal/register"): [Case("200 200 200 200 200")],
    ("POST", "/portal/register"): [
        Case("200 200 200 200 200", form=lambda n, r: {
            "county_code": COUNTY_A, "enterprise_name": "示例化工有限公司",
            "credit_code": r["credit_code"], "contact_name": "李娜",
            "contact_phone": "13838383838", "email": f"req{n}@example.com",
            "username": f"req{n}"}),
        Case("422 422 422 422 422", form=lambda n, r: {"county_code": COUNTY_A})],
    ("GET", "/account/setup/<token>"): [Case("200 200 200 200 200"),
                                        Case("404 404 404 404 404", params={"token": "x" * 43})],
    ("POST", "/account/setup/<token>"): [
        Case("302 302 302 302 302", form=lambda n, r: {"password": "Qiye-mima-2026!",
                                                       "confirm": "Qiye-mima-2026!"}),
        Case("422 422 422 422 422", form=lambda n, r: {"password": "short", "confirm": "short"})],
    # API ---------------------------------------------------------------------------------
    ("GET", "/api/v1/openapi.json"): [Case("200 200 200 200 200")],
    ("GET", "/api/v1/enterprises"): [Case("401 200 200 200 200"),
                                     Case("401 422 422 422 422", query={"per_page": "0"})],
    ("POST", "/api/v1/enterprises"): [
        Case("401 403 201 403 201", json=lambda n, r: enterprise_payload(1000 + n, COUNTY_A)),
        Case("401 403 403 201 201", json=lambda n, r: enterprise_payload(1000 + n, COUNTY_B)),
        Case("401 422 422 422 422", json=lambda n, r: {"name": "缺少其他字段的企业"}),
        Case("401 403 409 403 409", json=lambda n, r: enterprise_payload(
            1000 + n, COUNTY_A, credit_code=r["credit_code"]))],
    ("GET", "/api/v1/enterprises/<int:enterprise_id>"): [
        Case("401 200 200 403 200"), Case("401 404 404 404 404", params={"enterprise_id": 0})],
    ("PATCH", "/api/v1/enterprises/<int:enterprise_id>"): [
        Case("401 403 200 403 200", json=lambda n, r: {"contact_name": "李娜"}),
        Case("401 422 422 422 422", json=lambda n, r: {"credit_code": "123"})],
    ("GET", "/api/v1/enterprises/<int:enterprise_id>/downstream"): [Case("401 200 200 403 200")],
    ("POST", "/api/v1/substances"): [Case("401 403 403 403 201", json=_substance_json)],
    ("GET", "/api/v1/substances"): [Case("401 200 200 200 200", query={"q": "测试"})],
    ("PUT", "/api/v1/enterprises/<int:enterprise_id>/risk-inventory"): [
        Case("401 403 200 403 200", json=lambda n, r: {
            "substances": [{"substance_id": r["substance_id"], "max_quantity_t": 3}]})],
    ("GET", "/api/v1/enterprises/<int:enterprise_id>/risk-inventory"): [
        Case("401 200 200 403 200")],
    ("GET", "/api/v1/enterprises/<int:enterprise_id>/risk-inventory/versions"): [
        Case("401 200 200 403 200"),
        Case("401 404 404 404 404", params={"enterprise_id": 0})],
    ("GET", "/api/v1/layers/<layer>.geojson"): [
        Case("401 200 200 200 200", params={"layer": "rivers"}),
        Case("401 422 422 422 422", params={"layer": "no-such-layer"})],
    ("GET", "/api/v1/map/enterprises.geojson"): [Case("401 200 200 200 200")],
    ("GET", "/api/v1/map/misplaced"): [Case("401 200 200 200 200")],
    ("GET", "/api/v1/upstream"): [Case("401 200 200 200 200",
                                       query={"lon": "113.47", "lat": "34.17", "km": "20"}),
                                  Case("401 422 422 422 422", query={"lon": "113.47"})],
    ("GET", "/api/v1/stats"): [Case("401 200 200 200 200")],
    ("GET", "/api/v1/annual/<int:year>"): [Case("401 200 200 200 200", params={"year": 2025}),
                                           Case("401 422 422 422 422", params={"year": 1999})],
    ("GET", "/api/v1/plans"): [Case("401 200 200 200 200")],
    ("POST", "/api/v1/plans"): [
        Case("401 403 201 403 201",
             json=lambda n, r: _plan_json(n, r, enterprise_id=r["bare_enterprise_id"])),
        Case("401 404 404 404 404", json=lambda n, r: _plan_json(n, r, enterprise_id=0)),
        Case("401 403 409 403 409",
             json=lambda n, r: _plan_json(n, r, enterprise_id=r["enterprise_id"]))],
    ("GET", "/api/v1/plans/<int:plan_id>"): [
        Case("401 200 200 403 200"), Case("401 404 404 404 404", params={"plan_id": 0})],
    ("PATCH", "/api/v1/plans/<int:plan_id>"): [
        Case("401 403 200 403 200", json=lambda n, r: {"title": f"应急预案（更正{n}）"}),
        Case("401 422 422 422 422", json=lambda n, r: {"risk_level": "major"})],
    ("POST", "/api/v1/plans/<int:plan_id>/documents/<kind>"): [
        Case("401 403 201 403 201", form=_upload_form),
        Case("401 403 422 403 422", form=_upload_form, params={"kind": "photo"})],
    ("GET", "/api/v1/plans/<int:plan_id>/changes"): [
        Case("401 200 200 403 200"), Case("401 404 404 404 404", params={"plan_id": 0})],
    ("GET", "/api/v1/calendar/filing-deadline"): [
        Case("401 200 200 200 200", query={"signed_on": "2026-03-02"}),
        Case("401 422 422 422 422", query={"signed_on": "2026-02-30"})],
    ("POST", "/api/v1/plans/<int:plan_id>/revisions"): [
        Case("401 403 201 403 201", json=_plan_json),
        Case("401 403 409 403 409", json=_plan_json, params={"plan_id": "superseded_plan_id"})],
    ("GET", "/api/v1/drills"): [Case("401 200 200 200 200"),
                                Case("401 422 422 422 422", query={"per_page": "0"})],
    ("POST", "/api/v1/drills"): [
        Case("401 403 201 403 201", json=_drill_json),
        Case("401 403 403 201 201", json=lambda n, r: _drill_json(n, r, county_code=COUNTY_B)),
        Case("401 403 403 403 201", json=_city_drill),
        Case("401 422 422 422 422", json=lambda n, r: {"title": "缺少其他字段的演练"})],
    ("GET", "/api/v1/drills/<int:drill_id>"): [
        Case("401 200 200 403 200"), Case("401 404 404 404 404", params={"drill_id": 0})],
    ("PATCH", "/api/v1/drills/<int:drill_id>"): [
        Case("401 403 200 403 200", json=lambda n, r: {"evaluation": f"第{n}次复盘：响应及时"}),
        Case("401 403 200 403 200", json=lambda n, r: {"status": "closed"}),
        # County A's drill moved to county B (its enterprise left out): both counties' right.
        Case("401 403 403 403 200", json=lambda n, r: {"county_code": COUNTY_B, "enterprise_ids": []}),
        Case("401 403 422 403 422", json=lambda n, r: {"county_code": COUNTY_B}),
        Case("401 403 403 403 200", json=lambda n, r: {"organiser_level": "city"}),
        Case("401 422 422 422 422", json=lambda n, r: {"theme": "fire"})],
    ("POST", "/api/v1/drills/<int:drill_id>/actions"): [
        Case("401 403 201 403 201", json=_action_form),
        Case("401 403 409 403 409", json=_action_form, params={"drill_id": "closed_drill_id"}),
        Case("401 422 422 422 422", json=lambda n, r: {"description": "缺少类别"})],
    ("PATCH", "/api/v1/actions/<int:action_id>"): [
        Case("401 403 200 403 200", json=lambda n, r: {"status": "in_progress"}),
        Case("401 403 422 403 422", json=lambda n, r: {"status": "verified"}),
        Case("401 404 404 404 404", json=lambda n, r: {"status": "in_progress"},
             params={"action_id": 0})],
    ("GET", "/api/v1/actions"): [Case("401 200 200 200 200")],
    ("GET", "/api/v1/enterprises/<int:enterprise_id>/drill-status"): [
        Case("401 200 200 403 200"), Case("401 404 404 404 404", params={"enterprise_id": 0})],
    ("GET", "/api/v1/agreements"): [Case("401 200 200 200 200")],
    ("POST", "/api/v1/agreements"): [
        Case("401 403 403 403 201", json=lambda n, r: luohe(title=f"联防联控协议（第{n}号）")),
        Case("401 403 403 403 422", json=lambda n, r: luohe(signed_on="2030-01-01")),
        Case("401 422 422 422 422", json=lambda n, r: {"title": "缺少其他字段的协议"})],
    ("GET", "/api/v1/agreements/<int:agreement_id>"): [
        Case("401 200 200 200 200"), Case("401 404 404 404 404", params={"agreement_id": 0})],
    ("PATCH", "/api/v1/agreements/<int:agreement_id>"): [
        Case("401 403 403 403 200", json=lambda n, r: {"expires_on": "2034-03-17", "note": "续签"}),
        Case("401 404 404 404 404", json=lambda n, r: {"note": "续签"}, params={"agreement_id": 0})],
    ("POST", "/api/v1/agreements/<int:agreement_id>/contacts/<int:contact_id>/verify"): [
        Case("401 403 403 403 200"), Case("401 404 404 404 404", params={"contact_id": 0})],
    ("GET", "/api/v1/notification-sheet"): [
        Case("401 200 200 403 200", query={"enterprise_id": "enterprise_id"}),
        Case("401 200 200 200 200", query={"lon": "113.83", "lat": "34.0"}),
        Case("401 422 422 422 422", query={"lon": "113.83"})],
    ("GET", "/api/v1/reminders"): [Case("401 200 200 200 200"),
                                   Case("401 422 422 422 422", query={"status": "lost"})],
    ("GET", "/api/v1/reminders/<int:reminder_id>"): [
        Case("401 200 200 403 200"), Case("401 404 404 404 404", params={"reminder_id": 0})],
    ("POST", "/api/v1/reminders/<int:reminder_id>/resend"): [
        Case("401 403 200 403 200"), Case("401 404 404 404 404", params={"reminder_id": 0})],
    ("GET", "/api/v1/reminders/preview"): [Case("401 200 200 200 200"),
                                           Case("401 422 422 422 422", query={"days": "0"})],
    # Incident mode (registry/incidents/): county officers act on their counties'
    # incidents, viewers read them; the duty roster is the administrators'; officers
    # register resources. The record: an incident on 颍河 at 禹州 (county A).
    ("GET", "/incidents"): [Case("302 200 200 200 200")],
    ("GET", "/incidents/new"): [Case("302 403 200 200 200")],
    ("POST", "/incidents/new"): [Case("302 403 302 403 302", form=_incident_form),
                                 Case("302 403 422 422 422",
                                      form=lambda n, r: _incident_form(n, r, substance=""))],
    ("GET", "/enterprises/<int:enterprise_id>/risk-inventory/substances"): [
        Case("302 200 200 403 200"), Case("302 404 404 404 404", params={"enterprise_id": 0})],
    ("GET", "/incidents/<int:incident_id>"): [
        Case("302 200 200 403 200"), Case("302 404 404 404 404", params={"incident_id": 0})],
    ("POST", "/incidents/<int:incident_id>/notifications"): [
        Case("302 403 302 403 302", form=_call_form)],
    ("POST", "/incidents/<int:incident_id>/entries"): [
        Case("302 403 302 403 302", form=lambda n, r: {"text": f"关闭褚河闸（第{n}次）"})],
    ("GET", "/incidents/<int:incident_id>/sheet"): [
        Case("302 200 200 403 200", query={"city": "漯河市"})],
    ("GET", "/incidents/<int:incident_id>/report"): [Case("302 403 200 403 200")],
    ("POST", "/incidents/<int:incident_id>/report"): [
        Case("302 403 200 403 200", form=lambda n, r: {"stage": "initial", "source": "罐车侧翻"})],
    ("GET", "/incidents/<int:incident_id>/close"): [Case("302 403 200 403 200")],
    ("POST", "/incidents/<int:incident_id>/close"): [
        Case("302 403 302 403 302", form=lambda n, r: {"findings-0-description": "物资调运慢",
                                                       "findings-0-category": "equipment"})],
    ("GET", "/incidents/duty"): [Case("302 200 200 200 200")],
    ("POST", "/incidents/duty"): [Case("302 403 403 403 302", form=lambda n, r: {
        "on_date": "2026-06-15", "officer": f"值班员{n}", "phone": "0374-2966110"})],
    ("GET", "/resources"): [Case("302 200 200 200 200")],
    ("POST", "/resources"): [Case("302 403 302 302 302", form=lambda n, r: _resource(n))],
    ("POST", "/enterprises/<int:enterprise_id>/resources"): [Case("302 403 302 403 302", form=lambda n, r: {
        "kind": "material", "name": f"应急沙袋{n}", "quantity": "200", "unit": "袋"})],
    ("POST", "/enterprises/<int:enterprise_id>/resources/<int:resource_id>/delete"): [
        Case("302 403 404 403 404", params={"resource_id": 0})],
    # The enterprise's own survey rows in its portal: enterprise users only (test_fence.py).
    ("POST", "/portal/enterprises/<int:enterprise_id>/resources"): [Case("302 403 403 403 403", form=lambda n, r: {
        "kind": "material", "name": f"应急沙袋{n}", "quantity": "200", "unit": "袋"})],
    ("POST", "/portal/enterprises/<int:enterprise_id>/resources/<int:resource_id>/delete"): [
        Case("302 403 403 403 403", params={"resource_id": 0})],
    ("POST", "/resources/import"): [Case("302 403 302 302 302", form=lambda n, r: {"file": (
        io.BytesIO(f"类别,名称,数量,单位,所属单位,经度,纬度\n物资,吸附棉{n},5,卷,分局,113.4,34.1\n"
                   .encode()), "应急资源.csv")})],
    ("POST", "/api/v1/incidents"): [
        Case("401 403 201 403 201", json=lambda n, r: _incident_json(n, r)),
        Case("401 422 422 422 422", json=lambda n, r: {"medium": "water"})],
    ("GET", "/api/v1/incidents"): [Case("401 200 200 200 200")],
    ("GET", "/api/v1/incidents/<int:incident_id>"): [
        Case("401 200 200 403 200"), Case("401 404 404 404 404", params={"incident_id": 0})],
    ("POST", "/api/v1/incidents/<int:incident_id>/notifications"): [
        Case("401 403 201 403 201", json=_call_form)],
    ("POST", "/api/v1/incidents/<int:incident_id>/entries"): [
        Case("401 403 201 403 201", json=lambda n, r: {"text": "投放吸附棉"})],
    ("GET", "/api/v1/incidents/<int:incident_id>/report.docx"): [
        Case("401 200 200 403 200", query={"stage": "initial"})],
    ("POST", "/api/v1/incidents/<int:incident_id>/close"): [
        Case("401 403 200 403 200", json=lambda n, r: {"findings": [
            {"description": "物资调运慢", "category": "equipment"}]})],
    ("POST", "/api/v1/resources"): [Case("401 403 201 201 201", json=lambda n, r: _resource(n)),
                                    Case("401 422 422 422 422", json=lambda n, r: {"kind": "x"})],
    ("GET", "/api/v1/resources"): [Case("401 200 200 200 200")],
    ("GET", "/api/v1/resources/nearest"): [
        Case("401 200 200 200 200", query={"longitude": "113.47", "latitude": "34.16"}),
        Case("401 422 422 422 422", query={"longitude": "113.47"})],
}


def _routes(app) -> set[tuple[str, str]]:
    return {(method, rule.rule) for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def _collect():
    """The app's routes, each with its cases (or none: the test then fails)."""
    from registry import create_app

    routes = _routes(create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}))
    params = []
    for key in sorted(routes | set(ACCESS), key=lambda k: (k[1], k[0])):
        cases = ACCESS.get(key) if key in routes else None
        ids = f"{key[0]} {key[1]}"
        if cases is None:
            params.append(pytest.param(key, None, id=ids))
        else:
            params.extend(pytest.param(key, i, id=f"{ids} #{i}") for i in range(len(cases)))
    return params


_counter = itertools.count(1)


# The areas' records, built for the routes that show or change them (and for the pages
# that gather every area: the start page, the map, plans, enterprises and the exports).
AREA_RECORDS = {"drills": ("drill", "action", "/map", "/plans", "/enterprises", "/export"),
                "agreements": ("agreement", "notification", "/map", "/drills", "/export"),
                "reminders": ("reminder",), "submissions": ("submission", "/portal"),
                "accounts": ("/accounts", "enrolments", "/account/setup"),
                "substances": ("substance", "risk-inventory"),
                "incidents": ("incident",)}


def _needs(rule: str, area: str) -> bool:
    return rule == "/" or any(word in rule for word in AREA_RECORDS[area])


def _records(app, n: int, rule: str = "/") -> dict:
    """Fresh real records in county A: an enterprise with a current plan (with an uploaded
    plan document and a superseded earlier version) and one without a plan; for the routes
    of the areas (see AREA_RECORDS) a drill with a corrective action and files, a closed
    drill, an agreement with its roster, a meeting and the signed document, and a sent
    plan-review reminder.

    The rows are written in one transaction (``unit_of_work``) and the ids read before it
    commits: a commit expires every object, and reading an id back costs a query each;
    the uploads, which commit themselves, come last."""
    from registry.enterprises.schemas import EnterpriseIn
    from registry.enterprises.service import create_enterprise
    from registry.permissions import SYSTEM
    from registry.plans import documents
    from registry.plans.schemas import PlanIn, RevisionIn
    from registry.plans.service import file_plan, revise_plan
    from registry.unit_of_work import unit_of_work

    with app.test_request_context(method="POST"):  # writes: not a read-only GET
        with unit_of_work():  # one transaction, ids read before its commit
            e = create_enterprise(SYSTEM, EnterpriseIn(**enterprise_payload(n, COUNTY_A)))
            bare = create_enterprise(SYSTEM, EnterpriseIn(**enterprise_payload(n + 500, COUNTY_A)))
            first = file_plan(SYSTEM, PlanIn(enterprise_id=e.id, title="突发环境事件应急预案（2023年版）",
                                             signed_on="2023-08-01", filed_on="2023-08-10",
                                             risk_level="general"))
            plan = revise_plan(SYSTEM, first.id, RevisionIn(
                title="突发环境事件应急预案（2026年版）", signed_on="2026-03-02",
                filed_on="2026-03-20", risk_level="general", reason="生产工艺变化"))
            records = {"enterprise_id": e.id, "bare_enterprise_id": bare.id, "plan_id": plan.id,
                       "superseded_plan_id": first.id, "credit_code": e.credit_code, "kind": "plan"}
            uploads = [lambda: documents.attach_document(SYSTEM, records["plan_id"], "plan",
                                                         "应急预案.pdf", io.BytesIO(PDF))]
            if "earlier-files" in rule:
                uploads.append(lambda: records.update(file_id=_replaced_file(records["plan_id"])))
            if _needs(rule, "drills"):
                uploads += _drill_records(e.id, records)
            if _needs(rule, "agreements"):
                uploads += _agreement_records(records)
            if _needs(rule, "submissions"):
                uploads.append(lambda: _submission_records(records, n))
            if _needs(rule, "substances"):
                uploads.append(lambda: _substance_records(records, n))
            if _needs(rule, "incidents"):
                uploads.append(lambda: _incident_records(records, n))
        for upload in uploads:
            upload()
        if _needs(rule, "reminders"):
            records.update(_reminder_records(n))
        if _needs(rule, "accounts"):
            records.update(_account_records(records, n))
        return records


def _incident_records(records: dict, n: int) -> None:
    """An open incident on 颍河 at 禹州 (county A); the agreement with Luohe, when present,
    makes 漯河市 a city owed a notification."""
    from registry.incidents.schemas import IncidentIn
    from registry.incidents.service import create_incident
    from registry.permissions import SYSTEM

    records["incident_id"] = create_incident(SYSTEM, IncidentIn(**_incident_json(n, records))).id


def _submission_records(records: dict, n: int) -> None:
    """A submitted application (all five documents) of the enterprise without a plan, and
    an accepted one (its 备案表 receipt exists) of a third enterprise in county A."""
    from registry.enterprises.schemas import EnterpriseIn
    from registry.enterprises.service import create_enterprise
    from registry.permissions import SYSTEM
    from registry.submissions import service
    from registry.submissions.schemas import SubmissionIn

    def submitted(enterprise_id):
        sub = service.create_submission(SYSTEM, SubmissionIn(
            enterprise_id=enterprise_id, title="突发环境事件应急预案（2026年版）",
            signed_on="2026-06-01", risk_level="general"))
        for kind in ("filing_form", "plan", "risk_assessment", "resource_survey",
                     "expert_review"):
            doc_id = service.attach(SYSTEM, sub.id, kind, f"{kind}.pdf", io.BytesIO(PDF)).id
        service.submit(SYSTEM, sub.id)
        return sub.id, doc_id

    records["submission_id"], records["document_id"] = submitted(records["bare_enterprise_id"])
    third = create_enterprise(SYSTEM, EnterpriseIn(**enterprise_payload(n + 3000, COUNTY_A)))
    records["accepted_submission_id"], _doc = submitted(third.id)
    service.accept(SYSTEM, records["accepted_submission_id"])


def _substance_records(records: dict, n: int) -> None:
    """A risk substance and the enterprise's risk inventory holding it (issue #20)."""
    from registry.permissions import SYSTEM
    from registry.substances import inventory, service
    from registry.substances.schemas import InventoryIn, SubstanceIn

    substance = service.create_substance(SYSTEM, SubstanceIn(
        name=f"测试物质{n}", critical_quantity_t=5, media=["water"]))
    records["substance_id"] = substance.id
    inventory.put_inventory(SYSTEM, records["enterprise_id"], InventoryIn(
        substances=[{"substance_id": substance.id, "max_quantity_t": 1}]))


def _drill_records(enterprise_id: int, records: dict) -> list[Callable]:
    """A county drill in county A exercising the enterprise (and so its current plan), with a
    corrective action that has an owner and a due date, an evaluation report and an evidence
    file; and a closed drill (no actions may be added to it). Adds their ids to ``records``
    and returns the uploads still to make."""
    from registry.drills import actions, attachments, service
    from registry.drills.schemas import ActionIn, DrillIn, DrillPatch
    from registry.permissions import SYSTEM

    drill = service.create_drill(SYSTEM, DrillIn(**drill_payload(enterprise_ids=[enterprise_id])))
    action = actions.add_action(SYSTEM, drill.id, ActionIn(**action_payload()))
    closed = service.create_drill(SYSTEM, DrillIn(**drill_payload(title="禹州市重污染天气应急演练",
                                                                  theme="heavy_pollution_weather")))
    service.update_drill(SYSTEM, closed.id, DrillPatch(status="closed"))
    records.update(drill_id=drill.id, action_id=action.id, closed_drill_id=closed.id)

    def report():
        records["attachment_id"] = attachments.attach_file(
            SYSTEM, records["drill_id"], "report", "演练评估报告.pdf", io.BytesIO(PDF)).id

    def evidence():
        attachments.attach_file(SYSTEM, records["drill_id"], "other", "整改照片说明.pdf",
                                io.BytesIO(PDF), action_id=records["action_id"])
    return [report, evidence]


def _agreement_records(records: dict) -> list[Callable]:
    """The Xuchang–Luohe agreement with its roster (two Luohe contacts) and a joint meeting;
    adds their ids to ``records`` and returns the upload of the signed document."""
    from registry.agreements import documents as agreement_documents, roster, service
    from registry.agreements.schemas import AgreementIn, MeetingIn
    from registry.permissions import SYSTEM

    agreement = service.create_agreement(SYSTEM, AgreementIn(**luohe()))
    roster.add_meeting(SYSTEM, agreement.id, MeetingIn(
        held_on="2026-04-10", place="漯河市生态环境局三楼会议室", participants="两市生态环境局、水利局",
        summary="通报颍河交界断面水质，商定汛期联合采样频次"))
    party = agreement.parties[0]
    records.update(agreement_id=agreement.id, party_id=party.id, contact_id=party.contacts[0].id)
    return [lambda: agreement_documents.attach_document(
        SYSTEM, records["agreement_id"], "联防联控协议.pdf", io.BytesIO(PDF))]


def _replaced_file(plan_id: int) -> int:
    """Replace the plan's uploaded plan document: the id of the file it had before."""
    import sqlalchemy as sa

    from registry.extensions import db
    from registry.models import PlanDocumentFile
    from registry.permissions import SYSTEM
    from registry.plans import documents

    documents.attach_document(SYSTEM, plan_id, "plan", "应急预案（签发稿）.pdf", io.BytesIO(PDF))
    return db.session.scalar(sa.select(PlanDocumentFile.id).where(
        PlanDocumentFile.plan_id == plan_id))


def _account_records(records: dict, n: int) -> dict:
    """An enterprise account of the enterprise (its set-password link still open) and a
    pending account request naming the enterprise's credit code, in county A."""
    from registry.auth import links
    from registry.extensions import db
    from registry.models import EnrolmentRequest, Enterprise, User
    from registry.permissions import SYSTEM

    ent = db.session.get(Enterprise, records["enterprise_id"])
    user = User(username=f"acct{n}", role="enterprise", password_hash=links.unusable_password(),
                email=f"acct{n}@example.com", enterprises=[ent])
    db.session.add(user)
    db.session.flush()
    token = links.issue(SYSTEM, user)
    request = EnrolmentRequest(county_code=COUNTY_A, credit_code=ent.credit_code,
                               enterprise_name=ent.name, contact_name="李娜",
                               contact_phone="13838383838", email=f"enrol{n}@example.com",
                               username=f"enrol{n}", status="pending")
    db.session.add(request)
    db.session.flush()
    ids = {"user_id": user.id, "request_id": request.id, "token": token}
    db.session.commit()
    return ids


def _reminder_records(n: int) -> dict:
    """A plan in county A due for review on 2026-09-13 (signed three years before), and the
    reminders sweep run for today: the enterprise contact's reminder is in the outbox, sent."""
    from datetime import date

    import sqlalchemy as sa

    from registry.enterprises.schemas import EnterpriseIn
    from registry.enterprises.service import create_enterprise
    from registry.extensions import db
    from registry.models import Reminder
    from registry.permissions import SYSTEM
    from registry.plans.schemas import PlanIn
    from registry.plans.service import file_plan
    from registry.reminders.service import run_reminders

    payload = enterprise_payload(n + 2000, COUNTY_A)
    e = create_enterprise(SYSTEM, EnterpriseIn(**payload))
    plan = file_plan(SYSTEM, PlanIn(enterprise_id=e.id, title="突发环境事件应急预案（2023年版）",
                                    signed_on="2023-09-13", filed_on="2023-09-20",
                                    risk_level="general"))
    plan_id = plan.id
    db.session.commit()  # the sweep takes its lease on a connection of its own
    run_reminders(date.fromisoformat(PINNED_TODAY))
    reminder_id = db.session.scalar(sa.select(Reminder.id).where(
        Reminder.subject_type == "plan", Reminder.subject_id == plan_id,
        Reminder.recipient == payload["contact_email"], Reminder.status == "sent"))
    assert reminder_id is not None, "the reminders sweep recorded no sent reminder for the plan"
    return {"reminder_id": reminder_id}


@pytest.fixture
def callers(app, caller_users):
    """A test client per caller: web clients with a logged-in session, API clients with a
    bearer token."""
    web, api = {"anon": app.test_client()}, {"anon": (app.test_client(), {})}
    for label, (user_id, token) in caller_users.items():
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = str(user_id), True
            session[GENERATION_KEY] = 0  # a new user's first session generation
        web[label] = client
        api[label] = (app.test_client(), {"Authorization": f"Bearer {token}"})
    return web, api


def _fill(rule: str, values: dict) -> str:
    def value(match):
        name = match.group(1)
        assert name in values, f"no record for path parameter <{name}>: give params= in the Case"
        return str(values[name])
    return re.sub(r"<(?:\w+:)?(\w+)>", value, rule)


@pytest.mark.parametrize("route, index", _collect())
def test_access(app, callers, route, index):
    method, rule = route
    assert index is not None, (
        f"{method} {rule} has no entry in ACCESS (tests/registry/hardening/test_access_matrix.py)"
        if route in _routes(app) else f"{method} {rule}: ACCESS entry for a route that does not exist")
    case = ACCESS[route][index]
    web, api = callers
    problems = []
    for role, expected in case.codes().items():
        n = next(_counter)
        records = _records(app, n, rule)

        def resolve(v):  # called in this iteration only
            return records[v] if isinstance(v, str) and v in records else v  # noqa: B023

        path = _fill(rule, {**records, **{k: resolve(v) for k, v in case.params.items()}})
        query = {k: resolve(v) for k, v in case.query.items()}
        if rule.startswith("/api/"):
            client, headers = api[role]
            kwargs = {"headers": headers, "query_string": query}
            if case.json is not None:
                kwargs["json"] = case.json(n, records)
            if case.form is not None:  # a multipart upload
                kwargs["data"] = case.form(n, records)
        else:
            client, kwargs = web[role], {"query_string": query}
            if method == "POST":
                data = case.form(n, records) if case.form else {}
                data["csrf_token"] = csrf_token(client, "/login")
                kwargs["data"] = data
        response = client.open(path, method=method, **kwargs)
        response.close()
        if response.status_code != expected:
            problems.append(f"{role}: {method} {path} -> {response.status_code}, expected {expected}")
    assert not problems, "\n".join(problems)


def test_every_caller_kind_and_code_is_exercised():
    """The matrix really distinguishes callers and covers the documented outcomes."""
    seen = {code for cases in ACCESS.values() for case in cases for code in case.codes().values()}
    assert {200, 201, 302, 401, 403, 404, 409, 422} <= seen
