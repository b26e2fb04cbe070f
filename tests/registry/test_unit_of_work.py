"""Several service calls as one transaction (issue #15 §6): inside ``unit_of_work`` the
services' commits wait for the end, a failure rolls every one back, and
``unit_of_work(demo=True)`` marks what they create as demo data."""
import pytest
import sqlalchemy as sa

from tests.conftest import enterprise_payload, plan_payload


def _count(model):
    from registry.extensions import db

    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_failure_rolls_back_every_call_of_the_unit(app):
    from registry.enterprises.schemas import EnterpriseIn
    from registry.enterprises.service import create_enterprise
    from registry.errors import Conflict
    from registry.models import Enterprise, Plan
    from registry.permissions import SYSTEM
    from registry.plans.schemas import PlanIn
    from registry.plans.service import file_plan
    from registry.unit_of_work import unit_of_work

    with app.test_request_context(method="POST"):
        with pytest.raises(Conflict), unit_of_work():
            e = create_enterprise(SYSTEM, EnterpriseIn(**enterprise_payload(1)))
            file_plan(SYSTEM, PlanIn(**plan_payload(e.id)))
            file_plan(SYSTEM, PlanIn(**plan_payload(e.id)))  # a second current plan: refused
        assert (_count(Enterprise), _count(Plan)) == (0, 0)
        with unit_of_work(demo=True):
            e = create_enterprise(SYSTEM, EnterpriseIn(**enterprise_payload(2)))
            plan = file_plan(SYSTEM, PlanIn(**plan_payload(e.id)))
        assert e.is_demo and plan.is_demo and _count(Plan) == 1
        alone = create_enterprise(SYSTEM, EnterpriseIn(**enterprise_payload(3)))  # commits itself
        assert not alone.is_demo and _count(Enterprise) == 2
