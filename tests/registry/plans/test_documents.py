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


def _file(client, path) -> bytes:
    r = client.get(path)
    try:
        return r.data
    finally:
        r.close()


def test_replacing_asks_first_and_keeps_the_earlier_file(client, setup, admin_api, app):
    first = b"%PDF-1.4\n% first version\n%%EOF\n"
    second = b"%PDF-1.4\n% signed version\n%%EOF\n"
    _upload(client, setup["id"], "plan", "应急预案（送审稿）.pdf", first)
    page = client.get(f"/plans/{setup['id']}").get_data(as_text=True)
    assert 'name="replace"' in page  # the form asks before replacing
    r = _upload(client, setup["id"], "plan", "应急预案（签发稿）.pdf", second)  # box not ticked
    assert "请勾选“替换”" in r.get_data(as_text=True)
    assert _file(client, f"/plans/{setup['id']}/documents/plan") == first
    token = csrf_token(client, f"/plans/{setup['id']}")
    r = client.post(f"/plans/{setup['id']}/documents/plan", data={
        "csrf_token": token, "replace": "1", "file": (io.BytesIO(second), "应急预案（签发稿）.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "文件已上传" in page and "应急预案（送审稿）.pdf" in page and "被替换" in page
    assert _file(client, f"/plans/{setup['id']}/documents/plan") == second
    import re

    href = re.search(r'href="(/plans/\d+/earlier-files/\d+)"', page).group(1)
    assert _file(client, href) == first
    # Another county cannot reach the earlier file either.
    other = client.application.test_client()
    from tests.conftest import Accounts

    accounts = Accounts(app)
    _id, name = accounts.make("officer", ["411081"], username="other_county")
    accounts.login(other, name)
    assert other.get(href).status_code == 403


def test_a_full_disk_says_so_and_leaves_nothing(client, setup, app, tmp_path):
    import subprocess

    store = tmp_path / "full"
    store.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(store)],
                      capture_output=True).returncode != 0:
        pytest.skip("needs a real small file system (mount -t tmpfs, as root)")
    try:
        app.config["UPLOAD_DIR"] = str(store)
        r = _upload(client, setup["id"], "plan", "大文件.pdf", PDF + b"0" * 200_000)
        assert "存储空间已满" in r.get_data(as_text=True)
        assert list(store.rglob("*.part")) == [] and not any(p.is_file() for p in store.rglob("*"))
        page = client.get(f"/plans/{setup['id']}").get_data(as_text=True)
        assert "大文件.pdf" not in page
        # The API says 507, naming the store.
        from tests.conftest import Accounts

        accounts = Accounts(app)
        _id, name = accounts.make("admin", username="api_admin")
        token = accounts.token(name)
        r = client.post(f"/api/v1/plans/{setup['id']}/documents/plan",
                        headers={"Authorization": f"Bearer {token}"},
                        data={"file": (io.BytesIO(PDF + b"0" * 200_000), "大文件.pdf")},
                        content_type="multipart/form-data")
        assert r.status_code == 507 and r.json["error"]["code"] == "storage_full"
    finally:
        subprocess.run(["umount", str(store)], check=True)
