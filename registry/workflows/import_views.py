"""Import pages (routes on the workflows blueprint): upload -> preview (a dry run) -> confirm;
template and error report. The check and the import each run as a job
(``import_jobs``): the request waits a moment for it, and a big file gets the status page."""
from __future__ import annotations

import io

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry.areas import registry
from registry.errors import ValidationFailed
from registry.extensions import db
from registry.jurisdictions.service import list_counties
from registry.workflows import import_jobs, uploads
from registry.workflows.permissions import require_import
from registry.workflows.importer import read_upload
from registry.workflows.workbooks import report_workbook, template_workbook

from registry.workflows.views import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, name: str):
    return send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.get("/import")
@login_required
def import_form():
    require_import(current_user)
    return render_template("workflows/import.html", errors={})


@bp.get("/import/template.xlsx")
@login_required
def import_template():
    return _xlsx(template_workbook(list_counties()), "企业及预案登记表（导入模板）.xlsx")


def _after(job):
    """Where a finished job leads: its result, or the status page saying what happened."""
    token = job.token
    if job.state == import_jobs.DONE and job.committed:
        flash(_("Imported %(rows)s rows from %(name)s in one transaction.", rows=job.rows,
                name=job.filename), "success")
        return redirect(url_for("enterprises.index"))
    if job.state == import_jobs.DONE:
        return redirect(url_for("workflows.import_preview", token=token))
    return redirect(url_for("workflows.import_status", token=token))


def _start_and_wait(token, kind):
    """Start the job and wait a moment for it: the finished job, or None to show its status."""
    import_jobs.start(current_user, token, kind)
    # The request's own unit of work ends before it waits: an open transaction would hold
    # SQLite's write lock against the job (and a PostgreSQL connection idle meanwhile).
    db.session.commit()
    return import_jobs.wait(token, current_app.config["IMPORT_INLINE_WAIT_S"])


@bp.post("/import")
@login_required
def import_upload():
    require_import(current_user)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise ValidationFailed({"file": [_("Choose a file to upload.")]})
        token = uploads.save_upload(current_user, upload.stream, upload.filename)
    except ValidationFailed as exc:
        return render_template("workflows/import.html", errors=exc.fields), 422
    job = _start_and_wait(token, import_jobs.CHECK)
    if job is not None and job.state == import_jobs.FAILED:
        # Refused within the wait (an unreadable file, a missing column): said on the form.
        uploads.discard(token)
        return render_template("workflows/import.html", errors=job.failure), 422
    return redirect(url_for("workflows.import_status", token=token)) if job is None else _after(job)


@bp.get("/import/<token>")
@login_required
def import_preview(token):
    _path, meta, result = uploads.load_upload(current_user, token)
    if result is None or import_jobs.active(token) is not None:
        return redirect(url_for("workflows.import_status", token=token))
    only_changes = request.args.get("only") == "changes"
    return render_template("workflows/preview.html", token=token, meta=meta, result=result,
                           only_changes=only_changes,
                           REGISTER_SHEETS=registry().register_sheets)


@bp.post("/import/<token>/confirm")
@login_required
def import_confirm(token):
    uploads.load_upload(current_user, token)  # the owner's, and still there
    if import_jobs.active(token) is not None:  # pressed twice: the first is under way
        return redirect(url_for("workflows.import_status", token=token))
    job = _start_and_wait(token, import_jobs.IMPORT)
    return redirect(url_for("workflows.import_status", token=token)) if job is None else _after(job)


@bp.get("/import/<token>/status")
@login_required
def import_status(token):
    job = import_jobs.status(current_user, token)
    if job.state == import_jobs.DONE and not job.committed and uploads.exists(token):
        return redirect(url_for("workflows.import_preview", token=token))
    return render_template("workflows/import_status.html", job=job,
                           refresh=current_app.config["IMPORT_STATUS_REFRESH_S"])


@bp.get("/import/<token>/report.xlsx")
@login_required
def import_report(token):
    path, meta, result = uploads.load_upload(current_user, token)
    content = report_workbook(read_upload(path, meta["filename"]), result.errors if result else [])
    return _xlsx(content, f"导入错误报告-{meta['filename'].rsplit('.', 1)[0]}.xlsx")

