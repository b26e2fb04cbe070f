"""Filing documents: uploaded files are checked by content, stored outside the web
root under random names, and served only after a read-permission check."""
from __future__ import annotations

import errno
import os
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from registry import audit, permissions
from registry.errors import Conflict, NotFound, StorageFull, ValidationFailed
from registry.extensions import db
from registry.models import PlanDocument, PlanDocumentFile
from registry.models.base import utcnow
from registry.plans.service import get_plan
from registry.rules.plan_status import DOCUMENTS

# Allowed types, recognised by their first bytes (the extension alone can lie).
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
CONTENT_TYPES = {
    "pdf": "application/pdf", "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
}


def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def check_upload(filename: str, head: bytes, size: int) -> str:
    """Return the file's extension if name, content and size are acceptable.

    Raises ValidationFailed naming the rule (type, content, size)."""
    ext = Path(filename or "").suffix.lower().lstrip(".")
    if ext not in SIGNATURES:
        raise ValidationFailed({"file": [_("Only PDF, Word (.doc, .docx) and images (.jpg, .png) "
                                           "can be uploaded.")]})
    if not any(head.startswith(sig) for sig in SIGNATURES[ext]):
        raise ValidationFailed({"file": [_("The file's content is not a %(ext)s file.",
                                           ext=ext.upper())]})
    limit = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    if size > limit:
        raise ValidationFailed({"file": [_("The file is larger than %(n)s MB.",
                                           n=current_app.config["MAX_UPLOAD_MB"])]})
    if size == 0:
        raise ValidationFailed({"file": [_("The file is empty.")]})
    return ext


def read_upload(stream) -> bytes:
    """An upload's bytes, one past the limit at most (check_upload refuses that one)."""
    return stream.read(current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024 + 1)


NO_ROOM = (errno.ENOSPC, errno.EDQUOT)


def store_upload(folder: str, record_id: int, data: bytes, ext: str) -> str:
    """Write checked upload bytes under ``<uploads>/<folder>/<record_id>/`` with a fresh
    name (never overwriting a file) and return that name. The file appears whole or not
    at all: written to ``.part`` and renamed; a failed write leaves no ``.part`` behind.
    A full disk (or quota) raises StorageFull, which says so (507), not a bare 500."""
    directory = upload_root() / folder / str(record_id)
    stored = f"{uuid.uuid4().hex}.{ext}"
    tmp = directory / (stored + ".part")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, directory / stored)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.errno in NO_ROOM:
            current_app.logger.error("upload store full: %s", exc)
            raise StorageFull(_("The file store is full, so the file was not saved. Tell the "
                                "system administrator; nothing else was changed.")) from None
        raise
    return stored


class ReplaceUnconfirmed(Conflict):
    """The document already has a file and the page did not confirm replacing it."""


def attach_document(actor, plan_id: int, kind: str, filename: str, stream,
                    replace: bool = True) -> PlanDocument:
    """Store an uploaded filing document for a plan. An earlier file of the document is
    kept in its history (``PlanDocumentFile``), still downloadable; ``replace=False``
    (the web form until its box is ticked) refuses to replace one."""
    plan = get_plan(actor, plan_id)
    permissions.require_write_county(actor, plan.enterprise.county_code)
    if kind not in DOCUMENTS:
        raise ValidationFailed({"kind": [_("Unknown filing document “%(value)s”.", value=kind)]})
    doc = next((d for d in plan.documents if d.kind == kind), None)
    if doc is not None and doc.stored_name and not replace:
        raise ReplaceUnconfirmed(_("This document already has a file (%(name)s). Tick "
                                   "“replace” to upload a new one; the earlier file stays in "
                                   "the history.", name=doc.original_name))
    data = read_upload(stream)
    from registry.hardening.text import clean_filename

    filename = clean_filename(filename)
    ext = check_upload(filename, data[:16], len(data))
    stored = store_upload("plans", plan.id, data, ext)
    if doc is None:
        doc = PlanDocument(kind=kind)
        plan.documents.append(doc)
    elif doc.stored_name:
        db.session.add(PlanDocumentFile(
            plan_id=plan.id, kind=kind, stored_name=doc.stored_name,
            original_name=doc.original_name, content_type=doc.content_type, size=doc.size,
            uploaded_at=doc.uploaded_at, replaced_at=utcnow(),
            replaced_by=getattr(actor, "username", None)))
    replaced = doc.original_name if doc.stored_name else None
    doc.stored_name, doc.original_name = stored, filename
    doc.content_type, doc.size, doc.uploaded_at = CONTENT_TYPES[ext], len(data), utcnow()
    db.session.flush()
    audit.record(actor, "plan.upload", "plan", plan.id,
                 {"document": kind, "file": replaced} if replaced else None,
                 {"document": kind, "file": doc.original_name, "size": doc.size})
    db.session.commit()
    return doc


def earlier_files(plan_id: int) -> dict[str, list[PlanDocumentFile]]:
    """Each document's replaced files, newest first (the caller has read the plan)."""
    rows = db.session.scalars(sa.select(PlanDocumentFile)
                              .where(PlanDocumentFile.plan_id == plan_id)
                              .order_by(PlanDocumentFile.replaced_at.desc(),
                                        PlanDocumentFile.id.desc()))
    found: dict[str, list[PlanDocumentFile]] = {}
    for row in rows:
        found.setdefault(row.kind, []).append(row)
    return found


def earlier_file(actor, plan_id: int, file_id: int) -> tuple[Path, PlanDocumentFile]:
    """A replaced file of a plan's document, for a caller who may read the plan."""
    plan = get_plan(actor, plan_id)
    row = db.session.get(PlanDocumentFile, file_id)
    if row is None or row.plan_id != plan.id:
        raise NotFound(_("No uploaded file for this document."))
    return upload_root() / "plans" / str(plan.id) / row.stored_name, row


def document_file(actor, plan_id: int, kind: str) -> tuple[Path, PlanDocument]:
    """The stored file of a plan's document, for a caller who may read the plan."""
    plan = get_plan(actor, plan_id)
    doc = next((d for d in plan.documents if d.kind == kind and d.stored_name), None)
    if doc is None:
        raise NotFound(_("No uploaded file for this document."))
    return upload_root() / "plans" / str(plan.id) / doc.stored_name, doc
