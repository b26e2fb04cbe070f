"""Uploaded filing documents: checked by content, size-limited, served only to readers."""
import io

import pytest

from tests.conftest import csrf_token, enterprise_payload, plan_payload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def setup(client, accounts, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411024")).json
    plan = admin_api.post("/plans", json=plan_payload(e["id"], documents=[])).json
    _id, name = accounts.make("officer", ["411024"])
    accounts.login(client, name)
    return plan


def _upload(client, plan_id, kind, filename, content):
    token = csrf_token(client, f"/plans/{plan_id}")
    return client.post(f"/plans/{plan_id}/documents/{kind}",
                       data={"csrf_token": token, "file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data", follow_redirects=True)


def test_upload_and_download(client, setup, admin_api):
    r = _upload(client, setup["id"], "risk_assessment", "风险评估报告.pdf", PDF)
    assert "文件已上传" in r.get_data(as_text=True)
    assert admin_api.get(f"/plans/{setup['id']}").json["documents"] == ["risk_assessment"]
    r = client.get(f"/plans/{setup['id']}/documents/risk_assessment")
    assert r.status_code == 200 and r.data == PDF
    assert r.headers["Content-Type"] == "application/pdf"
    r.close()


def test_lying_extension_and_traversal_refused(client, setup, admin_api):
    r = _upload(client, setup["id"], "plan", "../../etc/passwd.pdf", b"root:x:0:0\n")
    assert "不是 PDF" in r.get_data(as_text=True)
    r = _upload(client, setup["id"], "plan", "run.exe", b"MZ\x90\x00")
    assert "只能上传" in r.get_data(as_text=True)
    assert admin_api.get(f"/plans/{setup['id']}").json["documents"] == []


def test_oversize_refused(client, setup, app):
    app.config["MAX_UPLOAD_MB"] = 1
    r = _upload(client, setup["id"], "plan", "big.pdf", PDF + b"0" * (1024 * 1024 + 10))
    assert "大于 1 MB" in r.get_data(as_text=True)


def test_other_county_cannot_download(client, setup, accounts):
    _upload(client, setup["id"], "plan", "p.pdf", PDF)
    other = client.application.test_client()
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(other, name)
    assert other.get(f"/plans/{setup['id']}/documents/plan").status_code == 403
    anonymous = client.application.test_client()
    assert anonymous.get(f"/plans/{setup['id']}/documents/plan").status_code == 302
