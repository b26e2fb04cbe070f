"""Password hashes: production uses werkzeug's full scrypt cost, the suite a lower one
(TestConfig, for speed); a user hashed at either cost logs in."""
from config import Config, ProdConfig, TestConfig
from tests.conftest import csrf_token


def test_production_hashes_with_werkzeugs_default_scrypt_cost():
    assert Config.PASSWORD_HASH_METHOD == ProdConfig.PASSWORD_HASH_METHOD == "scrypt"
    assert TestConfig.PASSWORD_HASH_METHOD.startswith("scrypt:")


def test_new_users_are_hashed_with_the_configured_method(app, client, accounts):
    import sqlalchemy as sa

    from registry.extensions import db
    from registry.models import User

    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    _id, strong = accounts.make("viewer", ["411081"])
    app.config["PASSWORD_HASH_METHOD"] = "scrypt:1024:8:1"
    _id, cheap = accounts.make("viewer", ["411081"])
    with app.app_context():
        hashes = dict(db.session.execute(sa.select(User.username, User.password_hash)).all())
    assert hashes[strong].startswith("scrypt:32768:8:1$")
    assert hashes[cheap].startswith("scrypt:1024:8:1$")
    for name in (strong, cheap):
        assert accounts.login(client, name).status_code == 302
        assert client.get("/").status_code == 200
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
        assert client.get("/").status_code == 302
