"""Logging in, throttling, CSRF, language choice."""
from tests.conftest import csrf_token


def test_pages_require_login(client):
    for path in ("/", "/enterprises", "/plans", "/enterprises/new", "/jurisdictions"):
        r = client.get(path)
        assert r.status_code == 302 and "/login" in r.headers["Location"], path


def test_login_and_logout(client, accounts):
    _id, name = accounts.make("officer", ["411002"])
    r = accounts.login(client, name)
    assert r.status_code == 302 and r.headers["Location"].endswith("/")
    assert client.get("/").status_code == 200
    r = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert r.status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_message_in_chinese(client, accounts):
    _id, name = accounts.make("viewer", ["411002"])
    r = accounts.login(client, name, "wrong-password-x")
    assert r.status_code == 401
    assert "用户名或密码错误" in r.get_data(as_text=True)


def test_login_throttled_after_repeated_failures(client, accounts, app):
    _id, name = accounts.make("viewer", ["411002"])
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert accounts.login(client, name, "wrong-password-x").status_code == 401
    r = accounts.login(client, name)  # right password, still locked
    assert r.status_code == 429
    assert 0 < int(r.headers["Retry-After"]) <= app.config["LOGIN_LOCKOUT_MINUTES"] * 60
    assert "登录失败次数过多" in r.get_data(as_text=True)


def test_open_redirect_refused(client, accounts):
    _id, name = accounts.make("admin")
    token = csrf_token(client, "/login")
    r = client.post("/login?next=//evil.example/x", data={"username": name, "password": accounts.password,
                                                         "csrf_token": token})
    assert r.headers["Location"] == "/"


def test_forms_require_csrf(client, accounts):
    _id, name = accounts.make("admin")
    accounts.login(client, name)
    r = client.post("/enterprises/new", data={"name": "x"})
    assert r.status_code == 400


def test_language_switch_is_remembered(client, accounts):
    _id, name = accounts.make("admin")
    accounts.login(client, name)
    assert "企业" in client.get("/enterprises").get_data(as_text=True)
    client.post("/lang/en", data={"csrf_token": csrf_token(client, "/"), "next": "/enterprises"})
    page = client.get("/enterprises").get_data(as_text=True)
    assert "Register an enterprise" in page
    # remembered on the account: a new session starts in English
    fresh = client.application.test_client()
    accounts.login(fresh, name)
    assert "Register an enterprise" in fresh.get("/enterprises").get_data(as_text=True)


def test_only_admin_manages_users(client, accounts):
    _id, officer = accounts.make("officer", ["411002"])
    accounts.login(client, officer)
    assert client.get("/users").status_code == 403
    admin_client = client.application.test_client()
    _id, admin = accounts.make("admin")
    accounts.login(admin_client, admin)
    token = csrf_token(admin_client, "/users")
    r = admin_client.post("/users", data={"username": "yanling", "role": "officer",
                                          "password": "long-enough-pw", "county": ["411024"],
                                          "csrf_token": token})
    assert r.status_code == 302
    r = admin_client.post("/users", data={"username": "x2", "role": "officer", "password": "short",
                                          "csrf_token": token})
    assert r.status_code == 422
    assert "至少" in r.get_data(as_text=True)


def test_security_headers(client):
    r = client.get("/login")
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
