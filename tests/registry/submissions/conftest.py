"""Two enterprises in two counties, an enterprise user for each, an officer of the first
county and one of the second (today pinned to 2026-06-15 by the test configuration)."""
from dataclasses import dataclass

import pytest

from tests.conftest import Api, enterprise_payload
from tests.registry.reminders.conftest import smtp  # noqa: F401 (the SMTP fixture, for the notices)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
KINDS = ["filing_form", "plan", "risk_assessment", "resource_survey", "expert_review"]


@dataclass
class World:
    ours: dict  # 411002 enterprise
    theirs: dict  # 411003 enterprise
    ours_api: Api  # enterprise user of `ours`
    theirs_api: Api
    officer_api: Api  # officer of 411002
    other_officer_api: Api  # officer of 411003
    ours_user: str
    theirs_user: str


def make_enterprise_user(runner, accounts, username, credit_code):
    result = runner.invoke(args=["create-user", username, "--role", "enterprise",
                                 "--enterprise", credit_code, "--password", accounts.password,
                                 "--email", f"{username}@example.com"])
    assert result.exit_code == 0, result.output
    return username


@pytest.fixture
def world(client, accounts, admin_api, runner):
    ours = admin_api.post("/enterprises", json=enterprise_payload(1, "411002")).json
    theirs = admin_api.post("/enterprises", json=enterprise_payload(
        2, "411003", name="许昌市建安区示例化工有限公司")).json
    make_enterprise_user(runner, accounts, "qiye_ours", ours["credit_code"])
    make_enterprise_user(runner, accounts, "qiye_theirs", theirs["credit_code"])
    return World(ours, theirs, Api(client, accounts.token("qiye_ours")),
                 Api(client, accounts.token("qiye_theirs")),
                 accounts.api(client, "officer", ["411002"]),
                 accounts.api(client, "officer", ["411003"]), "qiye_ours", "qiye_theirs")


def submission_payload(enterprise_id, **overrides):
    payload = {"enterprise_id": enterprise_id, "kind": "new",
               "title": "突发环境事件应急预案（2026年版）", "signed_on": "2026-06-01",
               "risk_level": "general"}
    payload.update(overrides)
    return payload


def upload(api, submission_id, kind, data=PDF, name="备案表.pdf"):
    import io

    return api.client.post(f"/api/v1/submissions/{submission_id}/documents/{kind}",
                           headers=api.headers, data={"file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")


def submitted(world, api=None):
    """A submission of `ours` with all five documents, submitted; returns its id."""
    api = api or world.ours_api
    sid = api.post("/submissions", json=submission_payload(world.ours["id"])).json["id"]
    for kind in KINDS:
        assert upload(api, sid, kind).status_code == 201
    assert api.post(f"/submissions/{sid}/submit").status_code == 200
    return sid
