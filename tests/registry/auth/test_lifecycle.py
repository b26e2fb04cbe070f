"""Issue #17.4: accounts have a lifecycle — deactivate and reactivate, reset and change
passwords, tokens named, expiring, last used and revoked; web and CLI; audited."""
import sqlalchemy as sa

from tests.conftest import csrf_token


def _audit(app, action):
    from registry.extensions import db
    from registry.models import AuditEntry

    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def test_cli_deactivate_user_ends_sessions_and_tokens_at_once(app, client, runner, accounts):
    _id, name = accounts.make("officer", ["411002"], username="zhao_lei")
    api = accounts.token(name)
    accounts.login(client, name)
    headers = {"Authorization": f"Bearer {api}"}
    assert client.get("/api/v1/enterprises", headers=headers).status_code == 200
    result = runner.invoke(args=["deactivate-user", name])
    assert result.exit_code == 0, result.output
    assert client.get("/enterprises").status_code == 302
    assert client.get("/api/v1/enterprises", headers=headers).status_code == 401
    assert accounts.login(app.test_client(), name).status_code == 401
    (entry,) = _audit(app, "user.deactivate")
    assert entry.after == {"active": False, "tokens_revoked": 1} and entry.actor_name == "cli"
    assert runner.invoke(args=["activate-user", name]).exit_code == 0
    assert accounts.login(app.test_client(), name).status_code == 302
    assert client.get("/api/v1/enterprises", headers=headers).status_code == 401  # stays revoked
    assert runner.invoke(args=["deactivate-user", "nobody_here"]).exit_code != 0


def test_cli_reset_password_forces_a_change_at_next_login(app, client, runner, accounts):
    _id, name = accounts.make("viewer", ["411002"], username="sun_li")
    old = app.test_client()
    accounts.login(old, name)
    result = runner.invoke(args=["reset-password", name])
    assert result.exit_code == 0, result.output
    temporary = result.output.strip().splitlines()[-1]
    assert old.get("/enterprises").status_code == 302  # the old session ended
    assert accounts.login(client, name).status_code == 401  # the old password is gone
    r = accounts.login(client, name, temporary)
    assert r.status_code == 302 and r.headers["Location"].endswith("/account/password")
    r = client.get("/enterprises")
    assert r.status_code == 302 and r.headers["Location"].endswith("/account/password")
    token = csrf_token(client, "/account/password")
    r = client.post("/account/password", data={"current_password": temporary,
                                               "new_password": "password123",
                                               "csrf_token": token})
    assert r.status_code == 422 and "常见密码" in r.get_data(as_text=True)
    r = client.post("/account/password", data={"current_password": temporary,
                                               "new_password": "颍河水清-2026-许昌",
                                               "csrf_token": token})
    assert r.status_code == 302
    assert client.get("/enterprises").status_code == 200  # this session goes on
    assert accounts.login(app.test_client(), name, "颍河水清-2026-许昌").status_code == 302
    assert len(_audit(app, "user.reset_password")) == 1
    assert len(_audit(app, "user.change_password")) == 1


def test_changing_own_password_ends_the_other_sessions(app, client, accounts):
    _id, name = accounts.make("officer", ["411002"])
    other = app.test_client()
    accounts.login(client, name)
    accounts.login(other, name)
    token = csrf_token(client, "/account/password")
    r = client.post("/account/password", data={"current_password": "wrong-one-here",
                                               "new_password": "颍河水清-2026-许昌",
                                               "csrf_token": token})
    assert r.status_code == 422 and "当前密码不正确" in r.get_data(as_text=True)
    r = client.post("/account/password", data={"current_password": accounts.password,
                                               "new_password": "颍河水清-2026-许昌",
                                               "csrf_token": token})
    assert r.status_code == 302
    assert client.get("/enterprises").status_code == 200
    assert other.get("/enterprises").status_code == 302


def test_password_policy(app, accounts):
    from registry.auth.service import password_problems

    with app.app_context():
        assert password_problems("short") and password_problems("Password123")
        assert password_problems("1qaz2wsx3edc") and password_problems("wang_wei-secret", "wang_wei")
        assert password_problems("颍河水清-2026-许昌", "sun_li") == []


def test_admin_page_deactivates_resets_and_revokes(app, client, accounts):
    _id, admin = accounts.make("admin")
    officer_id, officer = accounts.make("officer", ["411002"], username="qian_jun")
    api = accounts.token(officer)
    accounts.login(client, admin)
    page = client.get("/users").get_data(as_text=True)
    assert '<option value="viewer" selected>' in page  # least privilege first
    token = csrf_token(client, "/users")
    r = client.post(f"/users/{officer_id}/reset-password", data={"csrf_token": token})
    assert r.status_code == 302
    assert "临时密码" in client.get("/users").get_data(as_text=True)
    r = client.post(f"/users/{officer_id}/deactivate", data={"csrf_token": token})
    assert r.status_code == 302
    assert client.get("/api/v1/enterprises",
                      headers={"Authorization": f"Bearer {api}"}).status_code == 401
    r = client.post(f"/users/{officer_id}/activate", data={"csrf_token": token})
    assert r.status_code == 302
    second = accounts.token(officer)
    tokens_page = client.get("/users/tokens").get_data(as_text=True)
    assert "已吊销" in tokens_page and "有效" in tokens_page
    from registry.extensions import db
    from registry.models import ApiToken

    with app.app_context():
        newest = db.session.scalar(sa.select(sa.func.max(ApiToken.id)))
    r = client.post("/users/tokens", data={"token_id": str(newest), "csrf_token": token})
    assert r.status_code == 302
    assert client.get("/api/v1/enterprises",
                      headers={"Authorization": f"Bearer {second}"}).status_code == 401
    assert client.post("/users/2147483648/deactivate", data={"csrf_token": token}).status_code == 404


