"""Uploaded registers kept between preview and confirmation (UPLOAD_DIR/imports/).

Each upload gets a random token; it belongs to the user who uploaded it and holds the
file and the last result (counts, errors) as JSON.
"""
from __future__ import annotations

import json
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from registry.errors import NotFound, PermissionDenied, ValidationFailed
from registry.workflows.importer import ImportResult
from registry.workflows.source import check_suffix


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def read_bounded(stream) -> bytes:
    """An uploaded register's bytes, read no further than MAX_UPLOAD_MB. Raises
    ValidationFailed ``file`` (empty, too large)."""
    limit = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    content = stream.read(limit + 1)
    if not content:
        raise ValidationFailed({"file": [_("The file is empty.")]})
    if len(content) > limit:
        raise ValidationFailed({"file": [_("The file is larger than %(n)s MB.",
                                           n=current_app.config["MAX_UPLOAD_MB"])]})
    return content


def save_upload(user, stream, filename: str) -> str:
    """Store an uploaded register for ``user``; returns its token. Raises ValidationFailed
    (wrong type, too large, empty)."""
    suffix = check_suffix(filename)
    content = read_bounded(stream)
    token = secrets.token_hex(16)
    folder = _folder()
    (folder / f"{token}{suffix}").write_bytes(content)
    (folder / f"{token}.json").write_text(json.dumps(
        {"user_id": user.id, "filename": Path(filename).name, "suffix": suffix, "result": None}),
        "utf-8")
    return token


def valid_token(token: str) -> bool:
    """A token as ``save_upload`` makes them (32 hex digits): nothing else names a file."""
    return len(token) == 32 and all(c in "0123456789abcdef" for c in token)


def _meta_path(token: str) -> Path:
    if not valid_token(token):
        raise NotFound(_("This upload no longer exists; upload the file again."))
    return _folder() / f"{token}.json"


def job_path(token: str) -> Path:
    """Where the state of the upload's check or import job is kept (import_jobs)."""
    if not valid_token(token):
        raise NotFound(_("This upload no longer exists; upload the file again."))
    return _folder() / f"{token}.job.json"


def exists(token: str) -> bool:
    return valid_token(token) and (_folder() / f"{token}.json").exists()


def load_upload(user, token: str) -> tuple[Path, dict, ImportResult | None]:
    """The stored file, its metadata and last result. Raises NotFound, PermissionDenied."""
    meta_path = _meta_path(token)
    if not meta_path.exists():
        raise NotFound(_("This upload no longer exists; upload the file again."))
    meta = json.loads(meta_path.read_text("utf-8"))
    if meta["user_id"] != user.id:
        raise PermissionDenied(_("You are not allowed to do this."))
    result = ImportResult.from_dict(dict(meta["result"])) if meta["result"] else None
    return _folder() / f"{token}{meta['suffix']}", meta, result


def store_result(token: str, result: ImportResult) -> None:
    meta_path = _meta_path(token)
    meta = json.loads(meta_path.read_text("utf-8"))
    meta["result"] = result.to_dict()
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), "utf-8")


def discard(token: str, *, keep_job: bool = False) -> None:
    """Delete the upload; ``keep_job`` keeps the state of its finished job, so that its
    status page can still say what was imported."""
    meta_path = _meta_path(token)
    if meta_path.exists():
        meta = json.loads(meta_path.read_text("utf-8"))
        (_folder() / f"{token}{meta['suffix']}").unlink(missing_ok=True)
        meta_path.unlink(missing_ok=True)
    if not keep_job:
        job_path(token).unlink(missing_ok=True)
