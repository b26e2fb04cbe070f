"""The enterprise role (企业用户): bound to enterprises by the CLI, fenced off every officer
page and API route, and never reaching another enterprise's records by id."""
import pytest

from registry.extensions import db
from registry.models import User
from tests.conftest import csrf_token
from tests.registry.submissions.conftest import submission_payload, submitted, upload


def test_cli_binds_an_enterprise_user_to_several_enterprises(app, runner, admin_api):
    from tests.conftest import enterprise_payload

    a = admin_api.post("/enterprises", json=enterprise_payload(11)).json
    b = admin_api.post("/enterprises", json=enterprise_payload(12, "411024")).json
    result = runner.invoke(args=["create-user", "zhangsan", "--role", "enterprise",
                                 "--enterprise", a["credit_code"], "--enterprise",
                                 b["credit_code"], "--password", "correct-horse-battery",
                                 "--email", "zs@example.com"])
    assert result.exit_code == 0, result.output
    assert a["credit_code"] in result.output and b["credit_code"] in result.output
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "zhangsan"))
        assert user.role == "enterprise" and user.email == "zs@example.com"
        assert user.enterprise_ids == {a["id"], b["id"]} and user.county_codes == set()


@pytest.mark.parametrize("args, message", [
    (["--enterprise", "91411002MA00000999"], "91411002MA00000999"),  # unknown credit code
    ([], "enterprise"),  # none given
    (["--county", "411002"], "county"),  # an enterprise user has no county
])
def test_cli_refuses_an_enterprise_user_without_a_known_enterprise(runner, admin_api, args,
                                                                   message):
    result = runner.invoke(args=["create-user", "lisi", "--role", "enterprise",
                                 "--password", "correct-horse-battery", *args])
    assert result.exit_code != 0
    assert message in result.output


def test_officers_cannot_be_bound_to_enterprises(runner, admin_api):
    from tests.conftest import enterprise_payload

    e = admin_api.post("/enterprises", json=enterprise_payload(13)).json
    result = runner.invoke(args=["create-user", "wangwu", "--role", "officer", "--county",
                                 "411002", "--enterprise", e["credit_code"],
                                 "--password", "correct-horse-battery"])
    assert result.exit_code != 0 and "enterprise" in result.output


# The API fence --------------------------------------------------------------------------

def test_every_api_route_not_opened_refuses_enterprise_users(world):
    """Every operation of the API (all areas') that is neither public nor opened to
    enterprises answers 403, even for the caller's own enterprise's id."""
    import re

    from registry.api.routing import OPERATIONS, path_param_is_int

    closed = [op for op in OPERATIONS if not op.public and not op.enterprise]
    assert len(closed) > 10
    for op in closed:
        path = re.sub(r"{(\w+)}", lambda m: str(world.ours["id"]) if path_param_is_int(m[1])
                      else "x", op.path)
        kwargs = {"json": {}} if op.method in ("POST", "PATCH", "PUT") else {}
        r = world.ours_api.client.open("/api/v1" + path, method=op.method,
                                       headers=world.ours_api.headers, **kwargs)
        assert r.status_code == 403, (op.method, path, r.status_code)
    opened = {(op.method, op.path) for op in OPERATIONS if op.enterprise}
    assert ("GET", "/submissions/{submission_id}") in opened


def test_api_opened_routes_never_reach_another_enterprise(world):
    own = world.ours_api.post("/submissions", json=submission_payload(world.ours["id"]))
    assert own.status_code == 201, own.json
    sid = own.json["id"]
    other = world.theirs_api
    assert other.get(f"/submissions/{sid}").status_code == 404
    assert upload(other, sid, "plan").status_code == 404
    assert other.post(f"/submissions/{sid}/submit").status_code == 404
    assert other.post(f"/submissions/{sid}/withdraw").status_code == 404
    assert other.post(f"/submissions/{sid}/accept").status_code == 404
    assert other.post(f"/submissions/{sid}/return", json={
        "reasons": [{"reason": "缺少签字"}], "resubmit_by": "2026-06-30"}).status_code == 404
    assert other.get("/submissions").json["items"] == []
    # Starting a submission for the other enterprise: its id is a 404 too.
    r = other.post("/submissions", json=submission_payload(world.ours["id"]))
    assert r.status_code == 404
    # The owner still sees it, unchanged.
    r = world.ours_api.get(f"/submissions/{sid}")
    assert r.status_code == 200 and r.json["status"] == "draft"
    assert [s["id"] for s in world.ours_api.get("/submissions").json["items"]] == [sid]


def test_officer_of_another_county_cannot_see_a_submission(world):
    sid = world.ours_api.post("/submissions", json=submission_payload(world.ours["id"])).json["id"]
    assert world.other_officer_api.get(f"/submissions/{sid}").status_code == 404
    assert world.other_officer_api.get("/submissions").json["items"] == []
    assert world.officer_api.get(f"/submissions/{sid}").status_code == 200


