"""The public verification page: the code from an accepted submission shows the filing's
public facts (and nothing personal) to anybody; unknown codes are 404; rate-limited."""
import pytest

from registry.submissions import verify
from tests.registry.submissions.conftest import KINDS, submission_payload, submitted, upload


@pytest.fixture(autouse=True)
def _fresh_limits():
    verify._hits.clear()
    yield
    verify._hits.clear()


def test_anybody_verifies_an_accepted_filing(app, world):
    sid = submitted(world)
    out = world.officer_api.post(f"/submissions/{sid}/accept").json
    code = out["verify_code"]
    assert out["verify_url"].endswith(f"/verify/{code}")
    anon = app.test_client()
    grouped = " ".join(code[i:i + 4] for i in range(0, 32, 4))
    for shown in (code, code.upper(), grouped.replace(" ", "-")):
        r = anon.get(f"/verify/{shown}")
        assert r.status_code == 200, shown
    page = r.get_data(as_text=True)
    assert "411002-2026-001-L" in page and world.ours["name"] in page and grouped in page
    assert "现行有效" in page
    assert world.ours["contact_phone"] not in page and world.ours["contact_email"] not in page
    assert "王伟" not in page  # the contact's name is personal too
    # After a revision is accepted the first filing shows as superseded.
    sid2 = world.ours_api.post("/submissions", json=submission_payload(
        world.ours["id"], kind="revision", plan_id=out["plan_id"], signed_on="2026-06-10",
        reason="周边环境风险受体变化")).json["id"]
    for kind in KINDS:
        upload(world.ours_api, sid2, kind)
    world.ours_api.post(f"/submissions/{sid2}/submit")
    assert world.officer_api.post(f"/submissions/{sid2}/accept").status_code == 200
    page = anon.get(f"/verify/{code}").get_data(as_text=True)
    assert "已替代" in page and "现行有效" not in page


def test_unknown_codes_are_404_and_requests_are_limited(app):
    anon = app.test_client()
    assert anon.get("/verify/" + "0" * 32).status_code == 404
    assert anon.get("/verify/not-a-code").status_code == 404
    app.config["VERIFY_RATE_LIMIT_PER_MINUTE"] = 3
    assert anon.get("/verify/" + "1" * 32).status_code == 404
    assert anon.get("/verify/" + "2" * 32).status_code == 429
    other = app.test_client()
    r = other.get("/verify/" + "3" * 32, environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert r.status_code == 404  # another address has its own allowance


def test_public_list_of_filed_enterprises(app, admin_api, world):
    from tests.conftest import plan_payload

    assert admin_api.post("/plans", json=plan_payload(world.ours["id"])).status_code == 201
    assert admin_api.post("/plans", json=plan_payload(world.theirs["id"])).status_code == 201
    anon = app.test_client()
    page = anon.get("/public/filings").get_data(as_text=True)
    assert world.ours["name"] in page and world.theirs["name"] in page
    assert "411002-2026-001-L" in page and "411003-2026-001-L" in page
    assert world.ours["contact_phone"] not in page and world.ours["contact_email"] not in page
    page = anon.get("/public/filings?county=411003").get_data(as_text=True)
    assert world.theirs["name"] in page and world.ours["name"] not in page
    app.config["PUBLIC_FILINGS_LIST"] = False
    assert anon.get("/public/filings").status_code == 404
