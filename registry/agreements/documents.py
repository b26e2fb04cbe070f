"""The signed agreement (协议文本): same rules as filing documents — checked by content,
stored outside the web root under a random name, served after a read check."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from registry import audit
from registry.agreements import permissions
from registry.agreements.service import get_agreement
from registry.errors import NotFound
from registry.extensions import db
from registry.models import Agreement
from registry.models.base import utcnow
from registry.plans.documents import CONTENT_TYPES, check_upload, upload_root


def _directory(agreement: Agreement) -> Path:
    return upload_root() / "agreements" / str(agreement.id)


def attach_document(actor, agreement_id: int, filename: str, stream) -> Agreement:
    """Store the signed document, replacing an earlier upload. Raises NotFound,
    PermissionDenied, ValidationFailed (type, content, size — see ``check_upload``)."""
    agreement = get_agreement(actor, agreement_id)
    permissions.require_write(actor)
    data = stream.read(current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024 + 1)
    ext = check_upload(filename, data[:16], len(data))
    directory = _directory(agreement)
    directory.mkdir(parents=True, exist_ok=True)
    stored = f"{uuid.uuid4().hex}.{ext}"
    tmp = directory / (stored + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, directory / stored)
    before = {"file": agreement.document_original_name}
    agreement.document_stored_name = stored
    agreement.document_original_name = Path(filename).name[:255]
    agreement.document_content_type = CONTENT_TYPES[ext]
    agreement.document_size = len(data)
    agreement.document_uploaded_at = utcnow()
    audit.record(actor, "agreement.upload", "agreement", agreement.id, before,
                 {"file": agreement.document_original_name, "size": len(data)})
    db.session.commit()
    return agreement


def document_file(actor, agreement_id: int) -> tuple[Path, Agreement]:
    agreement = get_agreement(actor, agreement_id)
    if not agreement.document_stored_name:
        raise NotFound(_("No signed document has been uploaded for this agreement."))
    return _directory(agreement) / agreement.document_stored_name, agreement
