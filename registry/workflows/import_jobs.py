"""Web imports run as background jobs (issue #17.2): a web worker is never held by a big file.

``POST /import`` (the check, a dry run) and ``POST /import/<token>/confirm`` (the import)
each start a job here and wait at most ``IMPORT_INLINE_WAIT_S`` for it: a register of a
county's size is done by then and the officer goes straight on; a bigger one gets the
status page, which refreshes itself and shows the rows checked so far.

A job runs in a thread of the worker that took the upload, with its own app context and
database session, in the uploader's language, calling the same ``run_import`` as the
command line. At most ``IMPORT_JOB_THREADS`` run at once in a worker (the rest wait their
turn), which bounds the memory one worker can spend on imports.

Its state is a small JSON file beside the upload (``UPLOAD_DIR/imports/<token>.job.json``),
so any worker (and any server sharing UPLOAD_DIR) can show it. While a worker holds a job,
queued or running, one ticker thread rewrites the job's heartbeat every
``HEARTBEAT_SECONDS``; a job whose heartbeat is older than ``IMPORT_JOB_STALE_S`` was lost
with its worker (a restart, a crash) and is shown as interrupted — judged when read, so
showing it writes nothing. Within a worker every write to a job file holds one lock; across
workers only the request that starts a job writes the file before the job does.
"""
from __future__ import annotations

import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from registry.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from registry.extensions import db
from registry.workflows import uploads

CHECK, IMPORT = "check", "import"
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
FINISHED = frozenset({DONE, FAILED})
HEARTBEAT_SECONDS = 2.0


@dataclass
class Job:
    """What a job file holds; ``rows_total`` is known once the file is read."""
    token: str
    kind: str
    user_id: int
    filename: str
    state: str = QUEUED
    rows_done: int = 0
    rows_total: int | None = None
    created_at: float = field(default_factory=time.time)
    heartbeat: float = field(default_factory=time.time)
    finished_at: float | None = None
    committed: bool = False
    rows: int = 0            # rows imported, when committed
    errors: int = 0          # row errors found by the check or the import
    failure: dict | None = None  # {field: [messages]} when the job could not finish

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def stale(self, now: float, limit: float) -> bool:
        return not self.finished and now - self.heartbeat > limit


# -- the job file ------------------------------------------------------------------------

_lock = threading.Lock()  # every write to a job file in this process


_paths: dict[str, Path] = {}  # the job files of the jobs this process holds


def _path(token: str) -> Path:
    """The job file; known without an app context for a job this process holds."""
    return _paths.get(token) or uploads.job_path(token)


def _read(token: str) -> Job | None:
    path = _path(token)
    try:
        return Job(**json.loads(path.read_text("utf-8")))
    except FileNotFoundError:
        return None


def _write(job: Job) -> None:
    """Replace the job file at once: a reader sees the old state or the new, never half."""
    path = _path(job.token)
    part = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    part.write_text(json.dumps(asdict(job), ensure_ascii=False), "utf-8")
    os.replace(part, path)


def _update(token: str, **changes) -> Job | None:
    with _lock:
        job = _read(token)
        if job is None:
            return None
        for key, value in changes.items():
            setattr(job, key, value)
        _write(job)
        return job


def status(user, token: str) -> Job:
    """The job of upload ``token``, as its owner may see it; a job lost with its worker is
    shown failed (nothing is written). Raises NotFound, PermissionDenied."""
    job = _read(token) if uploads.valid_token(token) else None
    if job is None:
        raise NotFound(_("This import no longer exists; upload the file again."))
    if job.user_id != user.id:
        raise PermissionDenied(_("You are not allowed to do this."))
    if job.stale(time.time(), current_app.config["IMPORT_JOB_STALE_S"]):
        job.state, job.finished_at = FAILED, job.heartbeat
        job.failure = {"file": [_("The import was interrupted (the server restarted or stopped) "
                                  "and wrote nothing. Run it again.")]}
    return job


def active(token: str) -> Job | None:
    """The job of ``token`` still queued or running, if any."""
    job = _read(token)
    if job is None or job.finished or job.stale(time.time(),
                                                 current_app.config["IMPORT_JOB_STALE_S"]):
        return None
    return job


