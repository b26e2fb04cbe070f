"""Enterprise accounts made where the county works (issue #19): an officer makes one from
the enterprise page and its owner sets the password through a one-time mailed link; an
enterprise asks for one on the public form and an officer of its county approves or
refuses it. Mail goes through a real SMTP server (aiosmtpd)."""
import re

import sqlalchemy as sa

from registry.extensions import db
from registry.models import AuditEntry, EnrolmentRequest, User
from tests.conftest import csrf_token, enterprise_payload

LINK = re.compile(r"http://[^/\s]+(/account/setup/[A-Za-z0-9_\-]+)")


def _officer(client, accounts, counties=("411002",)):
    _uid, name = accounts.make("officer", list(counties))
    accounts.login(client, name)
    return name


def _create(client, enterprise_id, **form):
    data = {"username": "xuchang_chem", "display_name": "张伟", "email": "zw@example.com"}
    data.update(form)
    data["csrf_token"] = csrf_token(client, f"/enterprises/{enterprise_id}")
    return client.post(f"/enterprises/{enterprise_id}/accounts", data=data)


def _link(smtp, address) -> str:
    (mail,) = smtp.to(address)[-1:]
    return LINK.search(mail.get_body(("plain",)).get_content()).group(1)


def _set_password(client, path, password="Qiye-mima-2026!", confirm=None):
    token = csrf_token(client, path)
    return client.post(path, data={"password": password, "confirm": confirm or password,
                                   "csrf_token": token})


def test_officer_makes_an_account_and_its_owner_sets_the_password(app, client, accounts,
                                                                  admin_api, smtp):
    ent = admin_api.post("/enterprises", json=enterprise_payload(1, "411002")).json
    _officer(client, accounts)
    page = client.get(f"/enterprises/{ent['id']}").get_data(as_text=True)
    assert "企业账号" in page and "创建并发送链接" in page
    r = _create(client, ent["id"])
    assert r.status_code == 303
    page = client.get(f"/enterprises/{ent['id']}").get_data(as_text=True)
    assert "xuchang_chem" in page and "等待设置密码" in page
    (mail,) = smtp.to("zw@example.com")
    body = mail.get_body(("plain",)).get_content()
    assert ent["name"] in body and "xuchang_chem" in body
    path = _link(smtp, "zw@example.com")
    # Nobody can log in before the link is used, not even with an empty password.
    assert accounts.login(client, "xuchang_chem", "").status_code == 401
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert "设置密码" in client.get(path).get_data(as_text=True)
    assert _set_password(client, path, confirm="something-else-2026").status_code == 422
    assert _set_password(client, path, password="short").status_code == 422
    assert _set_password(client, path).status_code == 302
    # Used once: the link is gone; the owner logs in and reaches the portal only.
    assert client.get(path).status_code == 404
    r = accounts.login(client, "xuchang_chem", "Qiye-mima-2026!")
    assert r.status_code == 302
    assert client.get("/portal/").status_code == 200
    assert client.get("/enterprises").status_code == 403
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "xuchang_chem"))
        assert user.role == "enterprise" and user.enterprise_ids == {ent["id"]}
        actions = set(db.session.scalars(sa.select(AuditEntry.action)
                                         .where(AuditEntry.entity_id == user.id,
                                                AuditEntry.entity_type == "user")))
        assert {"user.create", "user.password_set"} <= actions


def test_a_new_link_ends_the_old_one_and_links_expire(app, client, accounts, admin_api, smtp):
    ent = admin_api.post("/enterprises", json=enterprise_payload(1, "411002")).json
    _officer(client, accounts)
    _create(client, ent["id"])
    first = _link(smtp, "zw@example.com")
    with app.app_context():
        uid = db.session.scalar(sa.select(User.id).where(User.username == "xuchang_chem"))
    r = client.post(f"/enterprises/{ent['id']}/accounts/{uid}/link",
                    data={"csrf_token": csrf_token(client, f"/enterprises/{ent['id']}")})
    assert r.status_code == 303
    second = _link(smtp, "zw@example.com")
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    app.config["ACCOUNT_LINK_HOURS"] = 0
    client.post(f"/enterprises/{ent['id']}/accounts/{uid}/link",
                data={"csrf_token": csrf_token(client, f"/enterprises/{ent['id']}")})
    assert client.get(_link(smtp, "zw@example.com")).status_code == 404  # expired at once


def test_nothing_is_kept_when_the_mail_cannot_be_sent(app, client, accounts, admin_api, smtp):
    ent = admin_api.post("/enterprises", json=enterprise_payload(1, "411002")).json
    _officer(client, accounts)
    smtp.refuse.add("zw@example.com")
    r = _create(client, ent["id"])
    assert r.status_code == 303
    assert "未能发出" in client.get(f"/enterprises/{ent['id']}").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.username == "xuchang_chem")) is None


def test_bad_account_input_names_the_field(app, client, accounts, admin_api, smtp):
    ent = admin_api.post("/enterprises", json=enterprise_payload(1, "411002")).json
    _officer(client, accounts)
    _create(client, ent["id"], username="张 三", email="not-an-address")
    page = client.get(f"/enterprises/{ent['id']}").get_data(as_text=True)
    assert "用户名" in page and "电子邮箱" in page
    assert smtp.messages == []


