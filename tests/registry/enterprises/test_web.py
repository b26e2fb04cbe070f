"""Enterprise and plan pages driven through their HTML forms, in Chinese."""

import pytest

from tests.conftest import csrf_token, enterprise_payload, plan_payload


@pytest.fixture
def officer(client, accounts):
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    return client


def _form(payload):
    data = {k: ("1" if v is True else v) for k, v in payload.items() if v not in (False, None)}
    return data


def test_register_enterprise_through_form(officer):
    data = _form(enterprise_payload(1, county="411081"))
    data["csrf_token"] = csrf_token(officer, "/enterprises/new")
    r = officer.post("/enterprises/new", data=data)
    assert r.status_code == 302
    page = officer.get(r.headers["Location"]).get_data(as_text=True)
    assert "许昌市测试化工有限公司1号厂" in page and "禹州市" in page
    assert "企业已登记" in page or "已登记" in page


def test_form_errors_name_field_and_rule_and_save_nothing(officer):
    data = _form(enterprise_payload(1, county="411081", credit_code="91411081MA0000000X",
                                    contact_phone="12345"))
    data["csrf_token"] = csrf_token(officer, "/enterprises/new")
    r = officer.post("/enterprises/new", data=data)
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "校验码" in page            # the check-digit rule, named
    assert "手机" in page              # the phone rule, named
    assert 'value="许昌市测试化工有限公司1号厂"' in page  # the form keeps what was typed
    assert "未保存" in page
    listing = officer.get("/enterprises").get_data(as_text=True)
    assert "许昌市测试化工有限公司1号厂" not in listing


def test_officer_cannot_open_form_for_other_county_enterprise(client, accounts, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411025")).json
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    assert client.get(f"/enterprises/{e['id']}").status_code == 403
    assert client.get(f"/enterprises/{e['id']}/edit").status_code == 403


def test_file_plan_through_form_with_breakdown(officer, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    path = f"/enterprises/{e['id']}/plans/new"
    data = {"csrf_token": csrf_token(officer, path), "title": "应急预案", "signed_on": "2026-03-02",
            "filed_on": "2026-03-20", "air_q": "120", "air_m": "50", "air_e": "E2", "water_q": "0.5",
            "water_m": "", "water_e": "E3", "documents": ["plan", "filing_form"]}
    r = officer.post(path, data=data)
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    page = officer.get(r.headers["Location"]).get_data(as_text=True)
    assert "411081-2026-001-H" in page
    assert "重大[重大-大气(Q3-M3-E2)+一般-水(Q0)]" in page
    assert "缺 3 项" in page or "3 项" in page


def test_plan_form_mismatch_shows_error(officer, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    path = f"/enterprises/{e['id']}/plans/new"
    data = {"csrf_token": csrf_token(officer, path), "title": "应急预案", "signed_on": "2026-03-02",
            "risk_level": "general", "air_q": "120", "air_m": "50", "air_e": "E2"}
    r = officer.post(path, data=data)
    assert r.status_code == 422
    assert "不一致" in r.get_data(as_text=True)


def test_enterprise_list_filters_and_history(officer, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    admin_api.post("/plans", json=plan_payload(e["id"], signed_on="2023-01-10", filed_on="2023-01-20"))
    page = officer.get("/enterprises?status=overdue").get_data(as_text=True)
    assert "许昌市测试化工有限公司1号厂" in page and "已逾期" in page
    page = officer.get("/enterprises?status=filed").get_data(as_text=True)
    assert "许昌市测试化工有限公司1号厂" not in page
    detail = officer.get(f"/enterprises/{e['id']}").get_data(as_text=True)
    assert "411081-2023-001-L" in detail and "预案已备案" in detail


def test_english_labels(officer):
    officer.post("/lang/en", data={"csrf_token": csrf_token(officer, "/")})
    page = officer.get("/enterprises/new").get_data(as_text=True)
    assert "Unified social credit code" in page


@pytest.mark.parametrize("division, warned", [("991081", True), ("411081", False)])
def test_an_unknown_division_in_the_credit_code_is_saved_with_a_warning(officer, division,
                                                                        warned):
    from registry.rules.credit_code import build_credit_code

    code = build_credit_code("91", division, "MA000042")
    data = _form(enterprise_payload(1, county="411081", credit_code=code))
    data["csrf_token"] = csrf_token(officer, "/enterprises/new")
    r = officer.post("/enterprises/new", data=data, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "已登记" in page
    assert ("第 3–8 位“991081”不是已知的行政区划代码" in page) is warned
