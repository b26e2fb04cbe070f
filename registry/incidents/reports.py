"""初报 / 续报 / 处理结果报告 as .docx (python-docx, the annual report's layout: A4 with the
GB/T 9704 margins, 黑体 title, 仿宋 body), with the contents the reporting rules ask for:
time, place, source, pollutant and quantity, casualties, affected water and receptors,
trend, measures taken, next steps. ``prefill`` gives the editable contents."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from registry.incidents import service
from registry.incidents.schemas import ReportIn
from registry.jurisdictions.service import home_city_name
from registry.models import Incident
from registry.unit_of_work import finish
from registry.workflows.annual_docx import BODY_FONT, HEADING_FONT, _a4, _font

SECTIONS = (("time", "一、事发时间"), ("place", "二、事发地点"), ("source", "三、事件起因和污染源"),
            ("pollutant", "四、污染物及数量"), ("casualties", "五、人员伤亡情况"),
            ("affected", "六、影响水体和敏感目标"), ("trend", "七、事态发展趋势"),
            ("measures", "八、已采取的措施"), ("next_steps", "九、下一步工作"))


def prefill(incident: Incident, stage: str = "initial") -> dict:
    """The report's paragraphs as the record states them (the officer edits them)."""
    trace = incident.trace or {}
    receptors = [h for h in trace.get("hits", [])
                 if h["kind"] in ("drinking_water_intake", "receptor", "section", "city")]
    affected = "；".join(f"{h['name']}（沿河约{h['distance_along_river_m'] / 1000:.1f}公里，"
                        f"预计{h['arrival_hours']:.1f}小时到达）" for h in receptors[:12])
    rivers = "、".join(trace.get("rivers") or [])
    measures = "；".join(e.text for e in incident.events if e.kind in ("measure", "notification"))
    where = incident.enterprise.name if incident.enterprise else ""
    quantity = f"，约{incident.quantity_t:g}吨" if incident.quantity_t is not None else "，数量待核实"
    return {
        "stage": stage,
        "time": f"{service.local(incident.reported_at):%Y年%m月%d日%H时%M分}接报",
        "place": "，".join(x for x in (where, incident.place,
                                       f"东经{incident.longitude:.5f}、北纬{incident.latitude:.5f}") if x),
        "source": incident.summary,
        "pollutant": f"{incident.substance}{quantity}",
        "casualties": "暂无人员伤亡报告。",
        "affected": (f"可能影响{rivers}。" if rivers else "") + affected,
        "trend": f"初步判断为{service.LEVEL_NAMES[incident.level]}突发环境事件，事态正在监测中。",
        "measures": measures or "已启动应急响应。",
        "next_steps": "继续加密监测，做好下游通报和拦截处置，及时续报。",
    }


def report_docx(incident: Incident, data: ReportIn) -> tuple[bytes, str]:
    """The report's bytes and file name."""
    stage_name = service.STAGE_NAMES[data.stage]
    prefix = service.EXERCISE if incident.drill_id else ""
    title = f"{prefix}关于{incident.substance}突发环境事件的{stage_name}"
    document = Document()
    _a4(document)
    props = document.core_properties
    props.author = props.last_modified_by = f"{home_city_name()}生态环境局"
    props.title, props.comments = title, ""
    head = document.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(head.add_run(title), HEADING_FONT, 16)
    addressee = document.add_paragraph()
    _font(addressee.add_run(f"{home_city_name()}人民政府、上一级生态环境主管部门："), BODY_FONT, 16)
    for key, heading in SECTIONS:
        text = getattr(data, key) or ""
        p = document.add_paragraph()
        _font(p.add_run(heading), HEADING_FONT, 16)
        for line in (text.splitlines() or ["—"]):
            body = document.add_paragraph()
            body.paragraph_format.first_line_indent = Pt(32)
            _font(body.add_run(line), BODY_FONT, 16)
    sign = document.add_paragraph()
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(sign.add_run(f"{home_city_name()}生态环境局\n"
                       f"{service.local(service.now_utc()):%Y年%m月%d日}"), BODY_FONT, 16)
    buf = io.BytesIO()
    document.save(buf)
    name = f"{prefix}{stage_name}-{incident.id}.docx"
    return buf.getvalue(), name


def report_for(actor, incident_id: int, stage: str) -> tuple[bytes, str]:
    """The report generated from the record (API). Raises NotFound, PermissionDenied."""
    incident = service.get_incident(actor, incident_id)
    return report_docx(incident, ReportIn(**prefill(incident, stage)))


def issue_report(actor, incident_id: int, data: ReportIn) -> tuple[bytes, str]:
    """The edited report; the timeline records that it was issued (one unit of work)."""
    incident = service.get_for_write(actor, incident_id, open_only=False)
    content = report_docx(incident, data)
    service.record_event(incident, "report_issued", f"{service.STAGE_NAMES[data.stage]}已出具",
                   actor, data={"stage": data.stage})
    finish()
    return content
