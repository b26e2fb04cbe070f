"""Issue #17.9: ids beyond PostgreSQL's integer in paths and query strings give a 404 or a
422 naming the field, never a 500 ("integer out of range"); run with TEST_DATABASE_URL."""
import pytest

from tests.conftest import enterprise_payload

HUGE = ("2147483648", "9999999999999", "99999999999")

WEB_PATHS = ["/enterprises/9999999999999", "/plans/2147483648", "/map/details/99999999999",
             "/drills/2147483648", "/enterprises/2147483648/plans/new",
             "/map/frame?enterprise_id=99999999999"]
API_PATHS = ["/enterprises/9999999999999", "/plans/2147483648", "/drills/2147483648",
             "/enterprises/2147483648/drill-status"]
# (list, parameter) on the web and in the API
QUERIES = [("/plans", "enterprise_id"), ("/drills", "enterprise_id"), ("/actions", "drill_id"),
           ("/notification-sheet", "enterprise_id")]


@pytest.fixture
def officer_client(client, accounts, admin_api):
    admin_api.post("/enterprises", json=enterprise_payload(1))
    _id, name = accounts.make("admin")
    accounts.login(client, name)
    return client


@pytest.mark.parametrize("path", WEB_PATHS)
def test_web_paths_with_huge_ids_are_404(officer_client, path):
    assert officer_client.get(path).status_code == 404


@pytest.mark.parametrize("path", API_PATHS)
def test_api_paths_with_huge_ids_are_404(admin_api, path):
    r = admin_api.get(path)
    assert r.status_code == 404, r.json


@pytest.mark.parametrize(("path", "param"), QUERIES)
@pytest.mark.parametrize("value", HUGE)
def test_api_query_ids_out_of_range_are_422_naming_the_field(admin_api, path, param, value):
    r = admin_api.get(path, query_string={param: value})
    assert r.status_code == 422, r.json
    assert param in r.json["error"]["fields"]


@pytest.mark.parametrize(("path", "param"), QUERIES)
@pytest.mark.parametrize("value", HUGE)
def test_web_query_ids_out_of_range_are_refused_by_name(officer_client, path, param, value):
    """A list drops the refused filter and says so (registry/web/queries.py); the
    notification sheet's form shows the field's error."""
    r = officer_client.get(path, query_string={param: value})
    assert r.status_code in (200, 422), r.status_code
    page = r.get_data(as_text=True)
    assert "2147483647" in page  # the message names the bound


def test_largest_id_is_a_plain_404(officer_client, admin_api):
    assert officer_client.get("/enterprises/2147483647").status_code == 404
    assert admin_api.get("/plans/2147483647").status_code == 404


def test_a_huge_id_is_404_for_every_method(admin_api):
    r = admin_api.patch("/enterprises/9999999999999", json={"address": "许昌市魏都区示范路2号"})
    assert r.status_code == 404  # not 405 from another rule of the same shape


QUERY_NAMES = ("enterprise_id", "drill_id", "plan_id", "agreement_id", "action_id", "page",
               "per_page", "year", "closed_year", "due_within_days", "lon", "lat")


def test_no_web_page_fails_on_huge_numbers_in_its_query(app, officer_client):
    """Every GET page without path parameters, each of the query names the lists know set
    to a number past PostgreSQL's integer (and past a float's exact range): never a 5xx."""
    rules = sorted(r.rule for r in app.url_map.iter_rules()
                   if "GET" in r.methods and not r.arguments and not r.rule.startswith("/api/")
                   and not r.rule.startswith("/static") and "logout" not in r.rule)
    assert len(rules) > 15
    failures = []
    for rule in rules:
        for name in QUERY_NAMES:
            for value in ("99999999999999999999",) + (("-2147483649",) if name.endswith("_id") else ()):
                r = officer_client.get(rule, query_string={name: value})
                if r.status_code >= 500:
                    failures.append(f"{rule}?{name}={value} -> {r.status_code}")
                r.close()
    assert failures == []
