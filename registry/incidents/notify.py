"""Notifying a downstream city (通报): an e-mail to the agreement's contacts through the
app's SMTP path (registry/reminders/mail.py) with the notification sheet (通报单) as PDF,
or a logged phone call / fax. Each is stamped and marked late past its due time."""
from __future__ import annotations

import io
from datetime import datetime

from flask import current_app, url_for
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from registry import audit
from registry.errors import DomainError, ValidationFailed
from registry.extensions import db
from registry.incidents import rules, service
from registry.incidents.schemas import NotificationIn
from registry.jurisdictions.service import home_city_name
from registry.models import Incident, IncidentNotification
from registry.submissions.receipt import wrap_text

FONT = "STSong-Light"


class MailNotSent(DomainError):
    """No contact's address accepted the mail (answered with 503; nothing recorded)."""

    code = "service_unavailable"


def owed_for(incident: Incident, city: str) -> dict:
    """The owed notification of ``city`` ("漯河" or "漯河市"). Raises ValidationFailed."""
    for owed in incident.notifications_due:
        if city in (owed["city"], owed["city"].removesuffix("市")):
            return owed
    cities = "、".join(o["city"] for o in incident.notifications_due) or "—"
    raise ValidationFailed({"city": [_("%(city)s is not downstream of this incident; the trace "
                                       "reaches: %(cities)s.", city=city, cities=cities)]})


def sheet_fields(incident: Incident, owed: dict) -> list[tuple[str, str]]:
    """What the mail and the sheet state: what, where, when, substance, arrival, call-back."""
    arrival = service.local(incident.reported_at + _hours(owed["arrival_hours"]))
    duty = service.duty_today()
    callback = (f"{duty.officer} {duty.phone}（24小时值班）" if duty
                else current_app.config.get("INCIDENT_CALLBACK", "") or "—")
    quantity = f"约{incident.quantity_t:g}吨" if incident.quantity_t is not None else "不详"
    where = incident.enterprise.name if incident.enterprise else (incident.place or "")
    return [
        ("事件", f"{service.EXERCISE if incident.drill_id else ''}{incident.summary}"),
        ("事发地点", f"{where}（东经{incident.longitude:.5f}，北纬{incident.latitude:.5f}）"),
        ("接报时间", f"{service.local(incident.reported_at):%Y年%m月%d日 %H:%M}"),
        ("污染物及数量", f"{incident.substance}，{quantity}"),
        ("初判级别", service.LEVEL_NAMES[incident.level]),
        ("影响水体", "、".join(owed["rivers"]) or "—"),
        ("预计到达", f"约{owed['arrival_hours']:g}小时后（{arrival:%m月%d日 %H:%M}前后）进入{owed['city']}，"
                     f"沿河约{owed['distance_km']:g}公里"
                     + (f"，经{'、'.join(owed['sections'])}" if owed["sections"] else "")),
        ("通报单位", f"{home_city_name()}生态环境局"),
        ("回复联系", callback),
    ]


def _hours(h: float):
    from datetime import timedelta

    return timedelta(hours=float(h))


