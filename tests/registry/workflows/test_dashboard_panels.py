"""The dashboard's drill, corrective-action and agreement panels on the demo data: the
numbers are the services' numbers and each links to the list that holds them."""
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
