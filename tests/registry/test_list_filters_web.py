"""Every web list names a filter it ignores (a hand-edited or old address) and keeps the
others, instead of silently showing the whole list."""
import pytest

from tests.conftest import enterprise_payload

LISTS = [("/enterprises", "page=0", "页码"), ("/plans", "page=0", "页码"),
         ("/reminders", "page=0", "页码"), ("/drills", "page=0", "页码"),
         ("/actions", "page=0", "页码"), ("/agreements", "status=lapsed", "状态")]


@pytest.mark.parametrize("path, bad, label", LISTS)
def test_refused_filter_is_named_on_the_page(client, accounts, path, bad, label):
    _id, name = accounts.make("admin", username="chief")
    accounts.login(client, name)
    r = client.get(f"{path}?{bad}")
    assert r.status_code == 200
    assert f"筛选条件“{label}”有误，已忽略：" in r.get_data(as_text=True)


def test_the_other_filters_still_apply(client, accounts, admin_api):
    for n, county in ((1, "411081"), (2, "411082")):
        assert admin_api.post("/enterprises", json=enterprise_payload(n, county=county)).status_code == 201
    _id, name = accounts.make("admin", username="chief")
    accounts.login(client, name)
    page = client.get("/enterprises?county_code=411081&risk_level=很高").get_data(as_text=True)
    assert "筛选条件“风险等级”有误，已忽略" in page
    assert "许昌市测试化工有限公司1号厂" in page and "许昌市测试化工有限公司2号厂" not in page
    clean = client.get("/enterprises?county_code=411081").get_data(as_text=True)
    assert "已忽略" not in clean