# The web fence --------------------------------------------------------------------------

def _login(client, accounts, username):
    r = accounts.login(client, username)
    assert r.status_code == 302, r.get_data(as_text=True)


@pytest.mark.parametrize("path", [
    "/enterprises", "/enterprises/{ours}", "/enterprises/{theirs}", "/plans", "/map",
    "/users", "/submissions", "/export/enterprises.csv", "/nonexistent",
    "/substances", "/substances/new", "/enterprises/{ours}/risk-inventory",  # issue #20
    "/grading-check",
])
def test_officer_pages_refuse_enterprise_users(client, accounts, world, path):
    _login(client, accounts, world.ours_user)
    r = client.get(path.format(ours=world.ours["id"], theirs=world.theirs["id"]))
    assert r.status_code == 403, (path, r.status_code)


def test_home_page_leads_an_enterprise_user_to_its_portal(client, accounts, world):
    _login(client, accounts, world.ours_user)
    r = client.get("/")
    assert r.status_code == 302 and r.headers["Location"].endswith("/portal/")
    r = client.get("/portal")  # typed without the slash: led there, not refused
    assert r.status_code == 308 and r.headers["Location"].endswith("/portal/")
    page = client.get("/portal/").get_data(as_text=True)
    assert world.ours["name"] in page and world.theirs["name"] not in page
    assert "/plans" not in page and "/map" not in page  # no officer navigation


def test_portal_pages_never_reach_another_enterprise(client, accounts, world):
    sid = world.ours_api.post("/submissions", json=submission_payload(world.ours["id"])).json["id"]
    assert upload(world.ours_api, sid, "plan").status_code == 201
    doc_id = world.ours_api.get(f"/submissions/{sid}").json["documents"]["plan"]["id"]
    _login(client, accounts, world.theirs_user)
    token = csrf_token(client, "/portal/")
    for path in (f"/portal/enterprises/{world.ours['id']}",
                 f"/portal/enterprises/{world.ours['id']}/submissions/new",
                 f"/portal/submissions/{sid}", f"/portal/submissions/{sid}/documents/{doc_id}"):
        assert client.get(path).status_code == 404, path
    for path in (f"/portal/submissions/{sid}/submit", f"/portal/submissions/{sid}/withdraw",
                 f"/portal/submissions/{sid}/documents"):
        assert client.post(path, data={"csrf_token": token}).status_code == 404, path
    r = client.post(f"/portal/enterprises/{world.ours['id']}/submissions/new",
                    data={"csrf_token": token, "title": "冒名预案", "signed_on": "2026-06-01",
                          "risk_level": "general"})
    assert r.status_code == 404
    assert world.ours_api.get(f"/submissions/{sid}").json["status"] == "draft"
    # Their own pages work.
    assert client.get(f"/portal/enterprises/{world.theirs['id']}").status_code == 200


def test_officers_do_not_use_the_portal(client, accounts, world):
    _uid, name = accounts.make("officer", ["411002"])
    _login(client, accounts, name)
    assert client.get("/portal/").status_code == 403
    assert client.get("/submissions").status_code == 200


def test_every_page_not_opened_refuses_enterprise_users(app, client, accounts, world):
    """Every GET page of the app outside the portal, log-in and health answers 403 to an
    enterprise user, whatever ids it is given (its own enterprise's id included)."""
    from registry.submissions.guard import OPEN_BLUEPRINTS, OPEN_ENDPOINTS

    _login(client, accounts, world.ours_user)
    checked = 0
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0]
        if ("GET" not in rule.methods or rule.endpoint in OPEN_ENDPOINTS | {"web.index"}
                or blueprint in OPEN_BLUEPRINTS):
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", str(world.ours["id"])).replace(
                f"<{arg}>", "x").replace(f"<path:{arg}>", "x")
        r = client.get(url)
        assert r.status_code == 403, (url, r.status_code)
        checked += 1
    assert checked > 20


def test_receipt_never_reaches_another_enterprise(client, accounts, world):
    """The 备案表 of an accepted submission: its own enterprise downloads it (API and portal);
    the other enterprise gets 404 on both, and the officers' route is fenced (403)."""
    sid = submitted(world)
    assert world.officer_api.post(f"/submissions/{sid}/accept").status_code == 200
    assert world.ours_api.get(f"/submissions/{sid}/receipt.pdf").status_code == 200
    assert world.theirs_api.get(f"/submissions/{sid}/receipt.pdf").status_code == 404
    _login(client, accounts, world.theirs_user)
    assert client.get(f"/portal/submissions/{sid}/receipt.pdf").status_code == 404
    assert client.get(f"/submissions/{sid}/receipt.pdf").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/portal/")})
    _login(client, accounts, world.ours_user)
    r = client.get(f"/portal/submissions/{sid}/receipt.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
