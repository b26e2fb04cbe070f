"""The dashboard's drill, corrective-action and agreement panels on the demo data: the
numbers are the services' numbers and each links to the list that holds them."""
import html
import json
import re

import sqlalchemy as sa


def test_area_panels_on_the_demo(demo, app, client, accounts):
    assert demo.exit_code == 0
    accounts.make("admin", username="chief")
    accounts.login(client, "chief")
    page = client.get("/").get_data(as_text=True)
    with app.test_request_context():
        from registry.agreements.service import status_counts
        from registry.clock import today
        from registry.drills.panel import context
        from registry.extensions import db
        from registry.models import User

        chief = db.session.scalar(sa.select(User).where(User.username == "chief"))
        drills = context(chief, today())
        agreements = status_counts(chief, today())
    assert 'data-panel="drills"' in page and 'data-panel="agreements"' in page
    assert drills["drills"]["total"] > 0 and sum(agreements.values()) == 3
    panel = page[page.index('data-panel="drills"'):page.index('data-panel="agreements"')]
    numbers = [int(n) for n in re.findall(r'class="stat-number">(\d+)<', panel)]
    assert numbers == [drills["drills"]["total"], drills["actions"]["open"],
                       drills["actions"]["overdue"], drills["actions"]["closed"]]
    assert "/actions?view=overdue" in panel
    assert "/agreements?status=active" in page


def _chart(panel_html: str) -> dict:
    (spec,) = re.findall(r"data-chart='([^']*)'", panel_html)
    return json.loads(html.unescape(spec))


def test_area_panels_draw_charts_whose_parts_open_the_filtered_lists(runner, client, accounts):
    assert runner.invoke(args=["load-demo"]).exit_code == 0
    accounts.make("admin", username="chief")
    accounts.login(client, "chief")
    page = client.get("/").get_data(as_text=True)
    drills = _chart(page[page.index('data-panel="drills"'):page.index('data-panel="agreements"')])
    assert drills["type"] == "bar" and len(drills["labels"]) == len(drills["values"]) > 0
    year_total = int(re.search(r'class="stat-number">(\d+)<', page[page.index('data-panel="drills"'):]).group(1))
    assert sum(drills["values"]) == year_total
    assert "突发环境事件" in drills["labels"]
    for label, n, link in zip(drills["labels"], drills["values"], drills["links"]):
        assert "theme=" in link and "year=2026" in link
        listed = client.get(link).get_data(as_text=True)
        assert f"{label}</td>" in listed and listed.count('href="/drills/') >= min(n, 20), label
    agreements = _chart(page[page.index('data-panel="agreements"'):])
    assert agreements["type"] == "doughnut" and sum(agreements["values"]) == 3
    assert agreements["labels"] == ["有效", "即将到期", "已到期"]
    assert agreements["links"] == ["/agreements?status=active", "/agreements?status=expiring",
                                   "/agreements?status=expired"]
