"""The same flow through the pages: the enterprise user fills in, uploads and submits in
its portal; the county officer returns it from the queue; the enterprise reads the
notice, replaces the document and submits again; the officer accepts (Chinese pages)."""
import io
from datetime import date
import re

from tests.conftest import csrf_token
from tests.registry.submissions.conftest import KINDS, PDF, submitted


def _login(client, accounts, username):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/login")})
    assert accounts.login(client, username).status_code == 302


def test_enterprise_files_officer_returns_enterprise_fixes_officer_accepts(client, accounts,
                                                                           world):
    _login(client, accounts, world.ours_user)
    page = client.get("/portal/").get_data(as_text=True)
    assert "我的企业" in page and world.ours["name"] in page
    token = csrf_token(client, f"/portal/enterprises/{world.ours['id']}/submissions/new")
    r = client.post(f"/portal/enterprises/{world.ours['id']}/submissions/new",
                    data={"csrf_token": token, "kind": "new", "title": "",
                          "signed_on": "2026-06-01", "risk_level": "general"})
    assert r.status_code == 422  # the title is required, the form says so
    r = client.post(f"/portal/enterprises/{world.ours['id']}/submissions/new",
                    data={"csrf_token": token, "kind": "new",
                          "title": "突发环境事件应急预案（2026年版）",
                          "signed_on": "2026-06-01", "risk_level": "general"})
    assert r.status_code == 302
    url = r.headers["Location"]
    sid = int(re.search(r"/portal/submissions/(\d+)", url)[1])
    # Submitting early: the page lists what is missing.
    r = client.post(f"/portal/submissions/{sid}/submit", data={"csrf_token": token})
    assert r.status_code == 422 and "应急资源调查报告" in r.get_data(as_text=True)
    for kind in KINDS:
        r = client.post(f"/portal/submissions/{sid}/documents", data={
            "csrf_token": token, "kind": kind, "file": (io.BytesIO(PDF), f"{kind}.pdf")},
            content_type="multipart/form-data")
        assert r.status_code == 302, r.get_data(as_text=True)
    r = client.post(f"/portal/submissions/{sid}/submit", data={"csrf_token": token})
    assert r.status_code == 302
    assert "已提交" in client.get(f"/portal/submissions/{sid}").get_data(as_text=True)

    _uid, officer = accounts.make("officer", ["411002"])
    _login(client, accounts, officer)
    queue = client.get("/submissions").get_data(as_text=True)
    assert "受理台账" in queue and world.ours["name"] in queue and "2026-06-23" in queue
    token = csrf_token(client, f"/submissions/{sid}")
    r = client.post(f"/submissions/{sid}/return", data={
        "csrf_token": token, "reason_expert_review": "评审意见缺少专家签字",
        "reason_general": "请补充联系人电话", "resubmit_by": "2026-06-30"})
    assert r.status_code == 302

    _login(client, accounts, world.ours_user)
    page = client.get(f"/portal/submissions/{sid}").get_data(as_text=True)
    assert "评审意见缺少专家签字" in page and "请补充联系人电话" in page and "2026-06-30" in page
    token = csrf_token(client, f"/portal/submissions/{sid}")
    client.post(f"/portal/submissions/{sid}/documents", data={
        "csrf_token": token, "kind": "expert_review",
        "file": (io.BytesIO(PDF), "评审意见（签字版）.pdf")}, content_type="multipart/form-data")
    page = client.get(f"/portal/submissions/{sid}").get_data(as_text=True)
    assert "expert_review.pdf" in page and "评审意见（签字版）.pdf" in page  # history kept
    assert client.post(f"/portal/submissions/{sid}/submit",
                       data={"csrf_token": token}).status_code == 302

    _login(client, accounts, officer)
    token = csrf_token(client, f"/submissions/{sid}")
    r = client.post(f"/submissions/{sid}/accept", data={"csrf_token": token})
    assert r.status_code == 302
    page = client.get(f"/submissions/{sid}").get_data(as_text=True)
    assert "411002-2026-001-L" in page and "已备案" in page

    _login(client, accounts, world.ours_user)
    page = client.get(f"/portal/enterprises/{world.ours['id']}").get_data(as_text=True)
    assert "411002-2026-001-L" in page


