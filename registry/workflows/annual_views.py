"""Annual figures: the page and its .docx download."""
from __future__ import annotations

import io

from flask import Blueprint, render_template, request, send_file
from flask_login import current_user, login_required

from registry.clock import today
from registry.errors import ValidationFailed
from registry.workflows.annual import FIRST_YEAR, annual_figures
from registry.workflows.annual_docx import annual_docx, document_title

# Its own blueprint so the navigation marks 年度情况, not the import pages, as current.
bp = Blueprint("annual", __name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _year() -> int:
    raw = request.args.get("year", "")
    if raw == "":
        return today().year
    if not raw.isdigit():
        raise ValidationFailed({"year": [str(raw)]})
    return int(raw)


@bp.get("/annual")
@login_required
def index():
    figures = annual_figures(current_user, _year())
    return render_template("workflows/annual.html", figures=figures,
                           years=range(today().year, FIRST_YEAR - 1, -1))


@bp.get("/annual/<int:year>.docx")
@login_required
def download(year):
    figures = annual_figures(current_user, year)
    return send_file(io.BytesIO(annual_docx(figures)), mimetype=DOCX, as_attachment=True,
                     download_name=f"{document_title(figures)}.docx")
