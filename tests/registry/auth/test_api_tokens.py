"""API tokens: who a bearer token stands for, and when it stops standing for anyone."""
import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.models import ApiToken, AuditEntry, User
from registry.models.accounts import user_counties
from tests.conftest import Api, enterprise_payload


def test_token_acts_as_its_user_in_their_counties(app, client, accounts, admin_api):
    for n, county in enumerate(("411081", "411082", "411025"), start=1):
        assert admin_api.post("/enterprises", json=enterprise_payload(n, county=county)).status_code == 201
    _id, name = accounts.make("officer", ["411081", "411082"])
    officer = Api(client, accounts.token(name))
    listed = officer.get("/enterprises").json
    assert sorted(i["county_code"] for i in listed["items"]) == ["411081", "411082"]
    assert listed["total"] == 2
    created = officer.post("/enterprises", json=enterprise_payload(4, county="411082"))
    assert created.status_code == 201
    assert officer.post("/enterprises", json=enterprise_payload(5, county="411025")).status_code == 403
    with app.app_context():  # the audit trail names the token's user
        entry = db.session.scalar(sa.select(AuditEntry).where(
            AuditEntry.entity_type == "enterprise", AuditEntry.entity_id == created.json["id"]))
        assert (entry.actor_id, entry.actor_name) == (_id, name)


def test_officer_left_without_counties_sees_nothing(app, client, accounts, admin_api):
    """An officer needs a county to be created; should the assignment rows go, the
    token reads an empty jurisdiction, never every county."""
    assert admin_api.post("/enterprises", json=enterprise_payload(1)).status_code == 201
    _id, name = accounts.make("officer", ["411002"])
    nobody = Api(client, accounts.token(name))
    assert nobody.get("/enterprises").json["total"] == 1
    with app.app_context():
        db.session.execute(sa.delete(user_counties).where(user_counties.c.user_id == _id))
        db.session.commit()
    assert nobody.get("/enterprises").json == {"items": [], "total": 0, "page": 1, "per_page": 20}


@pytest.mark.parametrize("change", ["revoke the token", "deactivate the user"])
def test_token_stops_working_at_once(app, client, accounts, change):
    _id, name = accounts.make("admin")
    api = Api(client, accounts.token(name))
    assert api.get("/enterprises").status_code == 200
    with app.app_context():
        if change == "revoke the token":
            db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == _id).values(revoked=True))
        else:
            db.session.execute(sa.update(User).where(User.id == _id).values(active=False))
        db.session.commit()
    r = api.get("/enterprises")
    assert r.status_code == 401 and r.json["error"]["code"] == "unauthorized"
