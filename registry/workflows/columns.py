"""The import register's columns: Chinese header, schema field, how a cell is read.

The template, the reader and the error report share this one table, so a column added
here appears in all three.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable

from registry.workflows import cells

DOCUMENT_NAMES = {"备案表": "filing_form", "预案及编制说明": "plan", "应急预案": "plan",
                  "风险评估报告": "risk_assessment", "应急资源调查报告": "resource_survey",
                  "评审意见": "expert_review", "专家评审意见": "expert_review"}
# A row whose enterprise name starts with this is the template's example: never imported.
EXAMPLE_MARK = "【示例】"


@dataclass(frozen=True)
class ImportColumn:
    key: str                      # schema field
    header: str                   # Chinese header in the template and the report
    part: str                     # "enterprise" or "plan"
    read: Callable | None = None  # cell -> schema input; None: plain text
    required: bool = False
    example: object = None
    width: int = 14
    aliases: tuple[str, ...] = field(default=())
    note: str = ""
    text: bool = False            # the template formats the column as Text ("@")


COLUMNS: tuple[ImportColumn, ...] = (
    ImportColumn("name", "企业名称", "enterprise", required=True, width=30,
                 example=EXAMPLE_MARK + "许昌市示例化工有限公司", aliases=("单位名称",)),
    ImportColumn("credit_code", "统一社会信用代码", "enterprise", cells.read_code, True,
                 "91411081MA00000072", 22, ("信用代码", "社会信用代码"),
                 note="文本格式（本列已设为文本）；数字格式会丢失第15位以后的数字", text=True),
    ImportColumn("county_code", "所在县（市、区）", "enterprise", None, True, "禹州市", 14,
                 ("县（市、区）", "所属县区", "县区", "区县", "行政区划代码"),
                 note="下拉选择；也可填6位行政区划代码"),
    ImportColumn("address", "详细地址", "enterprise", required=True, width=30,
                 example="禹州市示例路1号", aliases=("地址", "企业地址")),
    # Optional: most county registers have no coordinates; such enterprises are 待定位.
    ImportColumn("longitude", "经度", "enterprise", cells.read_number, False, 113.47, 10,
                 note="可留空（经纬度均空）：企业暂不上图，在“位置核查”中列为待定位"),
    ImportColumn("latitude", "纬度", "enterprise", cells.read_number, False, 34.17, 10),
    ImportColumn("industry", "行业类别", "enterprise", example="化学原料和化学制品制造业", width=22,
                 aliases=("行业",)),
    ImportColumn("contact_name", "联系人", "enterprise", example="王伟", width=10),
    ImportColumn("contact_phone", "联系电话", "enterprise", cells.compact_text,
                 example="13812345678", width=14, aliases=("电话", "手机"), text=True),
    ImportColumn("contact_email", "电子邮箱", "enterprise", cells.compact_text,
                 example="contact@example.com", width=22, aliases=("邮箱",)),
    ImportColumn("cross_region", "是否跨区域", "enterprise", cells.read_bool, example="否", width=10,
                 note="是/否"),
    ImportColumn("title", "预案名称", "plan", width=34, example="突发环境事件应急预案（2023年版）"),
    ImportColumn("signed_on", "签署发布日期", "plan", cells.read_date, example="2023年5月1日",
                 width=14, aliases=("签署日期", "发布日期"),
                 note="2023-05-01、2023/5/1、2023年5月1日或Excel日期"),
    ImportColumn("filed_on", "备案日期", "plan", cells.read_date, example="2023/5/18", width=12),
    ImportColumn("filing_number", "备案编号", "plan", cells.compact_text,
                 example="411081-2023-001-L", width=22, aliases=("备案号",),
                 note="新备案可留空，由系统编号"),
    ImportColumn("risk_level", "环境风险等级", "plan", None, example="一般", width=16,
                 aliases=("风险等级", "环境风险级别"),
                 note="一般/较大/重大，或HJ 941表征，如 较大[较大-大气(Q1-M2-E1)+一般-水(Q0)]"),
    ImportColumn("documents", "备案文件", "plan", None, example="齐全", width=20,
                 aliases=("已备案文件",), note="齐全，或以顿号分隔：备案表、预案及编制说明、风险评估报告、"
                                        "应急资源调查报告、评审意见"),
)

BY_KEY = {c.key: c for c in COLUMNS}
# The HJ 941 notation arrives in the risk level column; its errors belong there.
FIELD_COLUMN = {c.key: c.key for c in COLUMNS} | {"risk_notation": "risk_level",
                                                  "risk_assessment": "risk_level"}
LEVEL_CHOICES = ("一般", "较大", "重大")


def _norm(header) -> str:
    return (cells.compact_text(header) or "").replace("*", "").replace("(", "（").replace(")", "）")


def header_map(headers: list) -> dict[int, ImportColumn]:
    """Column index -> column, matching the Chinese header, an alias or the field name."""
    names = {}
    for column in COLUMNS:
        for name in (column.header, column.key, *column.aliases):
            names[_norm(name)] = column
    found = {}
    for index, header in enumerate(headers):
        column = names.get(_norm(header))
        if column is not None and column not in found.values():
            found[index] = column
    return found
