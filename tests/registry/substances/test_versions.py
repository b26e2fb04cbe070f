"""Risk inventories versioned with the plans (issue #20): every save is kept, and a
superseded plan version is checked against the inventory as it stood when it was
superseded, not against today's."""
from __future__ import annotations

from tests.conftest import plan_payload
from tests.registry.substances.conftest import put
from tests.registry.substances.test_api import NEAR_INTAKE, _body, _enterprise

SMALL = {"substances": [], "air": {}, "water": {}}  # nothing held: 一般


def test_every_save_is_a_version_with_the_substances_named(admin_api, substances, accounts,
                                                           client):
    e = _enterprise(admin_api, 1, NEAR_INTAKE)
    path = f"/enterprises/{e['id']}/risk-inventory"
    assert put(admin_api, path, _body(substances)).status_code == 200
    assert put(admin_api, path, SMALL).status_code == 200
    r = admin_api.get(path + "/versions")
    assert r.status_code == 200
    items = r.json["items"]
    assert [i["level"] for i in items] == ["general", "serious"]  # newest first
    assert items[1]["notation"] == "重大[较大-大气(Q1-M2-E2)+重大-水(Q1-M3-E1)]"
    assert [(s["name"], s["max_quantity_t"]) for s in items[1]["inputs"]["substances"]] == [
        (substances["both"]["name"], 2), (substances["water"]["name"], 15)]
    assert items[0]["saved_at"].endswith("+08:00")
    # Read as the inventory is: a viewer of the county yes, another county's officer no.
    viewer = accounts.api(client, "viewer", ["411081"])
    assert viewer.get(path + "/versions").status_code == 200
    other = accounts.api(client, "officer", ["411082"])
    assert other.get(path + "/versions").status_code == 403
    # The page lists the earlier version.
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    page = client.get(f"/enterprises/{e['id']}/risk-inventory").get_data(as_text=True)
    assert 'id="inventory-versions"' in page and "重大[较大-大气(Q1-M2-E2)+重大-水(Q1-M3-E1)]" in page


def test_a_superseded_version_keeps_the_inventory_of_its_time(admin_api, substances, client,
                                                              accounts):
    e = _enterprise(admin_api, 2, NEAR_INTAKE)
    first = admin_api.post("/plans", json=plan_payload(e["id"], risk_level="general")).json
    path = f"/enterprises/{e['id']}/risk-inventory"
    put(admin_api, path, _body(substances))  # computed 重大 while version 1 is current
    assert admin_api.get(f"/plans/{first['id']}").json["grading_check"] == "mismatch"
    body = {k: v for k, v in plan_payload(e["id"]).items() if k != "enterprise_id"}
    body.update(signed_on="2026-05-06", filed_on="2026-05-20", risk_level="serious",
                reason="风险物质存量增加")
    second = admin_api.post(f"/plans/{first['id']}/revisions", json=body).json
    assert second["grading_check"] == "agrees"
    # Stock falls later: today's inventory gives 一般.
    put(admin_api, path, SMALL)
    assert admin_api.get(f"/plans/{second['id']}").json["grading_check"] == "mismatch"
    # Version 1 (一般) is still judged against the 重大 inventory of its time; against
    # today's 一般 it would agree.
    assert admin_api.get(f"/plans/{first['id']}").json["grading_check"] == "mismatch"
    listed = {p["id"]: p["grading_check"] for p in
              admin_api.get("/plans", query_string={"enterprise_id": e["id"]}).json["items"]}
    assert listed == {first["id"]: "mismatch", second["id"]: "mismatch"}  # both versions
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    page = client.get(f"/plans/{first['id']}").get_data(as_text=True)
    assert 'id="grading-check-version"' in page and "重大[较大-大气" in page


def test_a_version_superseded_before_any_inventory_has_none(admin_api, substances):
    e = _enterprise(admin_api, 3, NEAR_INTAKE)
    first = admin_api.post("/plans", json=plan_payload(e["id"])).json
    body = {k: v for k, v in plan_payload(e["id"]).items() if k != "enterprise_id"}
    body.update(signed_on="2026-05-06", filed_on="2026-05-20", reason="生产工艺变更")
    second = admin_api.post(f"/plans/{first['id']}/revisions", json=body).json
    put(admin_api, f"/enterprises/{e['id']}/risk-inventory", SMALL)
    assert admin_api.get(f"/plans/{first['id']}").json["grading_check"] == "no_inventory"
    assert admin_api.get(f"/plans/{second['id']}").json["grading_check"] == "agrees"


def test_the_migration_makes_each_inventory_its_first_version(tmp_path):
    """On a database of its own: migrated to 0020, an inventory written, then 0021."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from registry import create_app
    from registry.extensions import db
    from registry.models import (Enterprise, RiskInventory, RiskInventoryItem,
                                 RiskInventoryVersion, Substance)
    from tests.conftest import enterprise_payload

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}"})
    with app.app_context():
        upgrade(revision="0020_resource_enterprise")
        substance = Substance(name="测试物质甲", critical_quantity_t=1, counts_air=True,
                              counts_water=True)
        enterprise = Enterprise(**enterprise_payload(7, "411081"))
        db.session.add_all([substance, enterprise])
        db.session.flush()
        db.session.add(RiskInventory(
            enterprise_id=enterprise.id, air={"control_score": 10}, water={}, penalised=False,
            level="major", result={"level": "major", "notation": "较大[较大-大气(Q1-M1-E1)]"},
            items=[RiskInventoryItem(substance_id=substance.id, max_quantity_t=2.5)]))
        db.session.commit()
        upgrade()
        [version] = db.session.scalars(sa.select(RiskInventoryVersion)).all()
        assert (version.enterprise_id, version.level) == (enterprise.id, "major")
        assert version.inputs["substances"] == [{"substance_id": substance.id,
                                                 "name": "测试物质甲", "max_quantity_t": 2.5,
                                                 "storage": None}]
        assert version.inputs["air"] == {"control_score": 10}
        assert version.result["notation"] == "较大[较大-大气(Q1-M1-E1)]"
        db.engine.dispose()
