"""Import pages (routes on the workflows blueprint): upload -> preview (a dry run) -> confirm;
template and error report."""
from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry.errors import ValidationFailed
from registry.jurisdictions.service import list_counties
from registry.workflows import uploads
from registry.workflows.importer import run_import
from registry.workflows.permissions import require_import
from registry.workflows.source import read_register
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


@bp.post("/import")
@login_required
def import_upload():
    require_import(current_user)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise ValidationFailed({"file": [_("Choose a file to upload.")]})
        token = uploads.save_upload(current_user, upload.stream, upload.filename)
        path, meta, _r = uploads.load_upload(current_user, token)
        result = run_import(current_user, read_register(path, meta["filename"]), dry_run=True)
    except ValidationFailed as exc:
        return render_template("workflows/import.html", errors=exc.fields), 422
    uploads.store_result(token, result)
    return redirect(url_for("workflows.import_preview", token=token))


@bp.get("/import/<token>")
@login_required
def import_preview(token):
    _path, meta, result = uploads.load_upload(current_user, token)
    only_changes = request.args.get("only") == "changes"
    return render_template("workflows/preview.html", token=token, meta=meta, result=result,
                           only_changes=only_changes)


@bp.post("/import/<token>/confirm")
@login_required
def import_confirm(token):
    path, meta, _r = uploads.load_upload(current_user, token)
    result = run_import(current_user, read_register(path, meta["filename"]))
    if not result.committed:
        # The data changed since the preview: show what is wrong now.
        uploads.store_result(token, result)
        return redirect(url_for("workflows.import_preview", token=token))
    uploads.discard(token)
    flash(_("Imported %(rows)s rows from %(name)s in one transaction.", rows=result.rows,
            name=meta["filename"]), "success")
    return redirect(url_for("enterprises.index"))


@bp.get("/import/<token>/report.xlsx")
@login_required
def import_report(token):
    path, meta, result = uploads.load_upload(current_user, token)
    content = report_workbook(read_register(path, meta["filename"]), result.errors if result else [])
    return _xlsx(content, f"导入错误报告-{meta['filename'].rsplit('.', 1)[0]}.xlsx")