# -- running ---------------------------------------------------------------------------

_executor: ThreadPoolExecutor | None = None
_live: dict[str, dict] = {}  # token -> in-memory progress of the jobs this process holds
_ticker: threading.Thread | None = None


def _pool(threads: int) -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="import")
        return _executor


def _tick() -> None:
    """Rewrite the heartbeat and progress of every job this process holds, until none."""
    global _ticker
    while True:
        time.sleep(HEARTBEAT_SECONDS)
        with _lock:
            if not _live:
                _ticker = None
                return
            held = list(_live.items())
        for token, progress in held:
            with _lock:
                if token not in _live:
                    continue
                job = _read(token)
                if job is None or job.finished:
                    continue
                job.heartbeat = time.time()
                job.rows_done, job.rows_total = progress["done"], progress["total"]
                if progress["running"]:
                    job.state = RUNNING
                _write(job)


def _hold(token: str) -> None:
    global _ticker
    path = uploads.job_path(token)
    with _lock:
        _paths[token] = path
        _live[token] = {"done": 0, "total": None, "running": False}
        if _ticker is None:
            _ticker = threading.Thread(target=_tick, name="import-heartbeat", daemon=True)
            _ticker.start()


def start(user, token: str, kind: str) -> Job:
    """Queue ``kind`` (CHECK or IMPORT) for upload ``token`` of ``user``. Raises Conflict
    when a job of this upload is still queued or running."""
    _path_, meta, _result = uploads.load_upload(user, token)
    if active(token) is not None:
        raise Conflict(_("This file is already being checked or imported; wait for it to "
                         "finish."))
    job = Job(token=token, kind=kind, user_id=user.id, filename=meta["filename"])
    with _lock:
        _write(job)
    _hold(token)
    app = current_app._get_current_object()
    locale = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
    _pool(app.config["IMPORT_JOB_THREADS"]).submit(_run, app, token, kind, user.id, locale)
    return job


def wait(token: str, seconds: float) -> Job | None:
    """The job once finished, or None after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        job = _read(token)
        if job is None or job.finished:
            return job
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.05)


def _run(app, token: str, kind: str, user_id: int, locale: str) -> None:
    with app.app_context(), force_locale(locale):
        changes: dict = {}
        try:
            changes = _perform(token, kind, user_id)
        except ValidationFailed as exc:
            changes = {"failure": exc.fields}
        except DomainError as exc:  # Conflict, PermissionDenied, NotFound
            changes = {"failure": {"file": [exc.message or exc.code]}}
        except Exception:  # noqa: BLE001 - a job must always end, and say so
            app.logger.exception("import job %s failed", token)
            changes = {"failure": {"file": [_("The import failed unexpectedly and wrote "
                                              "nothing; the error has been logged.")]}}
        finally:
            db.session.remove()
            with _lock:
                progress = _live.pop(token, {"done": 0, "total": None})
            if "failure" in changes and kind == CHECK:
                uploads.discard(token, keep_job=True)  # a refused file is not kept
            _update(token, state=FAILED if "failure" in changes else DONE,
                    finished_at=time.time(), heartbeat=time.time(),
                    rows_done=progress["done"], rows_total=progress["total"], **changes)
            _paths.pop(token, None)


def _perform(token: str, kind: str, user_id: int) -> dict:
    from registry.models import User
    from registry.workflows.importer import read_upload, run_import

    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        raise PermissionDenied(_("You are not allowed to do this."))
    progress = _live[token]
    progress["running"] = True
    path, meta, _result = uploads.load_upload(user, token)
    register = read_upload(path, meta["filename"])
    progress["total"] = len(register.rows)

    def advance(n: int) -> None:
        progress["done"] += n

    result = run_import(user, register, dry_run=(kind == CHECK), progress=advance)
    del register
    if result.committed:
        uploads.discard(token, keep_job=True)
    else:
        uploads.store_result(token, result)
    return {"committed": result.committed, "rows": result.rows, "errors": len(result.errors)}


def shutdown() -> None:
    """Wait for the jobs this process holds (tests; a worker's orderly exit)."""
    global _executor
    with _lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=True)
