"""History tables show the bureau's wall-clock time (TIMEZONE, Beijing by default), not the
UTC the database stores."""
from datetime import datetime

import sqlalchemy as sa

from tests.conftest import enterprise_payload


def test_history_shows_beijing_time(app, client, accounts, admin_api):
    created = admin_api.post("/enterprises", json=enterprise_payload(1))
    assert created.status_code == 201, created.json
    with app.app_context():
        from registry.extensions import db
        from registry.models import AuditEntry

        db.session.execute(sa.update(AuditEntry).values(at=datetime(2026, 6, 14, 17, 5)))
        db.session.commit()
    accounts.make("admin", username="chief")
    accounts.login(client, "chief")
    page = client.get(f"/enterprises/{created.json['id']}").get_data(as_text=True)
    assert "2026-06-15 01:05" in page and "2026-06-14 17:05" not in page
    assert "<th>时间</th>" in page

    app.config["TIMEZONE"] = "UTC"
    assert "2026-06-14 17:05" in client.get(f"/enterprises/{created.json['id']}").get_data(as_text=True)
