"""Security headers: a content security policy that allows only the app's own origin (the
map frame may be framed by our own pages only), no MIME sniffing, no framing, and secure,
HTTP-only session cookies in production."""
import pytest

from tests.conftest import enterprise_payload, plan_payload

OWN = {"'self'", "'none'", "'unsafe-inline'", "data:", "blob:"}


def _csp(response) -> dict[str, set[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no CSP on {response.request.path}"
    directives = {}
    for part in filter(None, (p.strip() for p in header.split(";"))):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def _assert_own_origin_only(response):
    csp = _csp(response)
    assert csp["default-src"] == {"'self'"}
    for name, sources in csp.items():
        assert sources <= OWN, f"{name} allows {sources - OWN} on {response.request.path}"
    assert csp["base-uri"] == {"'self'"} and csp["form-action"] == {"'self'"}
    assert "data:" not in csp.get("script-src", set())
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def logged_in(client, accounts, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    plan = admin_api.post("/plans", json=plan_payload(e["id"])).json
    _id, name = accounts.make("admin")
    accounts.login(client, name)
    return e, plan


def test_pages_allow_only_own_origin_and_deny_framing(client, logged_in):
    e, plan = logged_in
    for path in ("/", "/enterprises", f"/enterprises/{e['id']}", f"/plans/{plan['id']}", "/map",
                 "/map/checks", "/login", "/static/app.css", "/no-such-page"):
        r = client.get(path)
        _assert_own_origin_only(r)
        assert _csp(r)["frame-ancestors"] == {"'none'"}, path
        assert r.headers["X-Frame-Options"] == "DENY", path
        r.close()


def test_map_frame_may_be_framed_by_own_pages_only(client, logged_in):
    e, _plan = logged_in
    for path in ("/map/frame", f"/map/frame?enterprise_id={e['id']}"):
        r = client.get(path)
        assert r.status_code == 200
        _assert_own_origin_only(r)
        assert _csp(r)["frame-ancestors"] == {"'self'"}
        assert r.headers["X-Frame-Options"] == "SAMEORIGIN"
    page = client.get("/map").get_data(as_text=True)
    assert 'src="/map/frame' in page  # the page embeds the frame from its own origin


def test_api_answers_carry_the_headers(client, admin_api):
    for r in (admin_api.get("/enterprises"), client.get("/api/v1/enterprises"),
              client.get("/api/v1/openapi.json")):
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.mimetype == "application/json"


def test_session_cookie_secure_httponly_in_production(monkeypatch, database_url, tmp_path):
    import importlib

    import config

    monkeypatch.setenv("REGISTRY_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    importlib.reload(config)  # settings are read from the environment at import
    try:
        from registry import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url,
                          "UPLOAD_DIR": str(tmp_path / "u"), "GEODATA_DIR": str(tmp_path / "g")})
        assert app.config["SESSION_COOKIE_SECURE"] is True and not app.debug
        r = app.test_client().get("/login", base_url="https://registry.example")
        cookie = r.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        from registry.extensions import db

        with app.app_context():
            db.engine.dispose()
    finally:
        monkeypatch.undo()
        importlib.reload(config)


def test_production_refuses_to_start_without_a_secret(monkeypatch):
    import config

    monkeypatch.setenv("REGISTRY_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@127.0.0.1/x")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        config.config_from_env()
