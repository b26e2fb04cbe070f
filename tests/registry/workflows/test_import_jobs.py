"""The web import as a background job (issue #17.2): a big file gets a status page that
refreshes itself and counts the rows; the worker answers others meanwhile; a job lost with
its worker is shown as interrupted; a job is its uploader's alone."""
from __future__ import annotations

import io
import json
import re
import time
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import csrf_token
from tests.registry.workflows.helpers import row, write_xlsx

TOKEN = re.compile(r"/import/([0-9a-f]{32})")


def _count(app):
    from registry.extensions import db
    from registry.models import Enterprise

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Enterprise))


def _upload(client, path):
    return client.post("/import", data={"csrf_token": csrf_token(client, "/import"),
                                        "file": (io.BytesIO(path.read_bytes()), path.name)},
                       content_type="multipart/form-data")


def _follow(client, token, seen):
    """GET the status page until the job has finished (a time-out, not a timing: a minute
    is far beyond a dry run of a few thousand rows); every page shown is kept in ``seen``."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        r = client.get(f"/import/{token}/status")
        if r.status_code != 200:
            return r
        page = r.get_data(as_text=True)
        seen.append(page)
        if 'data-finished="0"' not in page:
            return r
        time.sleep(0.1)
    raise AssertionError("the import job did not finish")


def _job_file(app, token) -> Path:
    return Path(app.config["UPLOAD_DIR"]) / "imports" / f"{token}.job.json"


def _checked_one_row(app, client, accounts, tmp_path):
    """An officer of 禹州 logged in, with a one-row file checked: its token and job."""
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    r = _upload(client, write_xlsx(tmp_path / "a.xlsx", [row(1)]))
    token = TOKEN.search(r.headers["Location"]).group(1)
    return token, json.loads(_job_file(app, token).read_text("utf-8"))


def _set_job(app, token, job, **changes):
    job.update(**changes)
    _job_file(app, token).write_text(json.dumps(job), "utf-8")


def test_big_register_is_checked_and_imported_in_the_background(app, client, accounts, tmp_path):
    app.config["IMPORT_INLINE_WAIT_S"] = 0
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    rows = [row(n) for n in range(1, 3001)]
    r = _upload(client, write_xlsx(tmp_path / "禹州市企业登记表.xlsx", rows))
    assert r.status_code == 302 and r.headers["Location"].endswith("/status")
    token = TOKEN.search(r.headers["Location"]).group(1)

    # While the check runs the worker serves other pages.
    assert client.get("/enterprises").status_code == 200
    seen = []
    r = _follow(client, token, seen)
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/import/{token}")
    # Pages seen under way (if the check outran the first look, none) say where it is.
    running = [p for p in seen if 'data-finished="0"' in p]
    assert all(re.search("正在读取文件|已校验 [0-9]+ 行，共 3000 行|正在与登记库比对|另一项导入", p)
               for p in running)
    preview = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "3000" in preview and "确认导入" in preview
    assert _count(app) == 0  # the check wrote nothing

    r = client.post(f"/import/{token}/confirm", data={"csrf_token": csrf_token(client, f"/import/{token}")})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/import/{token}/status")
    seen = []
    r = _follow(client, token, seen)
    assert r.status_code == 200
    assert "已从禹州市企业登记表.xlsx一次性导入3000行数据" in seen[-1]
    assert 'data-state="done"' in seen[-1]
    assert _count(app) == 3000
    # The upload is gone; the job's state stays so the page can still say what was done.
    folder = Path(app.config["UPLOAD_DIR"]) / "imports"
    assert sorted(p.name for p in folder.iterdir()) == [f"{token}.job.json"]
    assert client.get(f"/import/{token}").status_code == 404


def test_status_page_of_a_job_under_way(app, client, accounts, tmp_path):
    token, job = _checked_one_row(app, client, accounts, tmp_path)
    # The state a worker writes while it checks row 1,200 of 3,000 (heartbeat just now).
    _set_job(app, token, job, state="running", heartbeat=time.time(), finished_at=None,
             rows_done=1200, rows_total=3000)
    page = client.get(f"/import/{token}/status").get_data(as_text=True)
    assert 'data-finished="0" data-refresh="2"' in page
    assert "已校验 1200 行，共 3000 行。" in page
    assert re.search(r'<progress[^>]*max="3000"[^>]*value="1200"', page)
    assert "确认预览之前不会导入任何数据" in page
    # The preview waits for the check.
    assert client.get(f"/import/{token}").headers["Location"].endswith(f"/import/{token}/status")
    _set_job(app, token, job, state="queued", rows_done=0, rows_total=None)
    page = client.get(f"/import/{token}/status").get_data(as_text=True)
    assert "本服务器上另一项导入正在进行" in page and '<progress' in page


def test_unreadable_file_refused_in_the_background_names_the_rule(app, client, accounts, tmp_path):
    app.config["IMPORT_INLINE_WAIT_S"] = 0
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    path = tmp_path / "登记表.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook" * 100)
    r = _upload(client, path)
    token = TOKEN.search(r.headers["Location"]).group(1)
    seen = []
    r = _follow(client, token, seen)
    assert r.status_code == 200 and 'data-state="failed"' in seen[-1]
    assert "文件不是可读取的 .xlsx 工作簿" in seen[-1]
    folder = Path(app.config["UPLOAD_DIR"]) / "imports"
    assert sorted(p.name for p in folder.iterdir()) == [f"{token}.job.json"]  # not kept
    assert _count(app) == 0


def test_inline_refusal_is_shown_on_the_form(app, client, accounts, tmp_path):
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    path = tmp_path / "登记表.xlsx"
    path.write_bytes(b"not a workbook")
    r = _upload(client, path)
    assert r.status_code == 422
    assert "文件不是可读取的 .xlsx 工作簿" in r.get_data(as_text=True)
    assert list((Path(app.config["UPLOAD_DIR"]) / "imports").iterdir()) == []


def test_job_lost_with_its_worker_is_shown_interrupted_and_can_run_again(app, client, accounts,
                                                                          tmp_path):
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    r = _upload(client, write_xlsx(tmp_path / "a.xlsx", [row(1), row(2)]))
    token = TOKEN.search(r.headers["Location"]).group(1)
    # A worker killed mid-import leaves its job "running" with a heartbeat that stops.
    job_file = _job_file(app, token)
    job = json.loads(job_file.read_text("utf-8"))
    job.update(kind="import", state="running", heartbeat=time.time() - 3600, finished_at=None,
               rows_done=1, rows_total=2)
    job_file.write_text(json.dumps(job), "utf-8")
    page = client.get(f"/import/{token}/status").get_data(as_text=True)
    assert 'data-state="failed"' in page and "中断" in page
    assert json.loads(job_file.read_text("utf-8"))["state"] == "running"  # shown, not written
    # The interrupted import wrote nothing and may be confirmed again.
    assert _count(app) == 0
    r = client.post(f"/import/{token}/confirm", data={"csrf_token": csrf_token(client, f"/import/{token}")})
    assert r.status_code == 302 and r.headers["Location"].endswith("/enterprises")
    assert _count(app) == 2


def test_a_job_in_progress_is_not_started_twice(app, client, accounts, tmp_path):
    token, job = _checked_one_row(app, client, accounts, tmp_path)
    _set_job(app, token, job, kind="import", state="running", heartbeat=time.time() + 600,
             finished_at=None)
    r = client.post(f"/import/{token}/confirm", data={"csrf_token": csrf_token(client, "/import")})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/import/{token}/status")
    assert client.get(f"/import/{token}").headers["Location"].endswith("/status")
    assert _count(app) == 0


def test_job_status_is_its_uploaders_alone(app, client, accounts, tmp_path):
    token, _job = _checked_one_row(app, client, accounts, tmp_path)
    assert client.get(f"/import/{token}/status").status_code == 302  # finished: the preview
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    _id2, other = accounts.make("officer", ["411081"])
    accounts.login(client, other)
    assert client.get(f"/import/{token}/status").status_code == 403
    assert client.get(f"/import/{'0' * 32}/status").status_code == 404
    assert client.get("/import/..%2F..%2Fsecret/status").status_code == 404
