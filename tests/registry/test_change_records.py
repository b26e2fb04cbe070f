"""Change records read as an officer reads them (#16 §5): names and labels, not codes,
ids or the command line's internal names."""
from __future__ import annotations

from registry.web.labels import actor_label, audit_value
from tests.conftest import enterprise_payload, plan_payload


def test_values_are_named(app, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    plan = admin_api.post("/plans", json=plan_payload(e["id"])).json
    with app.test_request_context():
        assert audit_value("411081", "county_code") == "禹州市"
        assert str(audit_value("filing_form", "document")) == "备案表"
        assert audit_value(1.0, "notification_hours") == 1 and audit_value(1.5, "x") == 1.5
        assert audit_value(plan["id"], "plan_id") == plan["filing_number"]
        assert str(actor_label("load-demo")) == "演示数据导入"
        assert actor_label("wangwei") == "wangwei"


def test_enterprise_change_record_shows_the_county_name(client, accounts, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    page = client.get(f"/enterprises/{e['id']}").get_data(as_text=True)
    assert "禹州市" in page and "县（市、区）: 411081" not in page
