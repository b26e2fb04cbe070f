"""The review clock and the revision flag are two facts (#16 §4): a plan both past its
review date and needing revision says so in the JSON, the statistics and on the pages."""
from __future__ import annotations

import pytest

from registry.extensions import db
from registry.models import Plan
from tests.conftest import enterprise_payload, plan_payload


@pytest.fixture
def plans(admin_api, app):
    """Two current plans past review (one also needing revision) and one in date."""
    ids = []
    for n, signed in ((1, "2023-03-01"), (2, "2023-04-03"), (3, "2026-03-02")):
        e = admin_api.post("/enterprises", json=enterprise_payload(n, county="411081")).json
        filed = {"2023-03-01": "2023-03-20", "2023-04-03": "2023-04-20"}.get(signed, "2026-03-20")
        ids.append(admin_api.post("/plans", json=plan_payload(e["id"], signed_on=signed,
                                                              filed_on=filed)).json["id"])
    with app.app_context():
        db.session.get(Plan, ids[0]).revision_required = True
        db.session.commit()
    return ids


def test_plan_json_carries_overdue_beside_revision_required(admin_api, plans):
    both, overdue, fine = (admin_api.get(f"/plans/{i}").json for i in plans)
    assert (both["status"], both["overdue"], both["revision_required"]) == ("revision_required", True, True)
    assert (overdue["status"], overdue["overdue"]) == ("overdue", True)
    assert (fine["status"], fine["overdue"]) == ("filed", False)


def test_stats_count_every_current_plan_past_review(admin_api, plans):
    stats = admin_api.get("/stats").json["plans"]
    assert stats["by_status"]["overdue"] == 1  # the one-word status
    assert stats["overdue_total"] == 2         # the fact the dashboard must show


def test_list_filters_on_the_fact(admin_api, plans):
    items = admin_api.get("/plans?overdue=true").json["items"]
    assert sorted(p["id"] for p in items) == sorted(plans[:2])
    assert [p["id"] for p in admin_api.get("/plans?overdue=false").json["items"]] == [plans[2]]
    r = admin_api.get("/plans?overdue=maybe")
    assert r.status_code == 422 and list(r.json["error"]["fields"]) == ["overdue"]


def test_pages_show_both_badges(client, accounts, plans):
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    page = client.get(f"/plans/{plans[0]}").get_data(as_text=True)
    assert "需修订" in page and 'data-fact="overdue"' in page
    listing = client.get("/plans?overdue=true").get_data(as_text=True)
    assert listing.count('data-fact="overdue"') == 1  # the plain overdue one needs no second badge
    dashboard = client.get("/").get_data(as_text=True)
    assert "2 件已逾期" in dashboard and "overdue=true" in dashboard
