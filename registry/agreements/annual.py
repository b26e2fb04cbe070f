"""The agreements section of the annual figures (``registry.workflows.annual``), in the
bureau's report style (seed report, 2023): “与漯河、周口、平顶山等市生态环境部门签订
《上下游突发水污染事件联防联控工作协议》”.

An agreement counts as *signed* in the year of ``signed_on``, as *renewed* in the year of a
``renewal_on`` already past on the day the figures are made, and as *in force* on a day
between its signing and its expiry."""
from __future__ import annotations

from datetime import date

from registry.agreements.schemas import AgreementQuery
from registry.agreements.service import list_agreements
from registry.workflows.annual import Section, SectionResult, Table, until_words

DOCUMENT = "《上下游突发水污染事件联防联控工作协议》"

# The eight elements of 环应急〔2020〕5号 as the report names them.
ELEMENT_WORDS = {"cooperation": "协作机制", "risk_warning": "研判预警", "interception": "污染拦截",
                 "notification": "信息通报", "joint_monitoring": "联合监测",
                 "joint_response": "协同处置", "dispute_resolution": "纠纷调处",
                 "support": "应急保障"}


def elements_words(agreement) -> str:
    """``8/8`` when all eight are covered, else ``5/8，缺：协同处置、纠纷调处、应急保障``."""
    from registry.agreements.service import elements_of

    missing = [ELEMENT_WORDS[k] for k, v in elements_of(agreement).items() if not v["covered"]]
    text = f"{len(ELEMENT_WORDS) - len(missing)}/{len(ELEMENT_WORDS)}"
    return text + (f"，缺：{'、'.join(missing)}" if missing else "")


def cities_words(names: list[str]) -> str:
    """漯河市 alone; 漯河、周口、平顶山等市 for several (the report's way)."""
    names = list(dict.fromkeys(names))
    if len(names) == 1:
        return names[0]
    return "、".join(n.removesuffix("市") for n in names) + "等市"


def _cities(agreements) -> list[str]:
    return [p.city_name for a in agreements for p in a.parties]


def _in_year(day: date | None, year: int, as_of: date) -> bool:
    return day is not None and date(year, 1, 1) <= day <= as_of


def _events(agreement, year: int, as_of: date) -> list[str]:
    events = []
    if _in_year(agreement.signed_on, year, as_of):
        events.append("新签")
    if _in_year(agreement.renewal_on, year, as_of):
        events.append("续签")
    if _in_year(agreement.expires_on, year, as_of) and agreement.expires_on < as_of:
        events.append("到期")
    elif agreement.signed_on <= as_of <= agreement.expires_on:
        events.append("有效")
    return events


def agreement_section(actor, year: int, as_of: date) -> SectionResult:
    """Agreements signed or renewed in ``year``, those in force on ``as_of``, and a table
    of every agreement that was in force at some time in the year."""
    rows = sorted((a for a, _status in list_agreements(actor, AgreementQuery())),
                  key=lambda a: (a.signed_on, a.id))
    relevant = [a for a in rows if a.signed_on <= as_of and a.expires_on >= date(year, 1, 1)]
    signed = [a for a in relevant if _in_year(a.signed_on, year, as_of)]
    renewed = [a for a in relevant if _in_year(a.renewal_on, year, as_of)]
    in_force = [a for a in relevant if a.signed_on <= as_of <= a.expires_on]
    parts = []
    if signed:
        parts.append(f"与{cities_words(_cities(signed))}生态环境部门签订{DOCUMENT}")
    if renewed:
        parts.append(f"与{cities_words(_cities(renewed))}续签上下游突发水污染事件联防联控协议")
    if in_force:
        parts.append(f"{until_words(year, as_of)}，与{cities_words(_cities(in_force))}"
                     f"签订的{len(in_force)}份上下游联防联控协议均在有效期内")
    sentences = ["，".join(parts) + "。"] if parts else []
    table = Table("上下游突发水污染事件联防联控协议",
                  ["协议名称", "签约城市", "签订日期", "有效期至", "年内情况", "涵盖要素"],
                  [[a.title, "、".join(p.city_name for p in a.parties), a.signed_on.isoformat(),
                    a.expires_on.isoformat(), "、".join(_events(a, year, as_of)),
                    elements_words(a)]
                   for a in relevant], wide=True)
    return SectionResult(sentences, [table], {
        "signed": [a.id for a in signed], "renewed": [a.id for a in renewed],
        "in_force": [a.id for a in in_force], "cities_signed": _cities(signed),
        "cities_in_force": _cities(in_force)})


SECTION = Section("agreements", agreement_section, order=20)
