"""Issue #17.7: a line break in a single-line field (a name, an address, a title) is refused
with a 422 naming the field, in the API, the web forms and import rows; multi-line fields
keep theirs; and a line break that reached a name anyway never stops its reminders."""
import sqlalchemy as sa

from tests.conftest import csrf_token, enterprise_payload
from tests.registry.reminders.conftest import file_plan, run, smtp  # noqa: F401 (fixture)
from tests.registry.workflows.helpers import row, write_xlsx

BCC = "许昌市测试化工有限公司\r\nBcc: spy@example.com"


def test_api_refuses_line_breaks_in_single_line_fields(admin_api):
    for field, value in (("name", BCC), ("address", "示范路1号\n东院"),
                         ("contact_name", "王伟\u2028"), ("industry", "化工\r")):
        r = admin_api.post("/enterprises", json=enterprise_payload(1, **{field: value}))
        assert r.status_code == 422, field
        assert list(r.json["error"]["fields"]) == [field]
        assert "换行" in r.json["error"]["fields"][field][0]
    assert admin_api.get("/enterprises").json["total"] == 0


def test_multi_line_fields_keep_their_line_breaks(admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1)).json
    r = admin_api.post("/drills", json={
        "title": "突发环境事件\n应急演练", "held_on": "2026-05-20", "enterprise_ids": [e["id"]],
        "participating_bodies": ["许昌市生态环境局", "禹州市应急管理局"],
        "evaluation": "一、组织有序。\r\n二、响应及时。"})
    assert r.status_code == 422
    assert list(r.json["error"]["fields"]) == ["title"]  # not the evaluation


def test_web_form_refuses_a_line_break_in_a_name(client, accounts):
    _id, name = accounts.make("admin")
    accounts.login(client, name)
    data = {k: v for k, v in enterprise_payload(1, name=BCC).items() if v is not False}
    data["csrf_token"] = csrf_token(client, "/enterprises/new")
    r = client.post("/enterprises/new", data=data)
    assert r.status_code == 422 and "不得含有换行符" in r.get_data(as_text=True)


def test_import_row_with_a_line_break_is_an_error(app, tmp_path):
    from registry.permissions import SYSTEM
    from registry.workflows.importer import run_import
    from registry.workflows.source import read_register

    path = write_xlsx(tmp_path / "r.xlsx", [row(1), row(2, 企业名称=BCC)])
    with app.app_context():
        result = run_import(SYSTEM, read_register(path))
    assert not result.committed
    (error,) = result.errors
    assert error.row == 3 and error.column == "企业名称" and "换行" in error.message


def test_mail_headers_are_built_from_one_line_text(app):
    from registry.reminders.mail import build_message

    msg = build_message(app.config, "contact1@example.com", "王伟\r\nBcc: spy@example.com",
                        f"【预案回顾性评估提醒】{BCC}", "正文", "<p>正文</p>")
    wire = msg.as_bytes()
    assert b"\nBcc:" not in wire and msg["Bcc"] is None
    assert "spy@example.com" in str(msg["Subject"])  # kept as text, on one line


def test_a_name_with_a_line_break_from_before_still_gets_its_reminders(app, smtp, admin_api):  # noqa: F811
    """A row stored before the check (or written by SQL): its reminders are sent."""
    from registry.extensions import db
    from registry.models import Enterprise

    file_plan(admin_api, 1, "2023-09-13")  # review due in 90 days
    with app.app_context():
        db.session.execute(sa.update(Enterprise).values(name=BCC))
        db.session.commit()
    summary = run(app)
    assert summary.line() == "due 1, sent 1, failed 0, skipped 0"
    assert smtp.recipients() == ["contact1@example.com"]
    (msg,) = smtp.to("contact1@example.com")
    assert "Bcc: spy@example.com" in str(msg["Subject"]) and msg["Bcc"] is None
