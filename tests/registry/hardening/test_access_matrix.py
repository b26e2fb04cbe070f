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
document, and an enterprise in county A without a plan.

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
from typing import Callable

import pytest

from tests.conftest import csrf_token, enterprise_payload

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


# (method, rule) -> cases. Codes: anon viewer officerA officerB admin.
ACCESS: dict[tuple[str, str], list[Case]] = {
    # Web ---------------------------------------------------------------------------------
    ("GET", "/"): [Case("302 200 200 200 200")],
    ("GET", "/login"): [Case("200 200 200 200 200")],
    ("POST", "/login"): [Case("401 401 401 401 401",
                              form=lambda n, r: {"username": f"nobody{n}", "password": "wrong"})],
    ("POST", "/logout"): [Case("302 302 302 302 302", form=lambda n, r: {})],
    ("POST", "/lang/<code>"): [Case("302 302 302 302 302", form=lambda n, r: {},
                                    params={"code": "en"})],
    ("GET", "/users"): [Case("302 403 403 403 200")],
    ("POST", "/users"): [Case("302 403 403 403 302", form=lambda n, r: {
        "username": f"newuser{n}", "role": "viewer", "password": "correct-horse-battery",
        "county": COUNTY_A})],
    ("GET", "/jurisdictions"): [Case("302 200 200 200 200")],
    ("POST", "/jurisdictions"): [Case("302 403 403 403 302",
                                      form=lambda n, r: {"code": f"ZONE{n:04d}",
                                                         "name": "许昌经济技术开发区"})],
    ("GET", "/enterprises"): [Case("302 200 200 200 200")],
    ("GET", "/enterprises/new"): [Case("302 200 200 200 200")],
    ("POST", "/enterprises/new"): [Case("302 403 302 403 302", form=_enterprise_form),
                                   Case("302 422 422 422 422", form=lambda n, r: {"name": ""})],
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
    ("GET", "/plans"): [Case("302 200 200 200 200")],
    ("GET", "/plans/<int:plan_id>"): [
        Case("302 200 200 403 200"), Case("302 404 404 404 404", params={"plan_id": 0})],
    ("GET", "/plans/<int:plan_id>/revise"): [Case("302 403 200 403 200")],
    ("POST", "/plans/<int:plan_id>/revise"): [Case("302 403 302 403 302", form=_plan_form)],
    ("GET", "/plans/<int:plan_id>/correct"): [Case("302 403 200 403 200")],
    ("POST", "/plans/<int:plan_id>/correct"): [
        Case("302 403 302 403 302", form=lambda n, r: {"title": f"应急预案（更正{n}）"})],
    ("GET", "/plans/<int:plan_id>/documents/<kind>"): [
        Case("302 200 200 403 200"), Case("302 404 404 403 404", params={"kind": "expert_review"})],
    ("POST", "/plans/<int:plan_id>/documents/<kind>"): [
        Case("302 403 302 403 302", form=_upload_form)],
    ("GET", "/map"): [Case("302 200 200 200 200")],
    ("GET", "/map/frame"): [Case("302 200 200 200 200"),
                            Case("302 200 200 403 200", query={"enterprise_id": "enterprise_id"})],
    ("GET", "/map/details/<int:enterprise_id>"): [Case("302 200 200 403 200")],
    ("GET", "/map/upstream"): [Case("302 200 200 200 200")],
    ("GET", "/map/checks"): [Case("302 200 200 200 200")],
    ("GET", "/static/<path:filename>"): [Case("200 200 200 200 200",
                                              params={"filename": "app.css"})],
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
    ("GET", "/api/v1/layers/<layer>.geojson"): [
        Case("401 200 200 200 200", params={"layer": "rivers"}),
        Case("401 422 422 422 422", params={"layer": "no-such-layer"})],
    ("GET", "/api/v1/map/enterprises.geojson"): [Case("401 200 200 200 200")],
    ("GET", "/api/v1/map/misplaced"): [Case("401 200 200 200 200")],
    ("GET", "/api/v1/upstream"): [Case("401 200 200 200 200",
                                       query={"lon": "113.47", "lat": "34.17", "km": "20"}),
                                  Case("401 422 422 422 422", query={"lon": "113.47"})],
    ("GET", "/api/v1/stats"): [Case("401 200 200 200 200")],
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
    ("POST", "/api/v1/plans/<int:plan_id>/revisions"): [
        Case("401 403 201 403 201", json=_plan_json),
        Case("401 403 409 403 409", json=_plan_json, params={"plan_id": "superseded_plan_id"})],
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


def _records(app, n: int) -> dict:
    """Fresh real records in county A: an enterprise with a current plan (with an uploaded
    plan document and a superseded earlier version) and one without a plan."""
    from registry.enterprises.schemas import EnterpriseIn
    from registry.enterprises.service import create_enterprise
    from registry.permissions import SYSTEM
    from registry.plans import documents
    from registry.plans.schemas import PlanIn, RevisionIn
    from registry.plans.service import file_plan, revise_plan

    with app.test_request_context():
        e = create_enterprise(SYSTEM, EnterpriseIn(**enterprise_payload(n, COUNTY_A)))
        bare = create_enterprise(SYSTEM, EnterpriseIn(**enterprise_payload(n + 500, COUNTY_A)))
        first = file_plan(SYSTEM, PlanIn(enterprise_id=e.id, title="突发环境事件应急预案（2023年版）",
                                         signed_on="2023-08-01", filed_on="2023-08-10",
                                         risk_level="general"))
        plan = revise_plan(SYSTEM, first.id, RevisionIn(
            title="突发环境事件应急预案（2026年版）", signed_on="2026-03-02",
            filed_on="2026-03-20", risk_level="general", reason="生产工艺变化"))
        documents.attach_document(SYSTEM, plan.id, "plan", "应急预案.pdf", io.BytesIO(PDF))
        return {"enterprise_id": e.id, "bare_enterprise_id": bare.id, "plan_id": plan.id,
                "superseded_plan_id": first.id, "credit_code": e.credit_code, "kind": "plan"}


@pytest.fixture
def callers(app, caller_users):
    """A test client per caller: web clients with a logged-in session, API clients with a
    bearer token."""
    web, api = {"anon": app.test_client()}, {"anon": (app.test_client(), {})}
    for label, (user_id, token) in caller_users.items():
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = str(user_id), True
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
        records = _records(app, n)

        def resolve(v):
            return records[v] if isinstance(v, str) and v in records else v

        path = _fill(rule, {**records, **{k: resolve(v) for k, v in case.params.items()}})
        query = {k: resolve(v) for k, v in case.query.items()}
        if rule.startswith("/api/"):
            client, headers = api[role]
            kwargs = {"headers": headers, "query_string": query}
            if case.json is not None:
                kwargs["json"] = case.json(n, records)
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