def test_officer_cannot_use_the_admin_actions(app, client, accounts):
    _id, officer = accounts.make("officer", ["411002"])
    other_id, _other = accounts.make("viewer", ["411002"])
    accounts.login(client, officer)
    token = csrf_token(client, "/")
    for action in ("deactivate", "reset-password", "activate"):
        assert client.post(f"/users/{other_id}/{action}", data={"csrf_token": token}).status_code == 403
    assert client.get("/users/tokens").status_code == 403


def test_tokens_named_expiring_last_used_listed_and_revoked(app, runner, client, accounts):
    from datetime import timedelta

    from registry.extensions import db
    from registry.models import ApiToken
    from registry.models.base import utcnow

    _id, name = accounts.make("officer", ["411002"], username="zhou_min")
    result = runner.invoke(args=["create-token", name, "--name", "省厅数据对接", "--expires-days", "30"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    r = client.get("/api/v1/enterprises", headers=headers)
    assert r.status_code == 200
    r.close()  # as the WSGI server does: the last use is written then
    with app.app_context():
        row = db.session.scalar(sa.select(ApiToken))
        assert row.name == "省厅数据对接" and row.last_used_at is not None
        assert timedelta(days=29) < row.expires_at - utcnow() <= timedelta(days=30)
        row.expires_at = utcnow() - timedelta(minutes=1)  # the 30 days have passed
        db.session.commit()
        token_id = row.id
    assert client.get("/api/v1/enterprises", headers=headers).status_code == 401
    listing = runner.invoke(args=["list-tokens"]).output
    assert f"{token_id}\t{name}\t省厅数据对接" in listing and "expired" in listing
    fresh = accounts.token(name)
    assert runner.invoke(args=["revoke-token", name]).output.strip() == "revoked 2 token(s)"
    assert client.get("/api/v1/enterprises",
                      headers={"Authorization": f"Bearer {fresh}"}).status_code == 401
    assert runner.invoke(args=["revoke-token", "999999"]).exit_code != 0
    assert len(_audit(app, "token.revoke")) == 1


def test_admin_edits_role_and_counties_and_the_old_session_ends(app, client, accounts):
    _id, admin = accounts.make("admin")
    user_id, officer = accounts.make("officer", ["411002"], username="wu_hao")
    theirs = app.test_client()
    accounts.login(theirs, officer)
    accounts.login(client, admin)
    page = client.get(f"/users/{user_id}/edit").get_data(as_text=True)
    assert '<option value="officer" selected>' in page and 'id="c-411002" checked' in page
    token = csrf_token(client, f"/users/{user_id}/edit")
    r = client.post(f"/users/{user_id}/edit", data={"role": "viewer", "csrf_token": token})
    assert r.status_code == 422 and "至少" in r.get_data(as_text=True)  # a viewer needs a county
    r = client.post(f"/users/{user_id}/edit", data={"role": "viewer", "county": ["411024"],
                                                    "csrf_token": token})
    assert r.status_code == 302
    assert theirs.get("/enterprises").status_code == 302  # the officer's session ended
    (entry,) = _audit(app, "user.update")
    assert entry.before == {"role": "officer", "counties": ["411002"]}
    assert entry.after == {"role": "viewer", "counties": ["411024"]}


def test_admin_issues_a_named_expiring_token_on_the_page(app, client, accounts):
    import re

    _id, admin = accounts.make("admin")
    _id, officer = accounts.make("officer", ["411002"], username="he_jing")
    accounts.login(client, admin)
    token = csrf_token(client, "/users/tokens")
    r = client.post("/users/tokens", data={"action": "create", "username": officer,
                                           "name": "县局对接", "expires_days": "abc",
                                           "csrf_token": token})
    assert r.status_code == 422 and "1至3650天" in r.get_data(as_text=True)
    r = client.post("/users/tokens", data={"action": "create", "username": officer,
                                           "name": "县局对接", "expires_days": "7",
                                           "csrf_token": token})
    assert r.status_code == 200
    issued = re.search(r'<code class="user-select-all">([^<]+)</code>', r.get_data(as_text=True))
    assert issued
    api = app.test_client()
    assert api.get("/api/v1/enterprises",
                   headers={"Authorization": f"Bearer {issued.group(1)}"}).status_code == 200
    assert "县局对接" in client.get("/users/tokens").get_data(as_text=True)
    (entry,) = _audit(app, "token.create")
    assert entry.actor_name == admin and entry.after["name"] == "县局对接"
