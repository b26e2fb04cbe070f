"""The 备案表 receipt: a PDF whose Chinese text reads back (pypdf) with the filing number,
the enterprise, its credit code and the grouped verification code; the QR code carries the
public verification URL; only the enterprise itself and officers of its county get it, and
only once the submission is accepted."""
import io

from pypdf import PdfReader

from registry.submissions import receipt
from registry.submissions.verify import grouped
from tests.registry.submissions.conftest import submitted


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    return reader.pages[0].extract_text()


def _accepted(world):
    sid = submitted(world)
    out = world.officer_api.post(f"/submissions/{sid}/accept").json
    return sid, out


def _check(text, world, out):
    assert out["filing_number"] in text
    assert world.ours["name"] in text
    assert world.ours["credit_code"] in text
    assert grouped(out["verify_code"]) in text
    assert "企业事业单位突发环境事件应急预案备案表" in text
    assert "予以备案" in text and "受理部门" in text
    assert "演示" not in text


def test_api_receipt_for_the_enterprise_and_its_county(app, world):
    sid = submitted(world)
    # Before acceptance there is no receipt, for anybody.
    for api in (world.ours_api, world.officer_api):
        assert api.get(f"/submissions/{sid}/receipt.pdf").status_code == 404
        assert api.get(f"/submissions/{sid}").json["receipt_url"] is None
    out = world.officer_api.post(f"/submissions/{sid}/accept").json
    assert out["receipt_url"].endswith(f"/api/v1/submissions/{sid}/receipt.pdf")
    for api in (world.ours_api, world.officer_api):
        r = api.client.get(f"/api/v1/submissions/{sid}/receipt.pdf", headers=api.headers)
        assert r.status_code == 200 and r.mimetype == "application/pdf"
        assert r.data.startswith(b"%PDF")
        _check(_text(r.data), world, out)
    # The other enterprise and the other county's officer: 404, nothing leaks.
    for api in (world.theirs_api, world.other_officer_api):
        r = api.client.get(f"/api/v1/submissions/{sid}/receipt.pdf", headers=api.headers)
        assert r.status_code == 404
        assert not r.data.startswith(b"%PDF")
    shown = world.ours_api.get(f"/submissions/{sid}").json
    assert shown["verify_code"] == out["verify_code"] and shown["receipt_url"] == out["receipt_url"]


def test_qr_code_points_at_the_public_verify_page(app, world):
    sid, out = _accepted(world)
    with app.test_request_context():
        from registry.models.submissions import Submission
        from registry.extensions import db

        built = receipt.build(db.session.get(Submission, sid))
    base = app.config["BASE_URL"].rstrip("/")
    assert built.verify_url == f"{base}/verify/{out['verify_code']}"
    assert built.filename == f"{out['filing_number']}.pdf"
    text = _text(built.pdf)
    assert built.verify_url in text
    # The QR payload opens the public page.
    path = built.verify_url[len(base):]
    assert app.test_client().get(path).status_code == 200


def test_demo_filings_are_marked(app, world):
    sid, out = _accepted(world)
    from registry.extensions import db
    from registry.models.submissions import Submission

    with app.app_context():
        sub = db.session.get(Submission, sid)
        sub.enterprise.is_demo = True
        db.session.commit()
    r = world.ours_api.client.get(f"/api/v1/submissions/{sid}/receipt.pdf",
                                  headers=world.ours_api.headers)
    assert "演示" in _text(r.data)


def _login(app, accounts, username):
    client = app.test_client()
    assert accounts.login(client, username).status_code == 302
    return client


def test_pages_link_and_download_the_receipt(app, accounts, world):
    sid = submitted(world)
    ours = _login(app, accounts, world.ours_user)
    page = ours.get(f"/portal/submissions/{sid}").get_data(as_text=True)
    assert "下载备案表" not in page
    assert ours.get(f"/portal/submissions/{sid}/receipt.pdf").status_code == 404
    out = world.officer_api.post(f"/submissions/{sid}/accept").json
    page = ours.get(f"/portal/submissions/{sid}").get_data(as_text=True)
    assert "下载备案表" in page and f"/portal/submissions/{sid}/receipt.pdf" in page
    for listing in ("/portal/", f"/portal/enterprises/{world.ours['id']}"):  # 我的企业, its page
        assert f"/portal/submissions/{sid}/receipt.pdf" in ours.get(listing).get_data(as_text=True)
    r = ours.get(f"/portal/submissions/{sid}/receipt.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    _check(_text(r.data), world, out)
    theirs = _login(app, accounts, world.theirs_user)
    assert theirs.get(f"/portal/submissions/{sid}/receipt.pdf").status_code == 404
    # The enterprise is fenced off the officers' copy of the route.
    assert ours.get(f"/submissions/{sid}/receipt.pdf").status_code == 403
    # The county's officer: the link on the submission page, and the same receipt.
    _uid, officer = accounts.make("officer", ["411002"])
    desk = _login(app, accounts, officer)
    page = desk.get(f"/submissions/{sid}").get_data(as_text=True)
    assert "下载备案表" in page and f"/submissions/{sid}/receipt.pdf" in page
    r = desk.get(f"/submissions/{sid}/receipt.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    _check(_text(r.data), world, out)
    _uid, other = accounts.make("officer", ["411003"])
    assert _login(app, accounts, other).get(f"/submissions/{sid}/receipt.pdf").status_code == 404


def test_openapi_documents_the_receipt_as_pdf(client):
    doc = client.get("/api/v1/openapi.json").json
    op = doc["paths"]["/submissions/{submission_id}/receipt.pdf"]["get"]
    assert list(op["responses"]["200"]["content"]) == ["application/pdf"]
    assert set(op["responses"]) >= {"200", "401", "404"}


def test_longest_values_still_fit_on_the_page(app, world):
    """A 300-character address and plan title wrap and the type shrinks: every line stays
    on the A4 page, above the bottom margin, and the code and URL are still there."""
    from registry.extensions import db
    from registry.models.plans import Plan
    from registry.models.submissions import Submission

    sid, out = _accepted(world)
    address = ("许昌市魏都区示范路" * 40)[:299] + "尾"
    title = ("突发环境事件综合应急预案及专项预案" * 20)[:299] + "终"
    with app.test_request_context(method="POST"):  # a write: not a read-only GET
        sub = db.session.get(Submission, sid)
        sub.enterprise.address = address
        db.session.get(Plan, sub.accepted_plan_id).title = title
        db.session.commit()
        built = receipt.build(db.session.get(Submission, sid))
    page = PdfReader(io.BytesIO(built.pdf)).pages[0]
    ys = []
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: ys.append(
        (tm[5] * cm[3] + cm[5], text)) if text.strip() else None)
    assert ys and all(15 * 2.835 < y < 842 for y, _t in ys), min(ys)
    text = page.extract_text().replace("\n", "")
    assert "尾" in text and "终" in text
    assert grouped(out["verify_code"]) in text and built.verify_url in text
