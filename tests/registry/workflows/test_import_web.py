"""Import on the web: upload -> preview -> confirm, the error report, and who may import."""
from __future__ import annotations

import io
import re

import sqlalchemy as sa
from openpyxl import load_workbook

from tests.conftest import csrf_token
from tests.registry.workflows.helpers import row, write_xlsx


def _count(app, model_name):
    from registry import models
    from registry.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(getattr(models, model_name)))


def _upload(client, path, name=None):
    token = csrf_token(client, "/import")
    return client.post("/import", data={"csrf_token": token,
                                        "file": (io.BytesIO(path.read_bytes()), name or path.name)},
                       content_type="multipart/form-data")


def test_upload_preview_confirm(app, client, accounts, tmp_path):
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    r = _upload(client, write_xlsx(tmp_path / "登记表.xlsx", [row(1), row(2)]))
    assert r.status_code == 302
    preview = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "全部数据校验通过" in preview or "确认导入" in preview
    assert "许昌市瑞丰化工有限公司1号厂" in preview
    assert _count(app, "Enterprise") == 0  # the preview wrote nothing
    token = re.search(r"/import/([0-9a-f]{32})/confirm", preview).group(1)
    r = client.post(f"/import/{token}/confirm", data={"csrf_token": csrf_token(client, f"/import/{token}")})
    assert r.status_code == 302
    assert _count(app, "Enterprise") == 2 and _count(app, "Plan") == 2
    assert client.get(f"/import/{token}").status_code == 404  # the upload is gone


def test_errors_shown_with_report_download(app, client, accounts, tmp_path):
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    path = write_xlsx(tmp_path / "bad.xlsx", [row(1), row(2, 环境风险等级="很高"), row(3, 经度="东经")])
    r = _upload(client, path)
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "未导入任何数据" in page
    assert "很高" in page and "东经" in page and "环境风险等级" in page and "经度" in page
    assert "确认导入" not in page
    token = r.headers["Location"].rsplit("/", 1)[1]
    report = client.get(f"/import/{token}/report.xlsx")
    assert report.status_code == 200
    (tmp_path / "report.xlsx").write_bytes(report.data)
    book = load_workbook(tmp_path / "report.xlsx")
    rows = list(book["错误清单"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2]) for r in rows] == [(3, "环境风险等级", "很高"), (4, "经度", "东经")]
    assert _count(app, "Enterprise") == 0


def test_upload_is_private_to_its_owner(app, client, accounts, tmp_path):
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    r = _upload(client, write_xlsx(tmp_path / "a.xlsx", [row(1)]))
    location = r.headers["Location"]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    _id2, other = accounts.make("officer", ["411081"])
    accounts.login(client, other)
    assert client.get(location).status_code == 403
    assert client.post(location + "/confirm",
                       data={"csrf_token": csrf_token(client, "/import")}).status_code == 403
    assert _count(app, "Enterprise") == 0


def test_viewer_cannot_import_and_wrong_files_are_named(app, client, accounts, tmp_path):
    _id, name = accounts.make("viewer", ["411081"])
    accounts.login(client, name)
    assert client.get("/import").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    _id, officer = accounts.make("officer", ["411081"])
    accounts.login(client, officer)
    (tmp_path / "notes.txt").write_text("hello")
    r = _upload(client, tmp_path / "notes.txt")
    assert r.status_code == 422 and ".xlsx" in r.get_data(as_text=True)
    (tmp_path / "fake.xlsx").write_text("not a workbook")
    r = _upload(client, tmp_path / "fake.xlsx")
    assert r.status_code == 422 and "不是可读取的 .xlsx 工作簿" in r.get_data(as_text=True)


def test_an_unknown_division_code_is_imported_with_a_warning(app, client, runner, accounts,
                                                             tmp_path):
    """Issue #22 §2: a credit code passing GB 32100 but whose positions 3–8 are no GB/T 2260
    division (99 is no province) is a warning in the preview and the CLI, not an error."""
    from registry.rules.credit_code import build_credit_code

    doubtful = build_credit_code("91", "991081", "MA000042")
    path = write_xlsx(tmp_path / "登记表.xlsx", [row(1), row(2, 统一社会信用代码=doubtful)])
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    preview = client.get(_upload(client, path).headers["Location"]).get_data(as_text=True)
    assert 'id="import-warnings"' in preview and "以下 1 行可以导入" in preview
    warning = re.search(r'id="import-warnings".*?</div>', preview, re.S).group(0)
    assert doubtful in warning and "第 3–8 位“991081”不是已知的行政区划代码" in warning
    assert "<td>3</td>" in warning  # the file's row 3 (header, row(1), row(2))
    r = runner.invoke(args=["import", str(path), "--dry-run"])
    assert r.exit_code == 0, r.output
    assert f"warning: row 3\t统一社会信用代码\t'{doubtful}'" in r.output
    token = re.search(r"/import/([0-9a-f]{32})/confirm", preview).group(1)
    client.post(f"/import/{token}/confirm", data={"csrf_token": csrf_token(client, f"/import/{token}")})
    assert _count(app, "Enterprise") == 2
    # A clean register shows no warning block.
    clean = write_xlsx(tmp_path / "干净.xlsx", [row(3)])
    preview = client.get(_upload(client, clean).headers["Location"]).get_data(as_text=True)
    assert 'id="import-warnings"' not in preview and "确认导入" in preview
