import pytest

# Test substances: invented names and quantities for the computation only (the shipped
# table holds no values; the bureau loads the official one).
CHLORINE = {"name": "测试物质甲（气、水）", "cas": "7782-50-5", "aliases": ["甲物质", "物质A"],
            "critical_quantity_t": 1, "media": ["air", "water"]}
WATERY = {"name": "测试物质乙（水）", "critical_quantity_t": 5, "media": ["water"]}
AIRY = {"name": "测试物质丙（气）", "critical_quantity_t": 10, "media": ["air"]}


@pytest.fixture
def substances(admin_api):
    return {key: admin_api.post("/substances", json=body).json
            for key, body in (("both", CHLORINE), ("water", WATERY), ("air", AIRY))}


def put(api, path, json):
    return api.client.put("/api/v1" + path, json=json, headers=api.headers)
