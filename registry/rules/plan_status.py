"""Plan documents and status on the review clock (domain.md §2).

The five filing documents decide whether a filing is complete; the status
(filed / due soon / overdue / superseded / revision required) follows the
回顾性评估 (retrospective review) clock and is reported separately.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from registry.rules import RuleViolation

# 备案表, 预案及编制说明, 风险评估报告, 应急资源调查报告, 评审意见 — in this order.
DOCUMENTS = ("filing_form", "plan", "risk_assessment", "resource_survey", "expert_review")
STATUSES = ("filed", "due_soon", "overdue", "superseded", "revision_required")
REVIEW_INTERVAL_YEARS = 3
DUE_SOON_DAYS = 90


def review_due_on(signed_on: date, years: int = REVIEW_INTERVAL_YEARS) -> date:
    """回顾性评估 due date: ``signed_on`` plus ``years`` calendar years
    (29 February becomes 28 February in a common year). ValueError if ``years`` < 1."""
    if years < 1:
        raise ValueError(f"review interval must be at least 1 year, got {years}")
    try:
        return signed_on.replace(year=signed_on.year + years)
    except ValueError:  # 29 February -> a year without one
        return signed_on.replace(year=signed_on.year + years, day=28)


def review_overdue(review_due_on: date, today: date, *, superseded: bool = False) -> bool:
    """True when a current plan is past its 回顾性评估 date. A fact of the review clock,
    apart from the revision flag: a plan can be overdue and need revision at once, and the
    status (one word) then says ``revision_required`` while this still says overdue."""
    return not superseded and today > review_due_on


def plan_status(review_due_on: date, today: date, *, superseded: bool = False,
                revision_required: bool = False, due_soon_days: int = DUE_SOON_DAYS) -> str:
    """The plan's status, first that applies: ``superseded`` (a newer version is
    filed), ``revision_required`` (a drill or incident exposed problems),
    ``overdue`` (today is after ``review_due_on``), ``due_soon`` (due within
    ``due_soon_days``, inclusive), else ``filed``."""
    if superseded:
        return "superseded"
    if revision_required:
        return "revision_required"
    if review_overdue(review_due_on, today):
        return "overdue"
    if (review_due_on - today).days <= due_soon_days:  # no date overflow near date.max
        return "due_soon"
    return "filed"


def missing_documents(present: Iterable[str]) -> list[str]:
    """The documents not in ``present``, in :data:`DOCUMENTS` order.

    Raises RuleViolation ``documents.unknown`` (``value``) for a name not in DOCUMENTS.
    """
    have = set()
    for name in present:
        if name not in DOCUMENTS:
            raise RuleViolation("documents.unknown", f"unknown filing document {name!r}",
                                value=name)
        have.add(name)
    return [name for name in DOCUMENTS if name not in have]


def completeness(present: Iterable[str]) -> str:
    """``"complete"`` when all five documents are present, else ``"missing_documents"``."""
    return "missing_documents" if missing_documents(present) else "complete"
