"""Filing-number serials stay unique and gapless when filings arrive at once."""
import threading

from registry.models import Plan
from tests.conftest import enterprise_payload, plan_payload

WORKERS = 8


def test_concurrent_filings_get_gapless_unique_serials(app, admin_api):
    ids = [admin_api.post("/enterprises", json=enterprise_payload(n, county="411082")).json["id"]
           for n in range(1, WORKERS + 1)]
    barrier = threading.Barrier(WORKERS)
    results, errors = [], []

    def file(enterprise_id):
        from registry.permissions import SystemActor
        from registry.plans.schemas import PlanIn
        from registry.plans.service import file_plan

        with app.app_context():
            body = PlanIn.model_validate(plan_payload(enterprise_id))
            barrier.wait()
            try:
                results.append(file_plan(SystemActor("t"), body).filing_number)
            except Exception as exc:  # noqa: BLE001 - recorded and asserted below
                errors.append(repr(exc))

    threads = [threading.Thread(target=file, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(results) == [f"411082-2026-{n:03d}-L" for n in range(1, WORKERS + 1)]
    with app.app_context():
        from registry.extensions import db

        assert db.session.query(Plan).count() == WORKERS


def test_rejected_filing_uses_no_serial(admin_api):
    a = admin_api.post("/enterprises", json=enterprise_payload(1)).json
    b = admin_api.post("/enterprises", json=enterprise_payload(2)).json
    assert admin_api.post("/plans", json=plan_payload(a["id"])).json["filing_number"].endswith("001-L")
    bad = plan_payload(b["id"], risk_level="serious",
                       risk_assessment={"air": {"q": 0.1, "m": 0, "e": "E3"},
                                        "water": {"q": 0.1, "m": 0, "e": "E3"}})
    assert admin_api.post("/plans", json=bad).status_code == 422
    assert admin_api.post("/plans", json=plan_payload(b["id"])).json["filing_number"].endswith("002-L")
