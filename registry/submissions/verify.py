"""``GET /verify/<code>`` (no log-in): anyone holding a 备案表's verification code can check
the filing — number, enterprise, level, filing date, current or superseded — and nothing
personal. Codes are 128 random bits (hex, shown in groups of four); unknown codes are 404;
each address may ask ``VERIFY_RATE_LIMIT_PER_MINUTE`` times a minute (kept per worker
process: with N workers an address gets at most N times that)."""
from __future__ import annotations

import re
import threading
import time
from collections import defaultdict, deque

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from registry.paging import page_of
from registry.errors import NotFound
from registry.extensions import db
from registry.models import Plan, Submission

bp = Blueprint("verify", __name__)

_hits: dict[str, deque] = defaultdict(deque)
_lock = threading.Lock()


def _allowed(address: str, limit: int, now: float | None = None) -> bool:
    now = time.monotonic() if now is None else now
    with _lock:
        hits = _hits[address]
        while hits and now - hits[0] > 60:
            hits.popleft()
        if len(hits) >= limit:
            return False
        hits.append(now)
        if len(_hits) > 10000:  # forget idle addresses
            for key in [k for k, v in _hits.items() if not v]:
                del _hits[key]
        return True


def grouped(code: str) -> str:
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))


def normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def lookup(code: str) -> dict:
    """The public facts of the filing a verification code stands for. Raises NotFound."""
    code = normalise(code)
    row = None
    if re.fullmatch(r"[0-9a-f]{32}", code):
        row = db.session.execute(
            sa.select(Plan.filing_number, Plan.risk_level, Plan.risk_notation, Plan.filed_on,
                      Plan.is_current, Plan.superseded_on, Submission.enterprise_id)
            .join(Submission, Submission.accepted_plan_id == Plan.id)
            .where(Submission.verify_code == code)).first()
    if row is None:
        raise NotFound(_("No filing has this verification code."))
    from registry.models import Enterprise

    name = db.session.scalar(sa.select(Enterprise.name).where(Enterprise.id == row.enterprise_id))
    return {"code": grouped(code), "filing_number": row.filing_number, "enterprise_name": name,
            "risk_level": row.risk_level, "risk_notation": row.risk_notation,
            "filed_on": row.filed_on, "current": row.is_current,
            "superseded_on": row.superseded_on}


@bp.get("/verify/<code>")
def verify(code):
    limit = current_app.config.get("VERIFY_RATE_LIMIT_PER_MINUTE", 30)
    if not _allowed(request.remote_addr or "-", limit):
        return render_template("error.html", status=429, message=_(
            "Too many verification requests from your address; try again in a minute.")), 429
    return render_template("submissions/verify.html", filing=lookup(code))


PUBLIC_PER_PAGE = 50


def public_filings(county_code: str | None, page: int) -> tuple[list, int]:
    """公示: current filings by county — enterprise name, filing number, level, filing date;
    nothing personal. Returns (rows, total)."""
    from registry.models import County, Enterprise

    stmt = (sa.select(County.name.label("county"), Enterprise.name, Plan.filing_number,
                      Plan.risk_level, Plan.filed_on)
            .join(Enterprise, Enterprise.id == Plan.enterprise_id)
            .join(County, County.code == Enterprise.county_code)
            .where(Plan.is_current))
    if county_code:
        stmt = stmt.where(Enterprise.county_code == county_code)
    return page_of(stmt, (Enterprise.county_code, Enterprise.name, Plan.id), page,
                   PUBLIC_PER_PAGE, rows=True)


@bp.get("/public/filings")
def filings():
    if not current_app.config.get("PUBLIC_FILINGS_LIST", True):
        raise NotFound(_("The public list of filings is not published."))
    from registry.jurisdictions.service import list_counties

    county = request.args.get("county") or None
    page = request.args.get("page", "1")
    page = max(1, min(int(page), 10**6)) if page.isdigit() else 1
    rows, total = public_filings(county, page)
    return render_template("submissions/public_filings.html", rows=rows, total=total,
                           page=page, per_page=PUBLIC_PER_PAGE, county=county,
                           counties=list_counties())
