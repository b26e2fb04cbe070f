"""Security headers: a content security policy that allows only the app's own origin (the
map frame may be framed by our own pages only), no MIME sniffing, no framing, and secure,
HTTP-only session cookies in production."""
import re

import pytest

from tests.conftest import enterprise_payload, plan_payload

# The policy, exactly: nothing inline, nothing from elsewhere (issue #8 item 8).
STRICT = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# The map document: the same, plus this response's nonce for folium's inline set-up,
# and framing by our own pages.
FRAME = re.compile(
    r"default-src 'self'; script-src 'self' 'nonce-(?P<nonce>[A-Za-z0-9_-]{22})'; "
    r"style-src 'self' 'nonce-(?P=nonce)'; img-src 'self' data:(?P<tiles>[^;]*); object-src 'none'; "
    r"base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
INLINE = re.compile(r"<(script|style)\b([^>]*)>")


def _assert_strict(response):
    assert response.headers.get("Content-Security-Policy") == STRICT, response.request.path
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def _frame_policy(response) -> re.Match:
    """The map frame's policy, checked against its document: every inline script and
    style element carries the policy's nonce, and no element has a style attribute."""
    policy = FRAME.fullmatch(response.headers["Content-Security-Policy"])
    assert policy, response.headers["Content-Security-Policy"]
    html = response.get_data(as_text=True)
    # Our own script (risk_map.js) mentions tags in its comments and strings: look at
    # the markup around it only.
    start = html.index("/* Risk map behaviour")
    markup = html[:start] + html[html.index("</script>", start):]
    inline = [(tag, attrs) for tag, attrs in INLINE.findall(markup)
              if not re.search(r"\ssrc=|\stype=\"application/json\"", attrs)]
    assert len(inline) >= 4  # folium's styles and set-up, our CSS and JS, the start call
    assert all(f' nonce="{policy["nonce"]}"' in attrs for _tag, attrs in inline), inline
    assert " style=" not in markup
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return policy


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
                 "/map/checks", "/login", "/static/app.css", "/no-such-page",
                 "/map/frame?enterprise_id=999999"):  # a refused frame is an ordinary page
        r = client.get(path)
        _assert_strict(r)
        assert r.headers["X-Frame-Options"] == "DENY", path
        r.close()


def test_map_frame_may_be_framed_by_own_pages_only(client, logged_in):
    e, _plan = logged_in
    nonces = set()
    for path in ("/map/frame", f"/map/frame?enterprise_id={e['id']}",
                 f"/map/frame?enterprise_id={e['id']}&trace=1", "/map/frame"):
        r = client.get(path)
        assert r.status_code == 200
        policy = _frame_policy(r)
        assert policy["tiles"] == ""  # no tile server configured: images from us only
        assert r.headers["X-Frame-Options"] == "SAMEORIGIN"
        nonces.add(policy["nonce"])
    assert len(nonces) == 4  # a fresh nonce for every response, even of the same page
    page = client.get("/map").get_data(as_text=True)
    assert 'src="/map/frame' in page  # the page embeds the frame from its own origin


def test_map_frame_allows_the_configured_tile_server_only(app, accounts, tmp_path):
    from registry import create_app
    from registry.extensions import db

    tiled = create_app({**app.config, "MAP_TILES_URL": "https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&z={z}"})
    client = tiled.test_client()
    accounts.make("admin", username="boss")
    accounts.login(client, "boss")
    r = client.get("/map/frame")
    assert _frame_policy(r)["tiles"] == (" https://webrd0a.is.autonavi.com https://webrd0b.is.autonavi.com"
                                         " https://webrd0c.is.autonavi.com")
    assert "https://webrd0{s}.is.autonavi.com" in r.get_data(as_text=True)
    assert client.get("/map").headers["Content-Security-Policy"] == STRICT  # pages: no tiles
    with tiled.app_context():
        db.engine.dispose()


def test_a_tile_setting_without_clear_origins_refuses_to_start(database_url, tmp_path):
    from registry import create_app
    from registry.web.headers import tile_origins

    base = {"SQLALCHEMY_DATABASE_URI": database_url, "UPLOAD_DIR": str(tmp_path / "u"),
            "GEODATA_DIR": str(tmp_path / "g")}
    assert create_app(base).extensions["csp_tile_origins"] == ()
    assert tile_origins("http://tiles.intranet:8080/{z}/{x}/{y}.png") == ("http://tiles.intranet:8080",)
    for bad in ("//tiles.example/{z}/{x}/{y}.png", "ftp://tiles.example/{z}.png",
                "https://{z}.tiles.example/x.png", "https://user@tiles.example/x.png",
                "https://tiles.example;script-src */x.png", "https://tiles.example' 'unsafe-inline/x.png"):
        with pytest.raises(ValueError, match="MAP_TILES_URL"):
            create_app({**base, "MAP_TILES_URL": bad})


def test_api_answers_carry_the_headers(client, admin_api):
    for r in (admin_api.get("/enterprises"), client.get("/api/v1/enterprises"),
              client.get("/api/v1/openapi.json")):
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.mimetype == "application/json"


def test_session_cookie_secure_httponly_in_production(monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("REGISTRY_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    try:  # the environment is read when the app is built: no module reload
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


def test_production_refuses_to_start_without_a_secret(monkeypatch):
    import config

    monkeypatch.setenv("REGISTRY_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@127.0.0.1/x")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        config.config_from_env()
