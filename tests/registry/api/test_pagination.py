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
