"""Annual figures: the page and its .docx and .xlsx downloads, each with last year beside
this year."""
from __future__ import annotations

import io

from flask import Blueprint, render_template, request, send_file
from flask_login import current_user, login_required

from registry.clock import today
from registry.errors import ValidationFailed
from registry.workflows.annual import FIRST_YEAR, annual_figures
from registry.workflows.annual_docx import annual_docx, document_title
from registry.workflows.annual_xlsx import annual_xlsx

# Its own blueprint so the navigation marks 年度情况, not the import pages, as current.
bp = Blueprint("annual", __name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    figures = annual_figures(current_user, _year(), compare=True)
    return render_template("workflows/annual.html", figures=figures,
                           years=range(today().year, FIRST_YEAR - 1, -1))


@bp.get("/annual/<int:year>.docx")
@login_required
def download(year):
    figures = annual_figures(current_user, year, compare=True)
    return send_file(io.BytesIO(annual_docx(figures)), mimetype=DOCX, as_attachment=True,
                     download_name=f"{document_title(figures)}.docx")


@bp.get("/annual/<int:year>.xlsx")
@login_required
def download_xlsx(year):
    figures = annual_figures(current_user, year, compare=True)
    return send_file(io.BytesIO(annual_xlsx(figures)), mimetype=XLSX, as_attachment=True,
                     download_name=f"{document_title(figures)}.xlsx")
