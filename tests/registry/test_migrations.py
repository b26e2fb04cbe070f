"""Migrations build exactly the schema the models describe, on both databases."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


def test_models_match_migrations(app):
    from registry.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_upgrade_creates_database_with_default_jurisdiction(tmp_path):
    """`flask db upgrade` on an empty SQLite file: tables plus Xuchang's counties."""
    from flask_migrate import upgrade

    from registry import create_app
    from registry.extensions import db
    from registry.jurisdictions.service import list_counties

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'new.sqlite3'}"})
    with app.app_context():
        upgrade()
        codes = [c.code for c in list_counties(include_retired=True)]
        db.engine.dispose()
    assert codes == ["411002", "411003", "411023", "411024", "411025", "411081", "411082"]
