"""Drill attachments (evaluation report, photos) and action evidence files: the same
upload rules as filing documents — content sniffed by magic bytes, size-limited, stored
outside the web root under random names, served only after a read-permission check."""
from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _

from registry import audit
from registry.drills import permissions as drill_permissions
from registry.drills.service import get_drill
from registry.errors import NotFound, ValidationFailed
from registry.extensions import db
from registry.models import DrillAttachment
from registry.plans.documents import CONTENT_TYPES, check_upload, read_upload, store_upload, upload_root

DRILL_KINDS = ("report", "photo", "other")
IMAGES = ("jpg", "jpeg", "png")


def attach_file(actor, drill_id: int, kind: str, filename: str, stream,
                action_id: int | None = None) -> DrillAttachment:
    """Store an uploaded file for a drill (``kind`` report/photo/other) or as evidence of
    one of its corrective actions (``action_id``). Raises NotFound, PermissionDenied,
    ValidationFailed (type, content, size, a photo that is no image)."""
    drill = get_drill(actor, drill_id)
    drill_permissions.require_write_drill(actor, drill)
    if action_id is not None:
        if not any(a.id == action_id for a in drill.actions):
            raise NotFound(_("No corrective action with id %(id)s.", id=action_id))
        kind = "evidence"
    elif kind not in DRILL_KINDS:
        raise ValidationFailed({"kind": [_("Unknown attachment kind “%(value)s”.", value=kind)]})
    data = read_upload(stream)
    ext = check_upload(filename, data[:16], len(data))
    if kind == "photo" and ext not in IMAGES:
        raise ValidationFailed({"file": [_("A photo must be a JPEG or PNG image.")]})
    stored = store_upload("drills", drill.id, data, ext)
    attachment = DrillAttachment(drill_id=drill.id, action_id=action_id, kind=kind,
                                 stored_name=stored, original_name=Path(filename).name[:255],
                                 content_type=CONTENT_TYPES[ext], size=len(data))
    db.session.add(attachment)
    db.session.flush()
    audit.record(actor, "drill.upload", "drill", drill.id, None,
                 {"kind": kind, "file": attachment.original_name, "size": attachment.size,
                  **({"action": action_id} if action_id else {})})
    db.session.commit()
    return attachment


def attachment_file(actor, attachment_id: int) -> tuple[Path, DrillAttachment]:
    """The stored file of an attachment, for a caller who may read its drill."""
    attachment = db.session.get(DrillAttachment, attachment_id)
    if attachment is None:
        raise NotFound(_("No such file."))
    get_drill(actor, attachment.drill_id)
    return upload_root() / "drills" / str(attachment.drill_id) / attachment.stored_name, attachment
