"""The 备案表 receipt (issue #19): an A4 PDF built from an accepted submission.

Chinese is set in ReportLab's built-in CID font STSong-Light (Adobe-GB1): the PDF refers to
the font by name and viewers supply it, so nothing has to be installed or bundled on the
server, and the text stays extractable (tests read it back with pypdf)."""
from __future__ import annotations

import io
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from registry.errors import NotFound
from registry.extensions import db
from registry.models.jurisdiction import County
from registry.models.plans import Plan
from registry.models.submissions import Submission
from registry.submissions import service
from registry.submissions.verify import grouped

FONT = "STSong-Light"


@dataclass(frozen=True)
class Receipt:
    pdf: bytes
    verify_url: str  # the QR code's payload
    filename: str


def verify_url(code: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/verify/{code}"


def bureau_name(county: County | None) -> str:
    """受理部门: the county bureau, e.g. 许昌市生态环境局魏都区分局."""
    if county is None:
        return _("County ecology and environment bureau")
    return _("%(city)s Ecology and Environment Bureau, %(county)s branch",
             city=county.city_name, county=county.name)


def accepted_submission(actor, submission_id: int) -> Submission:
    """The submission if the caller may see it and it has been accepted; 404 otherwise."""
    sub = service.get_submission(actor, submission_id)
    if sub.status != "accepted" or sub.accepted_plan_id is None or not sub.verify_code:
        raise NotFound(_("The filing form exists once the submission has been accepted."))
    return sub


def fields(sub: Submission) -> tuple[dict, Plan]:
    """What the form shows (key → (label, value), in the form's order) and the filed plan."""
    from registry.web.labels import DOCUMENTS, LEVELS

    plan = db.session.get(Plan, sub.accepted_plan_id)
    ent = sub.enterprise
    level = str(LEVELS.get(plan.risk_level, plan.risk_level))
    if plan.risk_notation:
        level = f"{level}（{plan.risk_notation}）"
    contact = "　".join(x for x in (ent.contact_name, ent.contact_phone) if x) or "—"
    docs = sub.current_documents
    received = [str(DOCUMENTS[k]) for k in DOCUMENTS if k in docs]
    return {
        "enterprise": (_("Organisation name"), ent.name),
        "credit_code": (_("Unified social credit code"), ent.credit_code),
        "address": (_("Address"), ent.address),
        "contact": (_("Contact and telephone"), contact),
        "title": (_("Plan title"), plan.title),
        "level": (_("Environmental risk level"), level),
        "signed_on": (_("Signed and issued on"), plan.signed_on.isoformat()),
        "filing_number": (_("Filing number"), plan.filing_number),
        "received_on": (_("Received on"), (sub.first_received_on or sub.received_on
                                          or plan.filed_on).isoformat()),
        "filed_on": (_("Filed on"), plan.filed_on.isoformat()),
        "documents": (_("Documents received"), "、".join(received) or "—"),
        "opinion": (_("Filing opinion"),
                    _("The filing documents are complete; the plan is filed.")),
    }, plan


def build(sub: Submission) -> Receipt:
    """The receipt's bytes for an accepted submission (no access check: see
    :func:`accepted_submission`)."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))  # idempotent
    data, plan = fields(sub)
    county = db.session.get(County, sub.enterprise.county_code)
    bureau = bureau_name(county)
    demo = bool(sub.is_demo or sub.enterprise.is_demo or plan.is_demo)
    url = verify_url(sub.verify_code)

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    pdf.setTitle(_("Filing form of an enterprise's environmental emergency plan"))
    pdf.setAuthor(bureau)
    width, height = A4
    left, right = 20 * mm, width - 20 * mm

    if demo:  # a big grey watermark and a header note
        pdf.saveState()
        pdf.setFillGray(0.85)
        pdf.setFont(FONT, 90)
        pdf.translate(width / 2, height / 2)
        pdf.rotate(35)
        pdf.drawCentredString(0, 0, _("DEMO"))
        pdf.restoreState()
        pdf.setFont(FONT, 10)
        pdf.drawRightString(right, height - 14 * mm,
                            _("Demonstration data — not a real filing"))

    pdf.setFont(FONT, 12)
    pdf.drawCentredString(width / 2, height - 22 * mm, bureau)
    pdf.setFont(FONT, 17)
    pdf.drawCentredString(width / 2, height - 32 * mm,
                          _("Filing form of an enterprise's environmental emergency plan"))

    # The table: label column and value column, one row per field; long values wrap, and
    # the font shrinks until the table leaves room for the seal and the code below it.
    top = height - 42 * mm
    label_w = 42 * mm
    value_w = right - left - label_w - 6 * mm
    budget = top - (20 + 38 + 42) * mm
    for size in (10.5, 9.5, 8.5, 7.5, 6.5, 5.5):
        lead = size * 0.5 * mm
        rows = [(wrap_text(str(label), label_w - 5 * mm, size), wrap_text(str(value), value_w, size))
                for label, value in data.values()]
        heights = [max(11 * mm * size / 10.5, (max(len(a), len(b)) * lead) + 4 * mm)
                   for a, b in rows]
        if sum(heights) <= budget:
            break
    y = top
    pdf.setLineWidth(0.6)
    pdf.setFont(FONT, size)
    for (label_lines, lines), h in zip(rows, heights, strict=True):
        pdf.rect(left, y - h, right - left, h)
        pdf.line(left + label_w, y, left + label_w, y - h)
        for x, column in ((left + 3 * mm, label_lines), (left + label_w + 3 * mm, lines)):
            ty = y - (h - len(column) * lead) / 2 - lead * 0.75
            for line in column:
                pdf.drawString(x, ty, line)
                ty -= lead
        y -= h
    pdf.setFont(FONT, 10.5)

    # 受理部门 with room for the seal.
    seal_h = 38 * mm
    pdf.rect(left, y - seal_h, right - left, seal_h)
    pdf.line(left + label_w, y, left + label_w, y - seal_h)
    pdf.drawString(left + 3 * mm, y - seal_h / 2, _("Receiving department"))
    pdf.drawString(left + label_w + 3 * mm, y - 9 * mm, bureau)
    pdf.drawRightString(right - 12 * mm, y - seal_h + 14 * mm, _("(seal)"))
    pdf.drawRightString(right - 12 * mm, y - seal_h + 7 * mm, data["filed_on"][1])
    y -= seal_h

    # The verification code, its URL and the QR code.
    qr_size = 32 * mm
    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(qr_size, qr_size, transform=[qr_size / (x1 - x0), 0, 0,
                                                   qr_size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, right - qr_size, y - qr_size - 6 * mm)
    pdf.setFont(FONT, 10.5)
    pdf.drawString(left, y - 12 * mm, _("Verification code: %(code)s", code=grouped(sub.verify_code)))
    pdf.setFont(FONT, 9)
    pdf.drawString(left, y - 19 * mm, _("Verify at: %(url)s", url=url))
    pdf.drawString(left, y - 25 * mm,
                   _("Anyone may check this form by scanning the code or opening the address."))
    pdf.showPage()
    pdf.save()
    return Receipt(buf.getvalue(), url, f"{plan.filing_number}.pdf")


def wrap_text(text: str, width: float, size: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` points (CJK: any character breaks)."""
    lines, line = [], ""
    for ch in text:
        if pdfmetrics.stringWidth(line + ch, FONT, size) > width:
            lines.append(line)
            line = ch
        else:
            line += ch
    return [*lines, line] if line else lines or [""]


def receipt_for(actor, submission_id: int) -> Receipt:
    return build(accepted_submission(actor, submission_id))


__all__ = ["Receipt", "accepted_submission", "build", "fields", "receipt_for", "verify_url"]
