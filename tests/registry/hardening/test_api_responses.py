"""Every API answer matches the response model the OpenAPI document publishes for it — here
with records that make each map answer non-empty (the fuzzer rarely builds those)."""
import pytest

from registry.api import schemas
from tests.conftest import enterprise_payload, plan_payload

YINGHE_YUZHOU = (113.40, 34.17)  # on 颍河, upstream of 禹州's intake


@pytest.fixture
def mapped(admin_api):
    ids = []
    for n, county in ((1, "411081"), (2, "411025")):  # the second is misplaced (point in 禹州)
        e = admin_api.post("/enterprises", json=enterprise_payload(
            n, county=county, longitude=YINGHE_YUZHOU[0], latitude=YINGHE_YUZHOU[1])).json
        admin_api.post("/plans", json=plan_payload(e["id"], risk_level="major"))
        ids.append(e["id"])
    return ids


def _check(response, model, status=200):
    assert response.status_code == status, response.json
    return model.model_validate_json(response.data, strict=True)


def test_map_answers_match_their_documented_models(admin_api, mapped):
    points = _check(admin_api.get("/map/enterprises.geojson"), schemas.EnterprisePoints)
    assert len(points.features) == 2
    receptors = _check(admin_api.get("/layers/receptors.geojson"), schemas.Layer)
    intake = next(f for f in receptors.features if f.properties["name"].startswith("禹州市颍河"))
    lon, lat = intake.geometry["coordinates"]
    up = _check(admin_api.get(f"/upstream?lon={lon}&lat={lat}&km=30"), schemas.UpstreamOut)
    assert {i.id for i in up.items} == set(mapped)
    misplaced = _check(admin_api.get("/map/misplaced"), schemas.MisplacedOut)
    assert [i.id for i in misplaced.items] == [mapped[1]]
    down = _check(admin_api.get(f"/enterprises/{mapped[0]}/downstream"), schemas.DownstreamOut)
    assert down.enterprise.id == mapped[0]
    for name in ("counties", "rivers", "sections", "intercepts"):
        _check(admin_api.get(f"/layers/{name}.geojson"), schemas.Layer)


def test_the_document_names_the_map_models(client):
    spec = client.get("/api/v1/openapi.json").json
    expected = {"/map/enterprises.geojson": "EnterprisePoints", "/layers/{layer}.geojson": "Layer",
                "/upstream": "UpstreamOut", "/map/misplaced": "MisplacedOut",
                "/enterprises/{enterprise_id}/downstream": "DownstreamOut"}
    for path, model in expected.items():
        ok = spec["paths"][path]["get"]["responses"]["200"]
        assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/" + model)
        assert model in spec["components"]["schemas"]


def test_core_answers_match_their_documented_models(admin_api, mapped):
    _check(admin_api.get("/enterprises"), schemas.EnterprisePage)
    _check(admin_api.get(f"/enterprises/{mapped[0]}"), schemas.EnterpriseOut)
    plans = _check(admin_api.get("/plans"), schemas.PlanPage)
    _check(admin_api.get(f"/plans/{plans.items[0].id}"), schemas.PlanOut)
    _check(admin_api.get("/stats"), schemas.StatsOut)
    _check(admin_api.get("/plans/0"), schemas.ErrorOut, 404)
    _check(admin_api.post("/enterprises", json={}), schemas.ErrorOut, 422)
