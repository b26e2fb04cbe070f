"""The lists that can be exported. Headers match the import template where the field is
the same, so an exported register can be edited and imported again.

The core's lists (enterprises, plans) are here, declared by the workflows area; the other
areas declare theirs in their ``Area(exports=...)`` (registry/areas.py)."""
from __future__ import annotations

from registry.enterprises.schemas import EnterpriseQuery
from registry.enterprises.service import all_enterprises
from registry.areas import registry
from registry.plans.schemas import PlanQuery
from registry.plans.service import all_plans
from registry.rules.hj941 import LEVEL_ZH
from registry.rules.plan_status import DOCUMENTS as DOCUMENT_KINDS
from registry.rules.plan_status import missing_documents
from registry.web.labels import DOCUMENTS, STATUSES
from registry.workflows.exports import Column, ExportSpec


def _status(code):
    return STATUSES.get(code, code)  # a lazy label: the export translates each once


def _missing(row) -> str:
    present = [kind for kind in DOCUMENT_KINDS if getattr(row, f"has_{kind}")]
    return "、".join(str(DOCUMENTS[k]) for k in missing_documents(present))


# Rows are plain rows of the enterprise, its county's name and its current plan's columns
# (``enterprises.service.all_enterprises``); the plan's are None without one.
ENTERPRISES = ExportSpec(
    name="enterprises", title="企业名录", query=EnterpriseQuery, rows=all_enterprises,
    columns=(
        Column("企业名称", lambda r: r.name),
        Column("统一社会信用代码", lambda r: r.credit_code),
        Column("所在县（市、区）", lambda r: r.county_name or r.county_code),
        Column("行政区划代码", lambda r: r.county_code),
        Column("详细地址", lambda r: r.address),
        Column("经度", lambda r: r.longitude),
        Column("纬度", lambda r: r.latitude),
        Column("行业类别", lambda r: r.industry),
        Column("联系人", lambda r: r.contact_name),
        Column("联系电话", lambda r: r.contact_phone),
        Column("电子邮箱", lambda r: r.contact_email),
        Column("是否跨区域", lambda r: r.cross_region),
        Column("预案名称", lambda r: r.title),
        Column("签署发布日期", lambda r: r.signed_on),
        Column("备案日期", lambda r: r.filed_on),
        Column("备案编号", lambda r: r.filing_number),
        Column("环境风险等级", lambda r: LEVEL_ZH.get(r.risk_level) if r.plan_id else None),
        Column("风险等级表征", lambda r: r.risk_notation),
        Column("回顾性评估到期日", lambda r: r.review_due_on),
        Column("预案状态", lambda r: _status(r.status)),
    ),
    # An enterprise not yet placed (待定位) is left out of the GeoJSON (it has no point).
    feature=lambda r: None if r.longitude is None else {"id": r.id, "geometry": {
        "type": "Point", "coordinates": [r.longitude, r.latitude]}},
    register_sheets=True,
)

# Rows are plain rows of the plan and its enterprise (``plans.service.all_plans``).
PLANS = ExportSpec(
    name="plans", title="预案备案清单", query=PlanQuery, rows=all_plans,
    columns=(
        Column("备案编号", lambda r: r.filing_number),
        Column("企业名称", lambda r: r.enterprise_name),
        Column("统一社会信用代码", lambda r: r.credit_code),
        Column("所在县（市、区）", lambda r: r.county_name),
        # The import's required columns, so the list imports back (issue #16 §2.8).
        Column("详细地址", lambda r: r.address),
        Column("版本", lambda r: r.version),
        Column("预案名称", lambda r: r.title),
        Column("签署发布日期", lambda r: r.signed_on),
        Column("备案日期", lambda r: r.filed_on),
        Column("备案期限", lambda r: r.filing_deadline),
        Column("逾期备案", lambda r: r.filed_late),
        Column("环境风险等级", lambda r: LEVEL_ZH.get(r.risk_level)),
        Column("风险等级表征", lambda r: r.risk_notation),
        Column("回顾性评估到期日", lambda r: r.review_due_on),
        Column("预案状态", lambda r: _status(r.status)),
        Column("缺少的备案文件", lambda r: _missing(r)),
        Column("备案编号不规范", lambda r: r.filing_number_irregular),
    ),
)


def spec_named(name: str) -> ExportSpec | None:
    """The export called ``name`` (any area's), or None."""
    return registry().exports.get(name)
