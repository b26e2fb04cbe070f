"""Issue #17.3 and .12: a session ends for good at log-out; a fresh one at log-in."""
from tests.conftest import csrf_token


def _cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replay(app, cookie: str):
    """A second browser that has captured the cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def test_cookie_captured_before_logout_opens_nothing_after(client, accounts, app):
    _id, name = accounts.make("officer", ["411002"])
    accounts.login(client, name)
    captured = _cookie(client)
    assert _replay(app, captured).get("/enterprises").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    r = _replay(app, captured).get("/enterprises")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_logout_ends_every_session_of_the_user(client, accounts, app):
    _id, name = accounts.make("officer", ["411002"])
    other = app.test_client()
    accounts.login(client, name)
    accounts.login(other, name)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert other.get("/enterprises").status_code == 302
    accounts.login(other, name)  # logging in again works
    assert other.get("/enterprises").status_code == 200


def test_csrf_token_rotates_at_login(client, accounts):
    _id, name = accounts.make("officer", ["411002"])
    before = csrf_token(client, "/login")
    accounts.login(client, name)
    after = csrf_token(client, "/enterprises/new")
    assert after != before
    # the anonymous session's token no longer passes
    r = client.post("/logout", data={"csrf_token": before})
    assert r.status_code == 400


def test_logged_in_pages_and_api_answers_are_not_stored(client, accounts, admin_api):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    _id, name = accounts.make("officer", ["411002"])
    accounts.login(client, name)
    for path in ("/", "/enterprises", "/plans"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    static = client.get("/static/vendor/bootstrap/bootstrap.bundle.min.js")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()
    assert admin_api.get("/enterprises").headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/enterprises").headers["Cache-Control"] == "no-store"  # a 401 too
