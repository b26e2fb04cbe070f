"""flask backup / restore: a round trip brings back the database and the uploaded files
exactly; a bundle that does not fit is refused with nothing changed."""
import io
import json
import tarfile

import pytest

from tests.conftest import csrf_token, enterprise_payload, plan_payload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def filed(app, client, accounts, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    plan = admin_api.post("/plans", json=plan_payload(e["id"], documents=[])).json
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    token = csrf_token(client, f"/plans/{plan['id']}")
    r = client.post(f"/plans/{plan['id']}/documents/plan",
                    data={"csrf_token": token, "file": (io.BytesIO(PDF), "应急预案.pdf")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    return e, plan


def _kind(app):
    return "sqlite" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else "postgresql"


def _state(admin_api):
    return (admin_api.get("/enterprises").json, admin_api.get("/plans").json,
            admin_api.get("/stats").json)


def test_round_trip(app, runner, client, admin_api, filed, tmp_path):
    e, plan = filed
    before = _state(admin_api)
    bundle = tmp_path / "backups" / "registry-2026-06-15.tar"

    result = runner.invoke(args=["backup", str(bundle)])
    assert result.exit_code == 0, result.output
    assert "1 enterprises, 1 plans" in result.output and "uploads 1" in result.output
    with tarfile.open(bundle) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["database"] == _kind(app)
    assert manifest["revision"] and manifest["counts"]["enterprises"] == 1

    # Life goes on after the backup: a new enterprise, a changed one, a lost upload.
    admin_api.post("/enterprises", json=enterprise_payload(2, county="411025"))
    admin_api.patch(f"/enterprises/{e['id']}", json={"name": "改名后的化工有限公司"})
    for file in (tmp_path / "uploads").rglob("*.pdf"):
        file.unlink()
    assert _state(admin_api) != before

    result = runner.invoke(args=["restore", "--yes", str(bundle)])
    assert result.exit_code == 0, result.output
    assert _state(admin_api) == before
    r = client.get(f"/plans/{plan['id']}/documents/plan")
    assert r.status_code == 200 and r.data == PDF
    r.close()
    # The restored database still works for writes (sequences, serials restored too).
    r = admin_api.post("/enterprises", json=enterprise_payload(3, county="411025"))
    assert r.status_code == 201 and r.json["id"] > e["id"]
    r = admin_api.post("/plans", json=plan_payload(r.json["id"]))
    assert r.status_code == 201


def test_restore_asks_for_confirmation(runner, admin_api, tmp_path):
    admin_api.post("/enterprises", json=enterprise_payload(1))
    bundle = tmp_path / "b.tar"
    assert runner.invoke(args=["backup", str(bundle)]).exit_code == 0
    admin_api.post("/enterprises", json=enterprise_payload(2))
    result = runner.invoke(args=["restore", str(bundle)], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert admin_api.get("/enterprises").json["total"] == 2


def test_not_a_bundle_refused(runner, admin_api, tmp_path):
    admin_api.post("/enterprises", json=enterprise_payload(1))
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar file at all")
    result = runner.invoke(args=["restore", "--yes", str(junk)])
    assert result.exit_code == 1 and "not a registry backup bundle" in result.output
    assert admin_api.get("/enterprises").json["total"] == 1


def _rewrite(bundle, out, change):
    with tarfile.open(bundle) as src, tarfile.open(out, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else None
            member, data = change(member, data)
            if member is not None:
                dst.addfile(member, io.BytesIO(data) if data is not None else None)
        extra = change(None, None)
        if extra[0] is not None:
            dst.addfile(extra[0], io.BytesIO(extra[1]))


def test_bundle_with_path_traversal_refused(app, runner, admin_api, tmp_path):
    admin_api.post("/enterprises", json=enterprise_payload(1))
    bundle, evil = tmp_path / "b.tar", tmp_path / "evil.tar"
    assert runner.invoke(args=["backup", str(bundle)]).exit_code == 0

    def add_traversal(member, data):
        if member is None:
            info = tarfile.TarInfo("files/uploads/../../../escaped.txt")
            info.size = 3
            return info, b"pwn"
        return member, data

    _rewrite(bundle, evil, add_traversal)
    admin_api.post("/enterprises", json=enterprise_payload(2))
    result = runner.invoke(args=["restore", "--yes", str(evil)])
    assert result.exit_code == 1 and "points outside" in result.output
    assert not any(p.name == "escaped.txt" for p in tmp_path.parent.rglob("escaped.txt"))
    assert admin_api.get("/enterprises").json["total"] == 2


def test_bundle_of_the_other_database_refused(app, runner, admin_api, tmp_path):
    admin_api.post("/enterprises", json=enterprise_payload(1))
    bundle, other = tmp_path / "b.tar", tmp_path / "other.tar"
    assert runner.invoke(args=["backup", str(bundle)]).exit_code == 0
    kind = _kind(app)
    flipped = "postgresql" if kind == "sqlite" else "sqlite"

    def flip(member, data):
        if member is not None and member.name == "manifest.json":
            manifest = json.loads(data)
            manifest["database"] = flipped
            data = json.dumps(manifest).encode()
            member.size = len(data)
        return member, data

    _rewrite(bundle, other, flip)
    result = runner.invoke(args=["restore", "--yes", str(other)])
    assert result.exit_code == 1 and f"holds a {flipped} database" in result.output
    assert "nothing was changed" in result.output


def test_restore_gives_the_data_a_new_token(app, runner, admin_api, tmp_path):
    """Answers a worker keeps by data token (registry/data_version.py) may hold rows newer
    than their token; the restored token must not be one a worker may still have."""
    from registry import data_version

    admin_api.post("/enterprises", json=enterprise_payload(1))
    with app.app_context():
        in_bundle = data_version.current()
    bundle = tmp_path / "b.tar"
    assert runner.invoke(args=["backup", str(bundle)]).exit_code == 0
    assert runner.invoke(args=["restore", "--yes", str(bundle)]).exit_code == 0
    with app.app_context():
        restored = data_version.current()
    assert restored is not None and restored != in_bundle
    assert admin_api.get("/enterprises").json["total"] == 1


def test_bundle_of_another_schema_revision(app, runner, admin_api, tmp_path):
    """PostgreSQL: refused with nothing changed (pg_restore --clean would leave the later
    schema's objects behind); the message says how to restore it. SQLite: the file is
    replaced whole, so it restores, at the bundle's revision."""
    import sqlalchemy as sa

    from registry.extensions import db

    admin_api.post("/enterprises", json=enterprise_payload(1))
    bundle = tmp_path / "b.tar"
    assert runner.invoke(args=["backup", str(bundle)]).exit_code == 0
    with app.app_context():
        head = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = '9999_later'"))
        db.session.commit()
    try:
        admin_api.post("/enterprises", json=enterprise_payload(2))
        result = runner.invoke(args=["restore", "--yes", str(bundle)])
        with app.app_context():
            revision = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        if _kind(app) == "postgresql":
            assert result.exit_code == 1
            assert f"schema revision {head}, this database at 9999_later" in result.output
            assert "db upgrade" in result.output and "nothing was changed" in result.output
            assert revision == "9999_later" and admin_api.get("/enterprises").json["total"] == 2
        else:
            assert result.exit_code == 0, result.output
            assert revision == head and admin_api.get("/enterprises").json["total"] == 1
    finally:
        with app.app_context():
            db.session.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": head})
            db.session.commit()


def test_manifest_counts_are_the_dumps_own_while_writes_go_on(app, runner, admin_api, tmp_path):
    """#17.11: the row counts in the manifest describe the dump, not the database a moment
    later — taken in the same snapshot (PostgreSQL) or from the copied file (SQLite), while
    another connection keeps writing."""
    import threading
    from datetime import datetime

    import sqlalchemy as sa

    from registry.extensions import db
    from registry.models import AuditEntry

    admin_api.post("/enterprises", json=enterprise_payload(1, county="411081"))
    with app.app_context():
        engine = db.engine
    stop, written = threading.Event(), []

    def writer():
        while not stop.is_set():
            try:
                with engine.begin() as conn:
                    conn.execute(sa.insert(AuditEntry.__table__).values(
                        at=datetime(2026, 6, 15), actor_name="writer", action="test.write",
                        entity_type="test", entity_id=len(written)))
                written.append(1)
            except sa.exc.OperationalError:
                pass  # SQLite busy while the file is copied: try again

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        bundle = tmp_path / "b.tar"
        result = runner.invoke(args=["backup", str(bundle)])
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    with tarfile.open(bundle) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert written, "the writer never wrote: the test proves nothing"
    assert runner.invoke(args=["restore", "--yes", str(bundle)]).exit_code == 0
    with app.app_context():
        restored = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    assert manifest["counts"]["audit_entries"] == restored
