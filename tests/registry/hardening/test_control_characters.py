"""NUL and other control characters in text input are refused with a 422 naming the field
(PostgreSQL cannot store NUL in text: before this, such input gave a 500 there), in the API,
the web forms, the log-in form and uploaded file names."""
import io

from tests.conftest import csrf_token, enterprise_payload, plan_payload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_api_refuses_control_characters(admin_api):
    r = admin_api.post("/enterprises", json=enterprise_payload(1, name="许昌\x00化工厂"))
    assert r.status_code == 422
    assert "name" in r.json["error"]["fields"]
    assert "控制字符" in r.json["error"]["fields"]["name"][0]
    r = admin_api.post("/enterprises", json=enterprise_payload(1, address="示范路\x07一号"))
    assert r.status_code == 422 and "address" in r.json["error"]["fields"]
    e = admin_api.post("/enterprises", json=enterprise_payload(1, address="示范路\t1号")).json
    assert e["address"] == "示范路\t1号"  # a tab is ordinary text (line breaks: test_line_breaks)
    r = admin_api.post("/plans", json=plan_payload(e["id"], title="预案\x00"))
    assert r.status_code == 422 and "title" in r.json["error"]["fields"]
    r = admin_api.get("/enterprises", query_string={"q": "许昌\x00"})
    assert r.status_code == 422 and "q" in r.json["error"]["fields"]
    assert admin_api.get("/enterprises").json["total"] == 1


def test_web_forms_and_login_refuse_control_characters(client, accounts):
    r = client.post("/login", data={"username": "admin\x00", "password": "x",
                                     "csrf_token": csrf_token(client)})
    assert r.status_code == 401
    _id, name = accounts.make("admin")
    accounts.login(client, name)
    data = {k: v for k, v in enterprise_payload(1, name="化工\x00厂").items() if v is not False}
    data["csrf_token"] = csrf_token(client, "/enterprises/new")
    r = client.post("/enterprises/new", data=data)
    assert r.status_code == 422 and "控制字符" in r.get_data(as_text=True)
    r = client.get("/enterprises", query_string={"q": "\x00"})
    assert r.status_code == 200


def test_upload_name_with_control_characters_is_cleaned(client, accounts, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411024")).json
    plan = admin_api.post("/plans", json=plan_payload(e["id"], documents=[])).json
    _id, name = accounts.make("officer", ["411024"])
    accounts.login(client, name)
    token = csrf_token(client, f"/plans/{plan['id']}")
    r = client.post(f"/plans/{plan['id']}/documents/plan",
                    data={"csrf_token": token, "file": (io.BytesIO(PDF), "../预案\x00\x1b.pdf")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    r = client.get(f"/plans/{plan['id']}/documents/plan")
    assert r.status_code == 200 and r.data == PDF
    assert "filename*=UTF-8''%E9%A2%84%E6%A1%88.pdf" in r.headers["Content-Disposition"]
    r.close()
