"""No write action is offered to someone who cannot write (#16 §5): a viewer sees no
登记企业 and gets no form to fill in vain; an officer does."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize(("role", "offered"), [("viewer", False), ("officer", True), ("admin", True)])
def test_register_button_only_for_writers(client, accounts, role, offered):
    _id, name = accounts.make(role, ["411081"] if role != "admin" else [])
    accounts.login(client, name)
    page = client.get("/enterprises").get_data(as_text=True)
    assert ('href="/enterprises/new"' in page) is offered
    assert client.get("/enterprises/new").status_code == (200 if offered else 403)


def test_single_county_officer_is_offered_only_that_county(client, accounts):
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    for path in ("/enterprises", "/enterprises/new", "/drills", "/map"):
        page = client.get(path).get_data(as_text=True)
        assert 'value="411081"' in page, path
        assert 'value="411025"' not in page and 'value="411002"' not in page, path


def test_outbox_county_filter_is_a_dropdown_of_own_counties(client, accounts):
    _id, name = accounts.make("officer", ["411081", "411082"])
    accounts.login(client, name)
    page = client.get("/reminders").get_data(as_text=True)
    assert '<select class="form-select form-select-sm" id="f-county" name="county_code">' in page
    assert 'value="411081"' in page and 'value="411082"' in page and 'value="411025"' not in page
