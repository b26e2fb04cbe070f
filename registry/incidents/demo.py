"""Demo data of incident mode (is_demo): the bureau's reserve resources, today's duty
officer, and one demo incident on 颍河 at 禹州 with a logged call to 漯河."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from registry.incidents import duty, notify, resources, service
from registry.incidents.schemas import (DutyIn, EntryIn, IncidentIn, NotificationIn, ResourceIn,
                                        SurveyResourceIn)

RESOURCES = (
    ("吸附棉（示例）", "material", 500, "卷", "许昌市生态环境局应急物资储备库", 113.83, 34.02, "0374-2966110"),
    ("围油栏（示例）", "material", 800, "米", "禹州市生态环境分局应急物资库", 113.49, 34.15, "0374-8896110"),
    ("活性炭（示例）", "material", 20, "吨", "襄城县应急物资库", 113.48, 33.85, None),
    ("应急监测车（示例）", "equipment", 2, "辆", "许昌市生态环境监测中心", 113.81, 34.03, "0374-2966120"),
    ("环境应急救援队（示例）", "team", 30, "人", "许昌市环境应急救援队", 113.80, 34.05, "0374-2966119"),
    ("水污染处置专家（示例）", "expert", 1, "人", "河南省环境应急专家库", 113.83, 34.02, "13803740101"),
)


def load_incident_demo(actor, today: date) -> dict:
    """Load the demo rows (each is a unit of work of its own service)."""
    for name, kind, qty, unit, owner, lon, lat, contact in RESOURCES:
        resources.add_resource(actor, ResourceIn(name=name, kind=kind, quantity=qty, unit=unit,
                                                 owner=owner, longitude=lon, latitude=lat,
                                                 contact=contact))
    survey = _survey_rows(actor)
    duty.set_shift(actor, DutyIn(on_date=today, officer="王值班（示例）", phone="0374-2966110"))
    reported = datetime.now(UTC) - timedelta(minutes=50)
    incident = service.create_incident(actor, IncidentIn(
        reported_at=reported, longitude=113.46778, latitude=34.1575, medium="water",
        substance="柴油", quantity_t=3.5, summary="（示例）罐车侧翻，柴油泄漏入颍河",
        reported_by="禹州市巡查人员", report_channel="patrol", level="general"))
    service.add_entry(actor, incident.id, EntryIn(text="（示例）下游投放吸附棉、设置围油栏"))
    if any(o["city"] == "漯河市" for o in incident.notifications_due):
        notify.notify(actor, incident.id, NotificationIn(
            city="漯河市", channel="phone", contact="漯河市生态环境局值班室", note="（示例）已电话通报"))
    return {"incidents": 1, "resources": len(RESOURCES) + survey}


# What a chemical enterprise's 应急资源调查 lists of its own (two rows, on one demo
# enterprise of 禹州 with a filed plan and a location).
SURVEY = (("应急沙袋（示例）", "material", 300, "袋"), ("潜水泵（示例）", "equipment", 2, "台"))


def _survey_rows(actor) -> int:
    import sqlalchemy as sa

    from registry.extensions import db
    from registry.models import Enterprise, Plan

    enterprise_id = db.session.scalar(
        sa.select(Enterprise.id).join(Plan, sa.and_(Plan.enterprise_id == Enterprise.id,
                                                    Plan.is_current))
        .where(Enterprise.county_code == "411081", Enterprise.longitude.is_not(None))
        .order_by(Enterprise.id).limit(1))
    if enterprise_id is None:
        return 0
    for name, kind, qty, unit in SURVEY:
        resources.add_survey_row(actor, enterprise_id, SurveyResourceIn(
            name=name, kind=kind, quantity=qty, unit=unit))
    return len(SURVEY)