def sheet_pdf(incident: Incident, owed: dict) -> bytes:
    """The notification sheet for one city, A4, Chinese in STSong-Light."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    heading = (service.EXERCISE if incident.drill_id else "") + "突发水污染事件上下游通报单"
    pdf.setTitle(heading)
    pdf.setAuthor(f"{home_city_name()}生态环境局")
    width, height = A4
    left, right = 20 * mm, width - 20 * mm
    pdf.setFont(FONT, 17)
    pdf.drawCentredString(width / 2, height - 28 * mm, heading)
    pdf.setFont(FONT, 11)
    pdf.drawString(left, height - 40 * mm, f"致：{owed['city']}生态环境局")
    y, label_w, size = height - 46 * mm, 32 * mm, 10.5
    lead = size * 0.5 * mm
    for label, value in sheet_fields(incident, owed):
        lines = wrap_text(value, right - left - label_w - 6 * mm, size)
        h = max(10 * mm, len(lines) * lead + 4 * mm)
        pdf.rect(left, y - h, right - left, h)
        pdf.line(left + label_w, y, left + label_w, y - h)
        pdf.setFont(FONT, size)
        pdf.drawString(left + 3 * mm, y - h / 2 - lead * 0.3, label)
        ty = y - (h - len(lines) * lead) / 2 - lead * 0.75
        for line in lines:
            pdf.drawString(left + label_w + 3 * mm, ty, line)
            ty -= lead
        y -= h
    pdf.drawRightString(right, y - 12 * mm,
                        f"{service.local(service.now_utc()):%Y年%m月%d日 %H:%M}")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _record(actor, incident: Incident, owed: dict, channel: str, at: datetime, **fields):
    due_by = datetime.fromisoformat(owed["due_by"])
    late = rules.is_late(at, due_by)
    row = IncidentNotification(city=owed["city"], agreement_id=owed["agreement_id"],
                               channel=channel, at=at, due_by=due_by, late=late,
                               by_name=service.actor_name(actor), **fields)
    incident.notifications.append(row)
    how = {"email": "电子邮件", "phone": "电话", "fax": "传真"}[channel]
    whom = "、".join(fields.get("recipients") or []) or fields.get("contact") or ""
    service.record_event(incident, "notification",
                   f"以{how}通报{owed['city']}{('（' + whom + '）') if whom else ''}"
                   + ("，已超过时限" if late else "")
                   + (f"：{fields['note']}" if fields.get("note") else ""),
                   actor, at, {"city": owed["city"], "channel": channel, "late": late})
    db.session.flush()
    audit.record(actor, "incident.notify", "incident", incident.id, None,
                 {"city": owed["city"], "channel": channel, "late": late, "to": whom})
    return row


def notify(actor, incident_id: int, data: NotificationIn) -> IncidentNotification:
    """Send the e-mail or log the call/fax. Raises ValidationFailed (unknown city, no
    address, no contact named), NotFound, PermissionDenied, Conflict (closed),
    MailNotSent (the server refused every address or is down)."""
    incident = service.get_for_write(actor, incident_id)
    owed = owed_for(incident, data.city)
    if data.channel != "email":
        if not data.contact:
            raise ValidationFailed({"contact": [_("Name whom you called.")]})
        at = service.to_utc(data.at) if data.at else service.now_utc()
        service._check_time("at", at)
        row = _record(actor, incident, owed, data.channel, at, contact=data.contact,
                      note=data.note)
        db.session.commit()
        return row
    addresses = [c for c in owed["contacts"] if c.get("email")]
    if not addresses:
        raise ValidationFailed({"city": [_("No contact of %(city)s has an e-mail address: "
                                           "call the duty phone and log the call.",
                                           city=owed["city"])]})
    sent = _send(incident, owed, addresses)
    row = _record(actor, incident, owed, "email", service.now_utc(), recipients=sent,
                  note=data.note)
    db.session.commit()
    return row


def _send(incident: Incident, owed: dict, contacts: list[dict]) -> list[str]:
    from registry.reminders.mail import (RecipientRefused, TransportDown, build_message,
                                         transport_for)

    config = current_app.config
    fields = sheet_fields(incident, owed)
    prefix = service.EXERCISE if incident.drill_id else ""
    subject = f"{prefix}突发水污染事件通报：{incident.substance}（{home_city_name()}→{owed['city']}）"
    text = "\n".join([f"{owed['city']}生态环境局：", ""] + [f"{k}：{v}" for k, v in fields]
                     + ["", "通报单见附件（PDF）。请收到后回复。"])
    from markupsafe import escape

    html = ("<p>" + escape(owed["city"]) + "生态环境局：</p><table>"
            + "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in fields)
            + "</table><p>通报单见附件（PDF）。请收到后回复。</p>")
    pdf = sheet_pdf(incident, owed)
    transport, sent, errors = transport_for(config), [], []
    try:
        for c in contacts:
            msg = build_message(config, c["email"], c["name"], subject, text, html,
                                attachments=[(f"通报单-{owed['city']}.pdf", "application/pdf", pdf)])
            try:
                transport.send(msg, c["email"])
                sent.append(c["email"])
            except RecipientRefused as exc:
                errors.append(f"{c['email']}: {exc}")
            except TransportDown as exc:
                errors.append(str(exc))
                break
    finally:
        transport.close()
    if not sent:
        raise MailNotSent(_("The mail was not sent (%(errors)s): call the duty phone and log "
                            "the call.", errors="; ".join(errors)))
    return sent


def sheet_url(incident: Incident, city: str) -> str:
    return url_for("incidents.sheet", incident_id=incident.id, city=city)
