"""Every web list names a filter it ignores (a hand-edited or old address) and keeps the
others, instead of silently showing the whole list."""
import pytest

from tests.conftest import csrf_token, enterprise_payload

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


def test_a_refused_choice_is_named_by_its_labels(client, accounts, admin_api):
    """Officers read the allowed values in their language, with the codes the address
    and the API use; a choice no table labels keeps its codes."""
    _id, name = accounts.make("admin", username="chief")
    accounts.login(client, name)
    page = client.get("/enterprises?risk_level=很高").get_data(as_text=True)
    assert "须为以下之一：一般（general）、较大（major）、重大（serious）。" in page
    page = client.get("/agreements?status=lapsed").get_data(as_text=True)
    assert "须为以下之一：" in page and "'" not in page.split("须为以下之一：")[1].split("。")[0]
    r = admin_api.get("/enterprises?status=late")
    assert r.status_code == 422
    assert r.json["error"]["fields"]["status"] == [
        "须为以下之一：已备案（filed）、即将到期（due_soon）、已逾期（overdue）、需修订（revision_required）、"
        "未备案（none）。"]
    client.post("/lang/en", data={"csrf_token": csrf_token(client, "/"), "next": "/enterprises"})
    page = client.get("/enterprises?risk_level=x").get_data(as_text=True)
    assert "Must be one of: General (general), Major (major), Serious (serious)." in page


def test_a_choice_without_labels_keeps_its_codes(app):
    from typing import Literal

    from pydantic import BaseModel

    from registry.errors import ValidationFailed
    from registry.validation import validate

    class Query(BaseModel):
        risk_level: Literal["low", "high"]

    with app.test_request_context("/"), pytest.raises(ValidationFailed) as refused:
        validate(Query, {"risk_level": "medium"})
    assert refused.value.fields["risk_level"] == ["须为以下之一：'low' or 'high'。"]
