"""Every paginated list takes page numbers up to MAX_PAGE and refuses larger ones by name:
a page number must never reach the database as an OFFSET past its 32-bit range (found
by schemathesis on PostgreSQL: a 500)."""
import pytest

from registry.fields import MAX_PAGE

LISTS = ["/enterprises", "/plans", "/drills", "/reminders", "/actions"]


@pytest.mark.parametrize("path", LISTS)
def test_last_page_is_empty_and_beyond_it_is_refused(admin_api, path):
    r = admin_api.get(f"{path}?page={MAX_PAGE}&per_page=200")
    assert r.status_code == 200, r.json
    assert r.json["items"] == [] and r.json["page"] == MAX_PAGE
    r = admin_api.get(f"{path}?page={MAX_PAGE + 1}")
    assert r.status_code == 422 and list(r.json["error"]["fields"]) == ["page"]
    r = admin_api.get(f"{path}?page=5618534300")
    assert r.status_code == 422 and list(r.json["error"]["fields"]) == ["page"]


@pytest.mark.parametrize("path", LISTS + ["/stats"])
def test_an_unknown_query_parameter_is_refused_by_name(admin_api, path):
    """A mistyped filter (?county_cod=) must not quietly answer the unfiltered list."""
    r = admin_api.get(f"{path}?county_cod=411081")
    assert r.status_code == 422, r.json
    assert r.json["error"]["fields"] == {"county_cod": ["未知字段。"]}
    assert admin_api.get(path).status_code == 200
