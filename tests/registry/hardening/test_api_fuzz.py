"""Schemathesis against /api/v1/openapi.json, in process (WSGI), with a valid token per role.

Every documented operation gets generated requests — valid by the schema (positive) and
invalid (negative) — each sent as viewer, officer of county A, officer of county B and admin,
on a database holding real records in county A (so ids 1, 2 … exist). Checks: no 5xx; the
status code is one the document lists; the body matches the documented schema and content
type; data the schema forbids is refused with a 4xx. Examples are bounded (FUZZ_EXAMPLES per
operation and mode, default 10) so CI stays short; ``make hardening`` runs more.
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis import checks as st_checks

from tests.conftest import enterprise_payload, plan_payload
from tests.registry.agreements.payloads import luohe
from tests.registry.drills.conftest import action_payload, drill_payload

STATS: list | None = [] if os.environ.get("FUZZ_STATS") else None
TEXT_PARAMS: dict[str, set[str]] = {}  # filled with the labels, at collection
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
CHECKS = [st_checks.not_a_server_error, st_checks.status_code_conformance,
          st_checks.content_type_conformance, st_checks.response_schema_conformance,
          st_checks.negative_data_rejection]


def _survives_the_wire(value, text_param: bool) -> bool:
    if value is None or (isinstance(value, list) and len(value) < 2):
        return False
    return isinstance(value, (str, list)) or not text_param


def _text_params(spec) -> dict[str, set[str]]:
    """label -> the query parameters whose schema accepts text."""
    def texty(schema) -> bool:
        return schema.get("type") == "string" or any(texty(s) for s in schema.get("anyOf", ())
                                                      if "const" not in s)
    return {f"{method.upper()} {path}": {p["name"] for p in op.get("parameters", ())
                                         if p["in"] == "query" and texty(p["schema"])}
            for path, ops in spec["paths"].items() for method, op in ops.items()}


def _labels() -> list[str]:
    from registry import create_app
    from registry.api.openapi import build_spec

    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    spec = build_spec()
    TEXT_PARAMS.update(_text_params(spec))
    return [f"{method.upper()} {path}" for path, ops in spec["paths"].items() for method in ops]


@pytest.fixture
def records(admin_api):
    ids = {"enterprise_id": [], "plan_id": [], "layer": ["counties", "rivers", "sections",
                                                          "receptors", "intercepts"]}
    for n in range(1, 3):
        e = admin_api.post("/enterprises", json=enterprise_payload(n, county="411081")).json
        ids["enterprise_id"].append(e["id"])
        ids["plan_id"].append(admin_api.post("/plans", json=plan_payload(e["id"])).json["id"])
    # An enterprise without a plan, for POST /plans.
    ids["bare_enterprise_id"] = admin_api.post(
        "/enterprises", json=enterprise_payload(3, county="411081")).json["id"]
    # A county drill in county A exercising the first enterprise, with a corrective action;
    # the Xuchang–Luohe agreement with its roster.
    drill = admin_api.post("/drills", json=drill_payload(
        enterprise_ids=[ids["enterprise_id"][0]])).json
    action = admin_api.post(f"/drills/{drill['id']}/actions", json=action_payload()).json
    agreement = admin_api.post("/agreements", json=luohe()).json
    ids.update(drill_id=[drill["id"]], action_id=[action["id"]], agreement_id=[agreement["id"]],
               contact_id=[c["id"] for c in agreement["parties"][0]["contacts"]])
    return ids


# Free-text fields keep their generated value when a body is laid over a valid one.
FREE_TEXT = {"name", "address", "industry", "contact_name", "title", "reason", "note",
             # drills and corrective actions
             "organiser", "place", "scenario_substance", "evaluation", "description",
             "owner_name", "owner_unit", "evidence",
             # agreements
             "notification_triggers", "notification_channel", "joint_monitoring",
             "meeting_cadence"}
_serial = iter(range(10_000, 1_000_000))


def _valid_body(label: str, records: dict) -> dict | None:
    if label == "POST /enterprises":
        return enterprise_payload(next(_serial), county="411081")
    if label == "POST /plans":
        return plan_payload(records["bare_enterprise_id"])
    if label == "POST /plans/{plan_id}/revisions":
        return {k: v for k, v in plan_payload(0).items() if k != "enterprise_id"}
    if label == "POST /drills":
        return drill_payload(enterprise_ids=[records["enterprise_id"][0]])
    if label == "POST /drills/{drill_id}/actions":
        return action_payload()
    if label == "POST /agreements":
        return luohe()
    return None


def _real_shaped(case, label: str, records: dict, pick: int):
    """Point the generated request at real records and, for creating bodies, lay the
    generated free text over a valid body: so 200/201 answers get checked too."""
    for name in list(case.path_parameters or {}):
        if name in records and isinstance(records[name], list):
            case.path_parameters[name] = records[name][pick % len(records[name])]
    base = _valid_body(label, records)
    if base is not None and isinstance(case.body, dict):
        text = {k: v for k, v in case.body.items() if k in FREE_TEXT and isinstance(v, str)}
        case.body = {**base, **text}
    return case


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["positive", "negative"])
@pytest.mark.parametrize("label", _labels())
def test_api_conforms(app, records, caller_users, label, mode):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = next(result.ok() for result in schema.get_all_operations()
                     if result.ok().label == label)
    tokens = {role: token for role, (_id, token) in caller_users.items()}

    @given(case=operation.as_strategy(generation_mode=mode), real=st.integers(0, 3))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case, real):
        # A query string carries text only: a negative case whose "violation" cannot cross
        # the wire violates nothing there — a null or an empty list (sent as ``?page=``,
        # documented as left out), a one-item list (sent as its item), a number or boolean
        # given to a text parameter (sent as its digits: valid text).
        assume(mode != GenerationMode.NEGATIVE or all(
            _survives_the_wire(v, name in TEXT_PARAMS.get(label, ()))
            for name, v in (case.query or {}).items()))
        if mode == GenerationMode.POSITIVE and real:
            case = _real_shaped(case, label, records, real)
        for role, token in tokens.items():
            try:
                # identity: the WSGI client does not undo the gzip/brotli a real client
                # asks for (tests/registry/map: compressed answers are checked there).
                response = case.call_and_validate(
                    headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"},
                    checks=CHECKS)
                if STATS is not None:
                    STATS.append((label, mode.value, role, response.status_code))
            except BaseException as exc:
                exc.add_note(f"(called as {role})")
                raise

    run()


def teardown_module(module):
    """FUZZ_STATS=path: write what was sent and answered (docs/reliability.md figures)."""
    if STATS:
        import collections
        import json

        counts = collections.Counter(f"{label} {mode} {status}" for label, mode, _r, status in STATS)
        with open(os.environ["FUZZ_STATS"], "a") as out:
            json.dump({"requests": len(STATS), "by_operation_mode_status": counts}, out,
                      ensure_ascii=False, indent=1)
            out.write("\n")
