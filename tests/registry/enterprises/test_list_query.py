"""The enterprise list's prebuilt statements (one per filter shape, values bound at run
time) against a plain-Python reading of the same rules, on the Xuchang demo data."""
import itertools
from datetime import date

import pytest
import sqlalchemy as sa

from registry.enterprises import service
from registry.enterprises.schemas import EnterpriseQuery
from registry.extensions import db
from registry.models import Enterprise
from registry.permissions import SystemActor, TokenActor
from registry.plans.status import status_of

TODAY = date(2026, 11, 27)

ACTORS = {
    "admin": SystemActor("test"),
    "officer of 禹州市": TokenActor(id=1, username="o", role="officer",
                                 county_codes=frozenset({"411081"})),
    "viewer of two counties": TokenActor(id=2, username="v", role="viewer",
                                         county_codes=frozenset({"411002", "411025"})),
    "officer of no county": TokenActor(id=3, username="n", role="officer",
                                       county_codes=frozenset()),
}


def enterprises() -> list[tuple[Enterprise, str, str | None]]:
    """(enterprise, status, risk level) of every enterprise, from its current plan."""
    found = []
    for enterprise in db.session.scalars(sa.select(Enterprise)):
        plan = next((p for p in enterprise.plans if p.is_current), None)
        found.append((enterprise, status_of(plan, TODAY) if plan else "none",
                      plan.risk_level if plan else None))
    return found


def expected(everything, actor, query: EnterpriseQuery) -> dict[int, str]:
    """enterprise id -> status of those the rules select."""
    visible = None if actor.role == "admin" else actor.county_codes
    term = (query.q or "").strip()
    return {e.id: status for e, status, risk in everything
            if (visible is None or e.county_code in visible)
            and (not query.county_code or e.county_code == query.county_code)
            and (not query.risk_level or risk == query.risk_level)
            and (not query.status or status == query.status)
            and (not query.q or term in e.name or e.credit_code == term.upper())}


def listed(actor, query: EnterpriseQuery) -> tuple[dict[int, str], list[int], int]:
    """Every page of the list: id -> status, the ids in order and the reported total."""
    rows, totals, page = [], set(), 1
    while True:
        chunk, total = service.list_enterprises(
            actor, query.model_copy(update={"page": page, "per_page": 200}), TODAY)
        totals.add(total)
        if not chunk:
            break
        rows += chunk
        page += 1
    assert len(totals) == 1, "every page reports the same total"
    return {r.id: r.status for r in rows}, [r.id for r in rows], totals.pop()


@pytest.mark.parametrize("actor", ACTORS)
def test_every_filter_shape_matches_the_rules(app, demo, actor):
    """Each combination of filters (its own prebuilt statement) lists exactly the
    enterprises the rules select, with their status, once each, in county order."""
    with app.app_context():
        everything = enterprises()
        county_of = {e.id: e.county_code for e, _s, _r in everything}
        some = db.session.scalar(sa.select(Enterprise).where(Enterprise.county_code == "411081")
                                 .order_by(Enterprise.id))
        searches = (None, "化工", some.credit_code.lower(), "100%")
        seen_nonempty = 0
        for county, risk, status, q in itertools.product(
                (None, "411081", "411002"), (None, "major"),
                (None, "overdue", "due_soon", "filed", "none"), searches):
            query = EnterpriseQuery(county_code=county, risk_level=risk, status=status, q=q)
            want = expected(everything, ACTORS[actor], query)
            got, order, total = listed(ACTORS[actor], query)
            assert got == want, query
            assert total == len(want) and len(order) == len(set(order))
            counties = [county_of[i] for i in order]
            assert counties == sorted(counties)
            seen_nonempty += bool(want)
        # not vacuous: many combinations select something, except for a reader of nothing
        if actor == "officer of no county":
            assert seen_nonempty == 0
        else:
            assert seen_nonempty >= 10


def test_list_follows_the_date_without_rebuilding(app, demo):
    """The statement is built once; the date is a bound value, so the same statement
    gives another day's statuses."""
    with app.app_context():
        query = EnterpriseQuery(status="overdue", per_page=1)
        _rows, today_total = service.list_enterprises(SystemActor("t"), query, TODAY)
        _rows, later_total = service.list_enterprises(SystemActor("t"), query, date(2031, 1, 1))
        assert later_total > today_total
        assert service._list_statement.cache_info().currsize >= 1
