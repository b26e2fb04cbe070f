"""The permission predicates, table-driven (CKAN's ``call_auth`` style): each row is one
actor asking one question, with the answer expected. The access matrix
(test_access_matrix.py) checks every route over HTTP; these check the rules themselves,
including the ones the pages ask (may this user import? resend this reminder?)."""
from types import SimpleNamespace

import pytest
from flask_login import AnonymousUserMixin

from registry import permissions
from registry.agreements import permissions as agreement_permissions
from registry.drills import permissions as drill_permissions
from registry.permissions import SystemActor, TokenActor
from registry.reminders import service as reminders
from registry.workflows import permissions as workflow_permissions

# Xuchang's active counties (the default jurisdiction; 411023 许昌县 is retired).
CITY = frozenset({"411002", "411003", "411024", "411025", "411081", "411082"})

ACTORS = {
    "admin": TokenActor(1, "admin", "admin", frozenset()),
    "officer_yuzhou": TokenActor(2, "yuzhou", "officer", frozenset({"411081"})),
    "officer_city": TokenActor(3, "city", "officer", CITY),
    "viewer_yuzhou": TokenActor(4, "viewer", "viewer", frozenset({"411081"})),
    "system": SystemActor("cli"),
    "anonymous": AnonymousUserMixin(),
    "inactive_officer": SimpleNamespace(id=5, username="gone", role="officer", is_active=False,
                                        is_authenticated=True, county_codes={"411081"}),
}


def reminder(county_code, status="sent"):
    return SimpleNamespace(county_code=county_code, status=status)


def drill(county_code):
    return SimpleNamespace(county_code=county_code)


