"""SQL-meaningful input is stored and read back verbatim and is searchable as plain text;
uploads with lying extensions, oversize bodies and path-traversal names are refused."""
import io
from pathlib import Path

import pytest

from tests.conftest import csrf_token, enterprise_payload, plan_payload

SQL_NAMES = [
    "O'Brien化工'; DROP TABLE enterprises;--",
    "100%纯度试剂厂",
    "a_b精细化工",
    "反斜杠\\化工\\\\厂",
    "\"双引号\" 化工 -- 注释 /* 块 */",
    "'); DELETE FROM plans WHERE ('1'='1",
    "％全角百分号＿下划线厂",
    "Robert'); DROP TABLE users;-- 许昌",
]


def test_sql_meaningful_text_round_trips_and_is_searchable(admin_api):
    ids = {}
    for n, name in enumerate(SQL_NAMES, 1):
        r = admin_api.post("/enterprises", json=enterprise_payload(
            n, county="411081", name=name, address=name[:50].strip(), contact_name=name[:30].strip()))
        assert r.status_code == 201, r.json
        e = r.json
        assert (e["name"], e["address"], e["contact_name"]) == (name, name[:50].strip(), name[:30].strip())
        plan = admin_api.post("/plans", json=plan_payload(e["id"], title=name)).json
        assert admin_api.get(f"/plans/{plan['id']}").json["title"] == name
        ids[name] = e["id"]
    listed = {e["name"] for e in admin_api.get("/enterprises?per_page=50").json["items"]}
    assert listed == set(SQL_NAMES)  # nothing dropped, nothing deleted

    def search(q):
        r = admin_api.get("/enterprises", query_string={"q": q, "per_page": 50})
        assert r.status_code == 200, r.json
        return {e["name"] for e in r.json["items"]}

    # Wildcards match only themselves: % and _ are literal, not LIKE patterns.
    assert search("%") == {"100%纯度试剂厂"}
    assert search("_") == {"a_b精细化工"}
    assert search("\\") == {"反斜杠\\化工\\\\厂"}
    assert search("\\\\") == {"反斜杠\\化工\\\\厂"}
    assert search("'") == {SQL_NAMES[0], SQL_NAMES[5], SQL_NAMES[7]}
    assert search("DROP TABLE") == {SQL_NAMES[0], SQL_NAMES[7]}
    assert search("＿") == {"％全角百分号＿下划线厂"}
    assert search("%%%") == set()


def test_sql_meaningful_search_on_the_web_list(client, accounts, admin_api):
    admin_api.post("/enterprises", json=enterprise_payload(1, name="100%纯度试剂厂"))
    admin_api.post("/enterprises", json=enterprise_payload(2, name="普通化工厂"))
    _id, name = accounts.make("admin")
    accounts.login(client, name)
    for q in ("%", "'", "\\", "' OR '1'='1", "_"):
        r = client.get("/enterprises", query_string={"q": q})
        assert r.status_code == 200
        text = r.get_data(as_text=True)
        assert ("100%纯度试剂厂" in text) == (q == "%"), q
        assert "普通化工厂" not in text, q


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def plan(client, accounts, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411024")).json
    plan = admin_api.post("/plans", json=plan_payload(e["id"], documents=[])).json
    _id, name = accounts.make("officer", ["411024"])
    accounts.login(client, name)
    return plan


def _upload(client, plan_id, filename, content, kind="plan"):
    token = csrf_token(client, f"/plans/{plan_id}")
    return client.post(f"/plans/{plan_id}/documents/{kind}",
                       data={"csrf_token": token, "file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data", follow_redirects=True)


REFUSED = [
    ("report.pdf", b"<html><script>alert(1)</script></html>", "不是 PDF"),        # HTML as PDF
    ("scan.png", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "不是 PNG"),
    ("photo.jpg", PDF, "不是 JPG"),                                              # PDF as JPEG
    ("plan.pdf.exe", b"MZ\x90\x00" + PDF, "只能上传"),                           # double extension
    ("plan.html", b"<html></html>", "只能上传"),
    ("plan.svg", b"<svg/>", "只能上传"),
    ("plan", PDF, "只能上传"),                                                     # no extension
    ("../../../../etc/cron.d/evil.pdf", b"* * * * * root sh\n", "不是 PDF"),
    ("empty.pdf", b"", "不是 PDF"),
]


@pytest.mark.parametrize("filename, content, message", REFUSED, ids=[r[0] for r in REFUSED])
def test_lying_or_dangerous_uploads_refused(client, plan, admin_api, app, filename, content, message):
    r = _upload(client, plan["id"], filename, content)
    assert message in r.get_data(as_text=True)
    assert admin_api.get(f"/plans/{plan['id']}").json["documents"] == []
    assert not any(p.is_file() for p in Path(app.config["UPLOAD_DIR"]).rglob("*"))


def test_traversal_names_are_stored_under_a_random_name(client, plan, app, tmp_path):
    for n, name in enumerate(["../../outside.pdf", "..\\..\\windows.pdf", "/etc/passwd.pdf",
                              "C:\\boot.pdf", "名字\x00.pdf"]):
        r = _upload(client, plan["id"], name, PDF, kind=["plan", "filing_form", "risk_assessment",
                                                         "resource_survey", "expert_review"][n])
        assert r.status_code == 200
    root = Path(app.config["UPLOAD_DIR"]).resolve()
    stored = [p for p in root.rglob("*") if p.is_file()]
    assert len(stored) == 5
    for path in stored:
        assert path.parent == root / "plans" / str(plan["id"])
        assert len(path.stem) == 32 and path.suffix == ".pdf"  # uuid4 hex, our extension
    assert not list(tmp_path.rglob("outside.pdf")) and not Path("/etc/passwd.pdf").exists()
    r = client.get(f"/plans/{plan['id']}/documents/plan")
    assert r.status_code == 200 and r.data == PDF
    disposition = r.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "/" not in disposition.split("filename")[-1]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    r.close()


def test_oversize_upload_refused_by_size(client, plan, app, admin_api):
    app.config["MAX_UPLOAD_MB"] = 1
    r = _upload(client, plan["id"], "big.pdf", PDF + b"0" * (1024 * 1024))
    assert "大于 1 MB" in r.get_data(as_text=True)
    assert admin_api.get(f"/plans/{plan['id']}").json["documents"] == []


def test_oversize_request_body_refused_cleanly(client, plan, app):
    """A body over MAX_CONTENT_LENGTH is cut off by the server with 413, not a 500."""
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    r = _upload(client, plan["id"], "big.pdf", PDF + b"0" * (128 * 1024))
    assert r.status_code == 413
    r = client.post("/api/v1/enterprises", data=b"{" + b" " * (128 * 1024) + b"}",
                    content_type="application/json")
    assert r.status_code in (401, 413)
