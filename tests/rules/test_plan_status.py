from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.rules.plan_status import (
    DOCUMENTS,
    STATUSES,
    completeness,
    missing_documents,
    plan_status,
    review_due_on,
)
from tests.rules._assert import violates

DUE = date(2026, 6, 30)


def test_constants():
    assert DOCUMENTS == ("filing_form", "plan", "risk_assessment", "resource_survey",
                         "expert_review")
    assert STATUSES == ("filed", "due_soon", "overdue", "superseded", "revision_required")


@pytest.mark.parametrize("signed_on, years, due", [
    (date(2026, 3, 2), 3, date(2029, 3, 2)),
    (date(2024, 2, 29), 3, date(2027, 2, 28)),   # no 29 February in 2027
    (date(2024, 2, 29), 4, date(2028, 2, 29)),
    (date(2023, 12, 31), 3, date(2026, 12, 31)),
    (date(2025, 1, 1), 1, date(2026, 1, 1)),
])
def test_review_due_on(signed_on, years, due):
    assert review_due_on(signed_on, years) == due


def test_review_due_on_defaults_to_three_years():
    assert review_due_on(date(2026, 3, 2)) == date(2029, 3, 2)


@pytest.mark.parametrize("years", [0, -3])
def test_review_interval_must_be_positive(years):
    with pytest.raises(ValueError):
        review_due_on(date(2025, 1, 1), years)


@pytest.mark.parametrize("today, flags, status", [
    (date(2026, 1, 1), {}, "filed"),
    (DUE - timedelta(days=91), {}, "filed"),
    (DUE - timedelta(days=90), {}, "due_soon"),      # due within 90 days, inclusive
    (DUE - timedelta(days=1), {}, "due_soon"),
    (DUE, {}, "due_soon"),                           # the due day itself is not overdue
    (DUE + timedelta(days=1), {}, "overdue"),
    (DUE + timedelta(days=1), {"revision_required": True}, "revision_required"),
    (DUE + timedelta(days=1), {"superseded": True}, "superseded"),
    (date(2026, 1, 1), {"superseded": True, "revision_required": True}, "superseded"),
    (date(2026, 1, 1), {"revision_required": True}, "revision_required"),
    (DUE - timedelta(days=10), {"due_soon_days": 7}, "filed"),
    (DUE - timedelta(days=7), {"due_soon_days": 7}, "due_soon"),
    (DUE - timedelta(days=1), {"due_soon_days": 0}, "filed"),
    (DUE, {"due_soon_days": 0}, "due_soon"),
])
def test_plan_status(today, flags, status):
    assert plan_status(DUE, today, **flags) == status


@given(st.dates(), st.dates(), st.booleans(), st.booleans(), st.integers(0, 400))
def test_status_precedence(due, today, superseded, revision_required, soon):
    status = plan_status(due, today, superseded=superseded,
                         revision_required=revision_required, due_soon_days=soon)
    assert status in STATUSES
    assert (status == "superseded") == superseded
    if not superseded:
        assert (status == "revision_required") == revision_required
    if not (superseded or revision_required):
        assert (status == "overdue") == (today > due)
        assert (status == "due_soon") == (today <= due and (due - today).days <= soon)


@pytest.mark.parametrize("present, missing", [
    ([], list(DOCUMENTS)),
    (list(DOCUMENTS), []),
    (reversed(DOCUMENTS), []),                                   # any iterable, any order
    (["expert_review", "plan"], ["filing_form", "risk_assessment", "resource_survey"]),
    (["plan", "plan", "filing_form"], ["risk_assessment", "resource_survey", "expert_review"]),
    ({"resource_survey"}, ["filing_form", "plan", "risk_assessment", "expert_review"]),
])
def test_missing_documents(present, missing):
    assert missing_documents(present) == missing


@pytest.mark.parametrize("name", ["drill_report", "Plan", "", None])
def test_unknown_document(name):
    with violates("documents.unknown", value=name):
        missing_documents(["plan", name])
    with violates("documents.unknown", value=name):
        completeness([name])


def test_completeness():
    assert completeness(DOCUMENTS) == "complete"
    assert completeness(DOCUMENTS[:4]) == "missing_documents"
    assert completeness([]) == "missing_documents"


@given(st.sets(st.sampled_from(DOCUMENTS)))
def test_missing_is_the_ordered_complement(present):
    missing = missing_documents(present)
    assert set(missing) | present == set(DOCUMENTS) and not set(missing) & present
    assert missing == sorted(missing, key=DOCUMENTS.index)
    assert completeness(present) == ("complete" if not missing else "missing_documents")