CASES = [
    # (predicate, actor, arguments, allowed)
    (permissions.can_read_county, "admin", ("411082",), True),
    (permissions.can_read_county, "officer_yuzhou", ("411081",), True),
    (permissions.can_read_county, "officer_yuzhou", ("411082",), False),
    (permissions.can_read_county, "viewer_yuzhou", ("411081",), True),
    (permissions.can_read_county, "viewer_yuzhou", ("411082",), False),
    (permissions.can_read_county, "anonymous", ("411081",), False),
    (permissions.can_read_county, "inactive_officer", ("411081",), False),
    (permissions.can_read_county, "system", ("411082",), True),
    (permissions.can_register_enterprise, "admin", (), True),
    (permissions.can_register_enterprise, "officer_yuzhou", (), True),
    (permissions.can_register_enterprise, "viewer_yuzhou", (), False),
    (permissions.can_register_enterprise, "anonymous", (), False),
    (permissions.can_register_enterprise, "inactive_officer", (), False),
    (permissions.can_write_county, "admin", ("411082",), True),
    (permissions.can_write_county, "officer_yuzhou", ("411081",), True),
    (permissions.can_write_county, "officer_yuzhou", ("411082",), False),
    (permissions.can_write_county, "viewer_yuzhou", ("411081",), False),
    (permissions.can_write_county, "anonymous", ("411081",), False),
    (permissions.can_write_county, "inactive_officer", ("411081",), False),
    (permissions.can_write_county, "system", ("411081",), True),
    (permissions.can_manage_users, "admin", (), True),
    (permissions.can_manage_users, "officer_city", (), False),
    (permissions.can_manage_users, "viewer_yuzhou", (), False),
    (permissions.can_manage_users, "anonymous", (), False),
    (permissions.can_manage_users, "system", (), True),
    (workflow_permissions.can_import, "admin", (), True),
    (workflow_permissions.can_import, "officer_yuzhou", (), True),
    (workflow_permissions.can_import, "viewer_yuzhou", (), False),
    (workflow_permissions.can_import, "anonymous", (), False),
    (workflow_permissions.can_import, "inactive_officer", (), False),
    (reminders.can_write_outbox, "officer_yuzhou", (reminder("411081"),), True),
    (reminders.can_write_outbox, "officer_yuzhou", (reminder("411082"),), False),
    (reminders.can_write_outbox, "officer_city", (reminder(None),), False),
    (reminders.can_write_outbox, "admin", (reminder(None),), True),
    (reminders.can_write_outbox, "viewer_yuzhou", (reminder("411081"),), False),
    (reminders.can_write_outbox, "anonymous", (reminder("411081"),), False),
    (reminders.can_resend, "officer_yuzhou", (reminder("411081", "failed"),), True),
    (reminders.can_resend, "officer_yuzhou", (reminder("411081", "pending"),), True),
    (reminders.can_resend, "officer_yuzhou", (reminder("411081", "skipped"),), False),
    (reminders.can_resend, "admin", (reminder("411081", "cancelled"),), False),
    (reminders.can_resend, "officer_yuzhou", (reminder("411082", "sent"),), False),
    (reminders.can_choose_digest, "officer_yuzhou", (), True),
    (reminders.can_choose_digest, "admin", (), True),
    (reminders.can_choose_digest, "viewer_yuzhou", (), False),
    (reminders.can_choose_digest, "system", (), False),  # no account to keep it on
    (reminders.can_choose_digest, "anonymous", (), False),
    (drill_permissions.can_read_drill, "viewer_yuzhou", (drill("411081"),), True),
    (drill_permissions.can_read_drill, "viewer_yuzhou", (drill("411082"),), False),
    (drill_permissions.can_read_drill, "viewer_yuzhou", (drill(None),), True),  # city-wide
    (drill_permissions.can_read_drill, "anonymous", (drill(None),), False),
    (drill_permissions.can_write_drill, "officer_yuzhou", ("enterprise", None, {"411081"}), True),
    (drill_permissions.can_write_drill, "officer_yuzhou", ("enterprise", None, {"411081", "411082"}),
     False),
    (drill_permissions.can_write_drill, "officer_yuzhou", ("county", "411081"), True),
    (drill_permissions.can_write_drill, "officer_yuzhou", ("county", None), False),
    (drill_permissions.can_write_drill, "officer_yuzhou", ("city", None), False),
    (drill_permissions.can_write_drill, "officer_city", ("city", None), True),
    (drill_permissions.can_write_drill, "officer_city", ("joint", None), True),
    (drill_permissions.can_write_drill, "viewer_yuzhou", ("county", "411081"), False),
    (drill_permissions.can_write_drill, "admin", ("city", None), True),
    (agreement_permissions.can_read_agreements, "viewer_yuzhou", (), True),
    (agreement_permissions.can_read_agreements, "anonymous", (), False),
    (agreement_permissions.can_write_agreements, "admin", (), True),
    (agreement_permissions.can_write_agreements, "officer_city", (), True),
    (agreement_permissions.can_write_agreements, "officer_yuzhou", (), False),
    (agreement_permissions.can_write_agreements, "viewer_yuzhou", (), False),
    (agreement_permissions.can_write_agreements, "inactive_officer", (), False),
]


@pytest.mark.parametrize(("predicate", "actor", "args", "allowed"), CASES,
                         ids=[f"{p.__module__.rsplit('.', 2)[-2]}.{p.__name__}-{a}-{i}"
                              for i, (p, a, _args, _ok) in enumerate(CASES)])
def test_permission(app, predicate, actor, args, allowed):
    with app.app_context():  # city-wide rules read the jurisdiction's counties
        assert bool(predicate(ACTORS[actor], *args)) is allowed


def test_an_officer_holding_every_county_but_a_new_one_is_no_longer_city_wide(app):
    from registry.extensions import db
    from registry.models import County

    with app.app_context():
        db.session.add(County(code="411071", name="许昌经济技术开发区", city_code="411000",
                              city_name="许昌市", kind="zone", longitude=113.9, latitude=34.0))
        db.session.commit()
        assert not drill_permissions.can_write_drill(ACTORS["officer_city"], "city", None)
        assert not agreement_permissions.can_write_agreements(ACTORS["officer_city"])
        assert agreement_permissions.can_write_agreements(ACTORS["admin"])
