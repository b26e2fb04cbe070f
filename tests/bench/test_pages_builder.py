"""bench/pages.py's builder at 50 enterprises: the rows it writes with the app's bulk
writer are ones the app reads (the map shows every current plan, the exports list them)."""
import csv
import importlib.util
import io
import json
import re
from pathlib import Path

import sqlalchemy as sa

BENCH = Path(__file__).resolve().parents[2] / "bench" / "pages.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_pages", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_builder_writes_a_register_the_pages_read(app, client, accounts):
    from registry.extensions import db
    from registry.models import Plan, PlanDocument

    with app.app_context():
        counts = _bench().build(50)
        assert counts == {"enterprises": 50, "plans": 60, "documents": 300, "drills": 5,
                          "actions": 10}
        assert db.session.scalar(sa.select(sa.func.count()).where(Plan.is_current)) == 50
        assert db.session.scalar(sa.select(sa.func.count(PlanDocument.id))) == 300
    _id, name = accounts.make("admin")
    accounts.login(client, name)
    html = client.get("/map/frame").get_data(as_text=True)
    points = json.loads(re.search(r'id="risk-map-points">(.*?)</script>', html, re.S).group(1))
    assert len(points["id"]) == 50
    rows = list(csv.reader(io.StringIO(client.get("/export/plans.csv").data.decode("utf-8-sig"))))
    assert len(rows) == 61
    assert client.get("/drills").status_code == 200