def test_only_officers_of_the_county_make_accounts(app, client, accounts, admin_api, smtp):
    ent = admin_api.post("/enterprises", json=enterprise_payload(1, "411002")).json
    _officer(client, accounts, ["411003"])  # another county
    assert _create(client, ent["id"]).status_code in (403, 404)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    _uid, viewer = accounts.make("viewer", ["411002"])
    accounts.login(client, viewer)
    page = client.get(f"/enterprises/{ent['id']}").get_data(as_text=True)
    assert "创建并发送链接" not in page  # no write action offered to a viewer
    assert _create(client, ent["id"]).status_code == 403
    assert smtp.messages == []


def _request(client, **form):
    data = {"county_code": "411002", "enterprise_name": "许昌示例化工有限公司",
            "credit_code": enterprise_payload(1, "411002")["credit_code"],
            "contact_name": "李娜", "contact_phone": "13838383838", "email": "ln@example.com",
            "username": "shili_chem"}
    data.update(form)
    data["csrf_token"] = csrf_token(client, "/portal/register")
    return client.post("/portal/register", data=data)


def test_self_registration_approved_by_the_county_officer(app, client, accounts, admin_api,
                                                          smtp):
    ent = admin_api.post("/enterprises", json=enterprise_payload(1, "411002")).json
    assert "申请企业账号" in client.get("/login").get_data(as_text=True)
    r = _request(client)
    assert r.status_code == 200 and "申请已提交" in r.get_data(as_text=True)
    # Another county's officer neither sees nor decides it.
    _officer(client, accounts, ["411003"])
    assert "shili_chem" not in client.get("/submissions/enrolments").get_data(as_text=True)
    with app.app_context():
        rid = db.session.scalar(sa.select(EnrolmentRequest.id))
    r = client.post(f"/submissions/enrolments/{rid}/approve",
                    data={"csrf_token": csrf_token(client, "/submissions/enrolments")})
    assert r.status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    _officer(client, accounts, ["411002"])
    page = client.get("/submissions/enrolments").get_data(as_text=True)
    assert "shili_chem" in page and ent["name"] in page
    r = client.post(f"/submissions/enrolments/{rid}/approve",
                    data={"csrf_token": csrf_token(client, "/submissions/enrolments")})
    assert r.status_code == 303
    path = _link(smtp, "ln@example.com")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert _set_password(client, path).status_code == 302
    assert accounts.login(client, "shili_chem", "Qiye-mima-2026!").status_code == 302
    assert ent["name"] in client.get("/portal/").get_data(as_text=True)


def test_a_request_for_an_unregistered_enterprise_cannot_be_approved_and_is_refused(
        app, client, accounts, smtp):
    assert _request(client).status_code == 200  # same answer: the form tells nothing
    _officer(client, accounts, ["411002"])
    with app.app_context():
        rid = db.session.scalar(sa.select(EnrolmentRequest.id))
    assert "尚未登记" in client.get("/submissions/enrolments").get_data(as_text=True)
    token = csrf_token(client, "/submissions/enrolments")
    client.post(f"/submissions/enrolments/{rid}/approve", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(EnrolmentRequest, rid).status == "pending"
    r = client.post(f"/submissions/enrolments/{rid}/refuse", data={
        "csrf_token": token, "reason": "经电话核实，该单位不在本县"})
    assert r.status_code == 303
    (mail,) = smtp.to("ln@example.com")
    assert "经电话核实，该单位不在本县" in mail.get_body(("plain",)).get_content()
    with app.app_context():
        row = db.session.get(EnrolmentRequest, rid)
        assert row.status == "refused" and row.user_id is None


def test_the_public_form_names_bad_fields_and_is_throttled(app, client):
    r = _request(client, credit_code="91411002MA0000000X", email="x", contact_phone="12")
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert page.count("is-invalid") >= 3
    # A blank required field is named as required, not as "must be text".
    r = _request(client, contact_name="", username="")
    assert r.status_code == 422 and "此项为必填项" in r.get_data(as_text=True)
    assert "须为文本" not in r.get_data(as_text=True)
    app.config["ENROLMENT_MAX_PER_HOUR"] = 2
    codes = [_request(client, username=f"user{n}").status_code for n in range(3)]
    assert codes[:2] == [200, 200] and codes[2] == 429
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EnrolmentRequest)) == 2


def test_one_credit_code_cannot_fill_the_queue(app, client):
    app.config["ENROLMENT_MAX_PER_HOUR"] = 100
    for n in range(6):
        assert _request(client, username=f"user{n}").status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EnrolmentRequest)) == 3


def test_enterprise_users_cannot_manage_accounts_or_decide_requests(app, client, accounts,
                                                                    world, smtp):
    from tests.registry.submissions.test_enterprise_role import _login

    _login(client, accounts, world.ours_user)
    token = csrf_token(client, "/portal/")
    for path in (f"/enterprises/{world.ours['id']}/accounts",
                 "/submissions/enrolments/1/approve", "/submissions/enrolments/1/refuse"):
        r = client.post(path, data={"csrf_token": token, "username": "sneaky",
                                    "email": "s@example.com", "reason": "x"})
        assert r.status_code == 403, path
    assert client.get("/submissions/enrolments").status_code == 403
    # Their own password page is open to them (a reset password must be changed at once).
    assert client.get("/account/password").status_code == 200
    assert smtp.messages == []
