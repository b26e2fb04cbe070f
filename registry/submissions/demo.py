"""Demo online filing (issue #19): two enterprise accounts (a group with three Yuzhou
enterprises, and a single one) and applications in every state — a draft, one waiting
for review, one past its 5-working-day reply date, one returned for correction, one filed
with its 备案表, one withdrawn. Everything goes through the submission services, acted by
the demo enterprise users and the Yuzhou demo officer, and is marked as demo; the uploaded
documents are one-page PDFs that say they are demo material."""
from __future__ import annotations

import io
import secrets
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from registry.auth.service import create_user
from registry.extensions import db
from registry.models import Enterprise, Plan, User
from registry.permissions import SystemActor
from registry.rules.plan_status import DOCUMENTS
from registry.submissions import service
from registry.submissions.schemas import ReturnIn, SubmissionIn

LOADER = SystemActor("load-demo")
COUNTY = "411081"  # 禹州市: the demo officer yuzhou_officer reviews them
DOCUMENT_TITLES = {"filing_form": "突发环境事件应急预案备案表", "plan": "突发环境事件应急预案及编制说明",
                   "risk_assessment": "突发环境事件风险评估报告",
                   "resource_survey": "环境应急资源调查报告", "expert_review": "应急预案评审意见"}


def demo_pdf(kind: str, enterprise_name: str) -> bytes:
    """A one-page A4 PDF naming the document and saying it is demo material."""
    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    width, height = A4
    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, height - 120, DOCUMENT_TITLES[kind])
    pdf.setFont(font, 12)
    pdf.drawCentredString(width / 2, height - 150, enterprise_name)
    pdf.setFont(font, 28)
    pdf.setFillGray(0.6)
    pdf.drawCentredString(width / 2, height / 2, "演示材料 · 非真实文件")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _enterprises(n: int) -> list[tuple[Enterprise, Plan]]:
    """Demo enterprises of the county with a current plan signed more than a year ago."""
    rows = db.session.execute(
        sa.select(Enterprise, Plan).join(Plan, Plan.enterprise_id == Enterprise.id)
        .where(Enterprise.is_demo, Enterprise.county_code == COUNTY, Plan.is_current)
        .order_by(Plan.signed_on, Enterprise.id).limit(n)).all()
    return [(e, p) for e, p in rows]


def _draft(user, ent, plan, kind, signed_on, title_suffix, changed_on=None):
    return service.create_submission(user, SubmissionIn(
        enterprise_id=ent.id, kind=kind, plan_id=plan.id, signed_on=signed_on,
        title=f"{plan.title.split('（')[0]}（{title_suffix}）", risk_level=plan.risk_level,
        reason="回顾性评估后修订（演示）" if kind == "revision" else "应急联系人变更（演示）",
        changed_on=changed_on))


def _upload(user, sub, ent, kinds, on: date):
    """Upload the demo documents, dated ``on`` (the day the enterprise would have)."""
    for kind in kinds:
        doc = service.attach(user, sub.id, kind, f"{DOCUMENT_TITLES[kind]}（演示）.pdf",
                             io.BytesIO(demo_pdf(kind, ent.name)))
        doc.uploaded_at = datetime.combine(on, time(9, 30))
    db.session.commit()


def load_submissions_demo(today: date) -> list[tuple[str, str, str]]:
    """Returns the demo enterprise accounts' (user name, role, password)."""
    picked = _enterprises(6)
    officer = db.session.scalar(sa.select(User).where(User.username == "yuzhou_officer"))
    if len(picked) < 6 or officer is None:
        return []
    accounts = []
    for username, bound in (("qiye_demo", picked[:3]), ("qiye_demo2", picked[3:6])):
        password = secrets.token_urlsafe(12)
        create_user(LOADER, username, "enterprise", password,
                    display_name=bound[0][0].contact_name,
                    email=f"{username}@example.com",
                    enterprise_codes=[e.credit_code for e, _p in bound])
        accounts.append((username, "enterprise", password))
    group = db.session.scalar(sa.select(User).where(User.username == "qiye_demo"))
    single = db.session.scalar(sa.select(User).where(User.username == "qiye_demo2"))
    days = lambda n: today - timedelta(days=n)  # noqa: E731
    year = today.year
    (e1, p1), (e2, p2), (e3, p3), (e4, p4), (e5, p5), (e6, p6) = picked

    # Filed: a revision submitted, accepted, its 备案表 issued.
    filed = _draft(group, e1, p1, "revision", days(30), f"{year}年修订版")
    _upload(group, filed, e1, DOCUMENTS, days(13))
    service.submit(group, filed.id, today=days(12))
    service.accept(officer, filed.id, today=days(8))
    # Returned for correction, with a reason per document and for the whole.
    returned = _draft(group, e2, p2, "revision", days(25), f"{year}年修订版")
    _upload(group, returned, e2, DOCUMENTS, days(10))
    service.submit(group, returned.id, today=days(9))
    service.return_submission(officer, returned.id, ReturnIn(
        reasons=[{"document": "expert_review", "reason": "评审意见缺少评审专家签字（演示）"},
                 {"document": "resource_survey", "reason": "应急物资清单未列明存放位置和数量（演示）"},
                 {"document": None, "reason": "备案表未加盖单位公章（演示）"}],
        resubmit_by=today + timedelta(days=10)), today=days(5))
    # Waiting for review, received two days ago.
    waiting = _draft(group, e3, p3, "revision", days(20), f"{year}年修订版")
    _upload(group, waiting, e3, DOCUMENTS, days(3))
    service.submit(group, waiting.id, today=days(2))
    # Past its reply date: received 12 days ago, not yet answered.
    late = _draft(single, e4, p4, "revision", days(28), f"{year}年修订版")
    _upload(single, late, e4, DOCUMENTS, days(13))
    service.submit(single, late.id, today=days(12))
    # A draft change notice with two documents so far: the contact changed 9 days ago.
    draft = _draft(single, e5, p5, "change_notice", days(6), "一般变更告知",
                   changed_on=max(days(9), p5.signed_on))
    _upload(single, draft, e5, ("filing_form", "plan"), days(1))
    # Withdrawn by the enterprise before review.
    withdrawn = _draft(single, e6, p6, "revision", days(15), f"{year}年修订版")
    service.withdraw(single, withdrawn.id)
    return accounts