def test_dashboard_counts_waiting_and_overdue_applications(app, client, accounts, world):
    submitted(world)
    late = submitted(world)
    with app.app_context():
        from registry.extensions import db
        from registry.models import Submission

        db.session.get(Submission, late).reply_due_on = date(2026, 6, 12)  # received earlier
        db.session.commit()
    _uid, officer = accounts.make("officer", ["411002"])
    _login(client, accounts, officer)
    page = client.get("/").get_data(as_text=True)
    panel = page[page.index('id="submissions-panel"'):].split('</div></div>')[0]
    assert re.findall(r'stat-number">(\d+)<', panel) == ["2", "1"]
    assert "待受理" in panel and "超期未办理" in panel
    _uid, other = accounts.make("officer", ["411003"])
    _login(client, accounts, other)
    panel = client.get("/").get_data(as_text=True)
    panel = panel[panel.index('id="submissions-panel"'):].split('</div></div>')[0]
    assert re.findall(r'stat-number">(\d+)<', panel) == ["0", "0"]


def test_portal_offers_the_current_plan_for_a_revision(client, accounts, world):
    sid = submitted(world)
    plan_id = world.officer_api.post(f"/submissions/{sid}/accept").json["plan_id"]
    _login(client, accounts, world.ours_user)
    url = f"/portal/enterprises/{world.ours['id']}/submissions/new"
    page = client.get(url).get_data(as_text=True)
    assert f'<option value="{plan_id}"' in page and "411002-2026-001-L" in page
    token = csrf_token(client, url)
    r = client.post(url, data={"csrf_token": token, "kind": "revision", "plan_id": str(plan_id),
                               "title": "突发环境事件应急预案（2026年修订版）",
                               "signed_on": "2026-06-10", "risk_level": "general",
                               "reason": "新增危险化学品储罐"})
    assert r.status_code == 302, r.get_data(as_text=True)
    new_id = int(re.search(r"/portal/submissions/(\d+)", r.headers["Location"])[1])
    sub = world.ours_api.get(f"/submissions/{new_id}").json
    assert sub["kind"] == "revision" and sub["plan_id"] == plan_id


def test_pages_offer_only_what_the_caller_may_do(client, accounts, world):
    """A viewer of the county sees a submitted application but no return or accept form;
    the county's officer sees both; the enterprise sees withdraw but no upload or submit."""
    from tests.registry.submissions.conftest import submitted

    sid = submitted(world)
    _id, viewer = accounts.make("viewer", ["411002"])
    accounts.login(client, viewer)
    page = client.get(f"/submissions/{sid}").get_data(as_text=True)
    assert client.get(f"/submissions/{sid}").status_code == 200
    assert f"/submissions/{sid}/accept" not in page and f"/submissions/{sid}/return" not in page
    _id, officer = accounts.make("officer", ["411002"])
    accounts.login(client, officer)
    page = client.get(f"/submissions/{sid}").get_data(as_text=True)
    assert f"/submissions/{sid}/accept" in page and f"/submissions/{sid}/return" in page
    accounts.login(client, world.ours_user)
    page = client.get(f"/portal/submissions/{sid}").get_data(as_text=True)
    assert f"/portal/submissions/{sid}/withdraw" in page
    assert f"/portal/submissions/{sid}/submit" not in page and 'name="file"' not in page


def test_the_portal_says_what_each_document_must_be_and_puts_each_reason_beside_it(
        client, accounts, world):
    sid = submitted(world)
    world.officer_api.post(f"/submissions/{sid}/return", json={
        "reasons": [{"document": "expert_review", "reason": "评审意见缺少评审专家签字"},
                    {"reason": "备案表未加盖单位公章"}], "resubmit_by": "2026-06-30"})
    _login(client, accounts, world.ours_user)
    page = client.get(f"/portal/submissions/{sid}").get_data(as_text=True)
    table = page[page.index('id="documents"'):]
    table = table[:table.index("</table>")]
    row = next(r for r in table.split("<tr")[1:] if "评审意见（须有评审专家签字）" in r)
    assert "table-warning" in row and "评审意见缺少评审专家签字" in row
    assert "加盖单位公章" in table  # the filing form's guidance
    assert "需补正内容" in table
    # The officer's view has no upload guidance (nothing to upload there).
    _login(client, accounts, accounts.make("officer", ["411002"])[1])
    officer_page = client.get(f"/submissions/{sid}").get_data(as_text=True)
    assert "评审意见（须有评审专家签字）" not in officer_page
    assert "评审意见缺少评审专家签字" in officer_page
